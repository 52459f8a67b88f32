"""The context groups a name rule may require: words that show a name is meant as one.

A galaxy name that is an ordinary word ("Sandworm") needs its kind's context nearby
("group", "hackers"); a sector name needs a sector noun right after it ("energy
sector"); a product that is an ordinary word ("Exchange") needs product context ("server",
a CVE ID); a country that is also a first name or a US state ("Jordan", "Georgia") needs
location evidence ("in Jordan", "the government of Jordan"). See ``matching.ContextRule``.
"""

from __future__ import annotations

import re

from articles.enrichment.matching import ContextRule
from articles.enrichment.products import PRODUCT_CONTEXT

CONTEXT_GROUPS: dict[str, ContextRule] = {
    "actor": ContextRule(
        re.compile(
            r"\b(?:apts?|groups?|actors?|hackers?|hacking|gangs?|crews?|campaigns?|operators?"
            r"|espionage|cyberespionage|state-sponsored|nation-state|attributed|attribution"
            r"|intrusions?|adversary|adversaries|aka|tracked as|known as|gru|fsb|mss"
            r"|attacks?|attacked|targeted|targeting|linked|behind|sponsored|military)\b"
        ),
        window=50,
    ),
    "software": ContextRule(
        re.compile(
            r"\b(?:malware|ransomware|trojans?|backdoors?|loaders?|droppers?|botnets?|rats?"
            r"|(?:info)?stealers?|worms?|implants?|payloads?|variants?|strains?|spyware"
            r"|rootkits?|wipers?|bankers?|keyloggers?|(?:crypto)?miners?|virus(?:es)?"
            r"|samples?|famil(?:y|ies)|tools?|toolkits?|frameworks?|beacons?|c2"
            r"|command-and-control|post-exploitation|infections?|infected|ransom)\b"
        ),
        window=50,
    ),
    "technique": ContextRule(
        re.compile(r"\b(?:(?:sub-)?techniques?|att&ck|mitre|ttps?|t\d{4})\b"), window=50
    ),
    # A ransomware galaxy spells some brands as plain lower-case words ("fog", "ghost");
    # written as a name right before "ransomware" ("Fog ransomware") they are the brand.
    "ransomware": ContextRule(re.compile(r"[\s-]ransomware\b"), window=12, follows=True),
    # Sector words are everyday nouns ("legal basis", "remote administration"): only a
    # sector noun right after the name counts, possibly after a list of other sectors
    # ("energy and water sectors", "finance, energy and health companies").
    "sector": ContextRule(
        re.compile(
            r"(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+)[a-z][\w-]*(?:\s+[a-z][\w-]*)?){0,4}"
            r"\s+(?:sectors?|industry|industries|compan(?:y|ies)|firms?|organi[sz]ations?"
            r"|providers?|operators?|institutions?|entities|verticals?|agencies|utilit(?:y|ies)"
            r"|facilities|networks?|businesses)\b"
        ),
        window=80,
        follows=True,
    ),
    # A sector named by one everyday word ("hospitals", "schools", "airlines") is a sector
    # finding only in a text about a threat to it, not in a weather or business story.
    "threatened": ContextRule(
        re.compile(
            r"\b(?:attack\w*|breach\w*|hack\w*|ransom\w*|malware|spyware|phish\w*|target\w*|compromis\w*"
            r"|victims?|intrusions?|espionage|spied|spying|exploit\w*|stole|steal\w*|theft|leak\w*|extort\w*"
            r"|encrypt\w*|disrupt\w*|hit|threat\w*|campaigns?|incidents?|cyber\w*|lure[sd]?|fraud\w*"
            r"|scam\w*|ddos|wipers?|backdoors?|infect\w*|skimm\w*|apt\d*|trojans?|implants?|hackers?)\b"
        ),
        window=100,
    ),
    # Gazetteer products and vendors that are ordinary words ("Exchange", "Progress").
    "product": ContextRule(PRODUCT_CONTEXT, window=60),
    # Country names that are also first names, US states or words ("Jordan", "Georgia",
    # "Turkey"), and US states and cities: a place only when the text treats it as one.
    "location": ContextRule(
        re.compile(
            r"-based\b|\b(?:based|headquartered|located) in\b|\b(?:government|ministry|ministries"
            r"|embassy|embassies|capital|border|borders|country|countries|nation|officials|authorities"
            r"|province|region|city|cities|county|residents|cyberattacks?|cyber-attacks?)\b"
        ),
        window=40,
        before=re.compile(
            r"\b(?:in|from|across|throughout|near|into|inside|outside|within|targeting(?:\s+to)?|targeted|hit"
            r"|visited|visit)\s+(?:the\s+(?:state\s+of\s+)?)?\Z"
        ),
    ),
}
