"""The context groups a name rule may require: words that show a name is meant as one.

A galaxy name that is an ordinary word ("Sandworm") needs its kind's context nearby
("group", "hackers"); a sector name needs a sector noun right after it ("energy
sector"); a product that is an ordinary word ("Exchange") needs product context ("server",
a CVE ID); a country that is also a first name or a US state ("Jordan", "Georgia") needs
location evidence ("in Jordan", "the government of Jordan"). See ``matching.ContextRule``.

Some evidence speaks against a name, whatever context words surround it: a place right
after a first name is a surname ("John Denver"), a demonym that names no person is a
thing when it ends a noun phrase after "a" ("a cherry Danish"), and a coined malware or
actor name in a text about a film, a book or an album is a title ("Akira is a classic
anime film") unless a threat is mentioned too.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from articles.enrichment.matching import ContextRule, DeedRule
from articles.enrichment.products import PRODUCT_CONTEXT

_COUNTRIES = Path(__file__).parent / "data" / "countries.json"


@cache
def first_names() -> frozenset[str]:
    with _COUNTRIES.open(encoding="utf-8") as handle:
        return frozenset(json.load(handle).get("first_names", []))


_CAPITALISED_WORD_BEFORE = re.compile(r"\b([A-Z][a-z]+) \Z")


# A title before a surname: "Cllr Trimble", "Dr. Monti", "Senator Jordan". ("St" is left
# out: "St Lucia" is the place.)
_HONORIFICS_TEXT = """
    Mr Mrs Ms Mx Dr Prof Cllr Sir Dame Lord Lady Rev Councillor Councilwoman Councilman Senator
    Mayor Judge Justice Professor Captain Coach Inspector Sergeant Detective Officer Reverend
    Father Sister Brother Uncle Aunt Auntie Grandma Grandpa Madame Monsieur Herr Frau Signora
    Signor Señor Señora
"""
_HONORIFICS = frozenset(_HONORIFICS_TEXT.split())


def after_first_name(text: str, _folded: str, start: int, _end: int) -> bool:
    """A surname, not the place: "John Denver", "Denzel Washington", "Cllr Trimble"."""
    # A first name or title ends in a lower-case letter (or a title's full stop) right
    # before the space: after other punctuation, a line break, a digit or capitals there is
    # nothing to look up, and no regex is run (this runs for every coined name and place).
    if start < 3 or text[start - 1] != " ":
        return False
    if text[start - 2] == ".":
        return text[max(0, start - 8) : start - 2].rpartition(" ")[2] in _HONORIFICS
    if not text[start - 2].islower():
        return False
    word = _CAPITALISED_WORD_BEFORE.search(text, max(0, start - 16), start)
    return word is not None and (word.group(1) in first_names() or word.group(1) in _HONORIFICS)


_US_STATES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii"
    "|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan"
    "|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico"
    "|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island"
    "|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia"
    "|Wisconsin|Wyoming"
)
# "Peru, Indiana" (a town), "Denmark Street", "Poland Spring": a country's name as part of
# another place's or a brand's name.
_PLACE_NAMED_AFTER = re.compile(
    rf",\s(?:{_US_STATES})\b|\s(?:Street|Road|Avenue|Square|Lane|Spring|Springs|Hill|Park)\b"
)


def a_place_named_after_it(text: str, _folded: str, _start: int, end: int) -> bool:
    """A town, a street or a brand named after the country, not the country."""
    return _PLACE_NAMED_AFTER.match(text, end) is not None


# A food, an animal, a plant or a thing right after a country or demonym, maybe after one
# modifier, names that thing: "Norway spruce", "Israeli couscous", "Chilean sea bass",
# "Vietnamese pot-bellied pigs", "Moroccan lanterns". Not oil or gas, which are the
# country's own ("Russian oil"), nor windows or tables, which are software ("Russian
# Windows users").
_THING_AFTER = re.compile(
    r"\s+(?:[a-z]+(?:-[a-z]+)*\s+)?(?:"
    # dishes and drinks
    r"barbecue|bbq|cakes?|breads?|cheeses?|sausages?|salads?|soups?|stews?|curr(?:y|ies)|rice|noodles"
    r"|dumplings|couscous|pastr(?:y|ies)|pies?|toast|waffles?|pancakes?|omelett?es?|fries|chocolates?"
    r"|fudge|yogh?urts?|kebabs?|tacos?|sandwich(?:es)?|meatballs|bacon|ham|beef|lamb|pork|bass|salmon"
    r"|sardines|olives|tea|coffee|espresso|wines?|beers?|lager|vodka|whisk(?:e)?y|rum|brandy|liqueur"
    r"|cuisine|food|dish(?:es)?|recipes?|desserts?|spices?|peppers?|basil|cabbage|melons?|lemons?"
    # animals and plants
    r"|dogs?|cats?|horses?|pon(?:y|ies)|pigs?|cattle|cows?|sheep|goats?|hounds?|terriers?|shepherds?"
    r"|spaniels?|setters?|mastiffs?|retrievers?|bulldogs?|husk(?:y|ies)|vipers?|pythons?|snakes?"
    r"|cobras?|lizards?|parrots?|geese|goose|hornets?|beetles?|ants|breeds?|hamsters?|gerbils?"
    r"|rabbits?|kittens?|lil(?:y|ies)"
    r"|spruces?|pines?|firs?|maples?|oaks?|elms?|ivy|moss|roses?|tulips?|orchids?|cedars?|palms?"
    # things made, worn and played
    r"|lanterns?|lamps?|rugs?|carpets?|tapestr(?:y|ies)|blankets?|quilts?|tuxedos?|hats?|boots"
    r"|slippers|scarf|scarves|cigars?|teacups?|porcelain|pottery|vases?|lacquer|furniture|cabinets?"
    r"|saunas?|massages?|guitars?|violins?|accordions?|bagpipes|dance|dancing|tango|polka|opera"
    r"|cooking|architecture|proverbs?|idioms?|alphabet|numerals|grammar|weddings?|new year"
    # exercises and furnishings named after a country
    r"|(?:split\s+)?squats?|deadlifts?|lunges?|twists?|blinds?"
    r")\b"
)


def named_for_a_thing(_text: str, folded: str, _start: int, end: int) -> bool:
    """A dish, a breed, a plant or an object named after the place, not the place."""
    return _THING_AFTER.match(folded, end) is not None


def not_the_place(text: str, folded: str, start: int, end: int) -> bool:
    """A surname ("Kathy Ireland"), a town, street or brand named after the country ("Peru,
    Indiana"), or a thing named after it ("Norway spruce")."""
    return (
        after_first_name(text, folded, start, end)
        or a_place_named_after_it(text, folded, start, end)
        or named_for_a_thing(text, folded, start, end)
    )


def a_thing(text: str, folded: str, start: int, end: int) -> bool:
    """A demonym that names a thing: "a cherry Danish", "Danish pastries"."""
    return a_thing_not_a_people(text, folded, start, end) or named_for_a_thing(text, folded, start, end)


# "a cherry Danish", "an English": "a"/"an" and at most two modifiers that are not
# prepositions, then the name, then the noun phrase ends (punctuation or a preposition).
_A_NOUN_OPENING = re.compile(
    r"\b(?:a|an)(?:\s+(?!(?:of|in|on|at|for|from|to|by|with|and|or)\b)[a-z]+){0,2}\s+\Z"
)
_NOUN_PHRASE_END = re.compile(
    r"\s*(?:[^\w\s'\u2019-]|\Z)|\s+and\s+(?:a|an)\s|\s+(?:on|in|at|with|for|from|to|of|by|is|was|were|are|has|had|have"
    r"|will|would|that|which|before|after|every|each|this|today|yesterday|too|again)\b"
)


def a_thing_not_a_people(_text: str, folded: str, start: int, end: int) -> bool:
    """A thing, not a people: "a cherry Danish" is a pastry; "a Danish firm" stays Denmark."""
    return (
        _A_NOUN_OPENING.search(folded, max(0, start - 40), start) is not None
        and _NOUN_PHRASE_END.match(folded, end) is not None
    )


# Words that say the text is about a film, a book or a song (or the moon, the myth or the
# car a coined name also belongs to: "Callisto", "Mirai").
_WORK_TEXT = """
    film films movie movies anime manga novel novels novella album albums song songs sitcom
    cinema director directed starring soundtrack screenplay trilogy sequel comic comics
    episode episodes paperback bestseller singer rapper book books fable fables poem poems
    poet novelist playwright chapter chapters opera musical
    moon moons planet planets orbit orbits telescope astronomers asteroid comet spacecraft
    myth myths mythology god gods goddess nymph deity norse sedan hatchback car cars carmaker
    neptune jupiter saturn uranus
    game games arcade console statue statues temple shrine genus species caterpillars larvae
    prize trophy festival cardinal pope bishop western westerns cowboy nickname
    drama dramas comedy thriller documentary starred bond adaptation playhouse theatre theater
    premiere premiered audience audiences
"""
# Each as a whole space-separated token, with the quotes and punctuation that may cling to
# it: splitting the window on spaces and one set test is cheaper than a regex per hit.
_WORK_TOKENS = frozenset(
    f"{lead}{word}{trail}"
    for word in _WORK_TEXT.split()
    for lead in ("", "(", '"', "'", "\u201c")
    for trail in ("", ".", ",", ";", ":", "!", "?", ")", '"', "'", "'s", "\u2019s", "\u201d")
)
_WORK_WINDOW = 60

_THREAT_WORDS = re.compile(
    r"\b(?:attack\w*|breach\w*|hack\w*|ransom\w*|malware|spyware|phish\w*|target\w*|compromis\w*"
    r"|victims?|intrusions?|espionage|spied|spying|exploit\w*|stole|steal\w*|theft|leak\w*|extort\w*"
    r"|encrypt\w*|disrupt\w*|hit|threat\w*|campaigns?|incidents?|cyber\w*|lure[sd]?|fraud\w*"
    r"|scam\w*|ddos|wipers?|backdoors?|infect\w*|skimm\w*|apt\d*|trojans?|implants?|hackers?"
    r"|abus\w*|exfiltrat\w*|intruders?|unauthori[sz]ed|pre-?position\w*"
    # What attackers do to a victim's systems, and the brokers who sell the way in.
    r"|hijack\w*|tamper\w*|sabotag\w*|malicious|adversar\w*|vulnerab\w*|taken over|took over"
    r"|(?:sold|sells?|selling|initial) access)\b"
)
# The same words for a one-word sector, but "threat" only as "threat actor" (see "threatened").
_SECTOR_THREAT_WORDS = re.compile(_THREAT_WORDS.pattern.replace(r"|threat\w*|", r"|threat[\s-]actors?|"))
if _SECTOR_THREAT_WORDS.pattern == _THREAT_WORDS.pattern:  # the alternative was reworded
    raise RuntimeError("_SECTOR_THREAT_WORDS no longer leaves out a bare 'threat'")
_SOFTWARE_WORDS = re.compile(
    r"\b(?:malware|ransomware|trojans?|backdoors?|loaders?|droppers?|botnets?|rats?"
    r"|(?:info)?stealers?|worms?|implants?|payloads?|variants?|strains?|spyware"
    r"|rootkits?|wipers?|bankers?|keyloggers?|(?:crypto)?miners?|virus(?:es)?"
    r"|samples?|tools?|toolkits?|frameworks?|beacons?|c2|binar(?:y|ies)|dlls?"
    r"|command-and-control|post-exploitation|infections?|infected|ransom|affiliates?|trojani[sz]ed)\b"
)


def mentions_a_threat(folded: str) -> bool:
    """Whether a lower-cased text has a threat word anywhere ("breach", "ransomware"...)."""
    return _THREAT_WORDS.search(folded) is not None


def about_a_work_not_a_threat(_text: str, folded: str, start: int, end: int) -> bool:
    """A film, book or album is named nearby and no threat or software word is."""
    low, high = max(0, start - _WORK_WINDOW), end + _WORK_WINDOW
    window = folded[low:high]
    if _WORK_TOKENS.isdisjoint(window.split()):
        return False
    return not (_THREAT_WORDS.search(window) or _SOFTWARE_WORDS.search(window))


# "posing as journalists", "impersonated recruiters": who the attackers pretended to be.
_IMPERSONATING = re.compile(
    r"\b(?:impersonat\w*|pos(?:ed|ing|es?) as|masquerad\w* as|pretend\w* to be|disguised as)"
    # A few words may stand between ("impersonated journalists and think-tank researchers"),
    # but not the words that start what they did to whom ("posing as IT staff to reach banks").
    r"(?:\s+(?:a|an|the))?(?:\s+(?!(?:to|against|target\w*|in|at|on|while|when|then|for|from|and then)\b)"
    r"[a-z-]+,?){0,4}\s+\Z"
)


def far_from_a_threat(_text: str, folded: str, start: int, end: int) -> bool:
    """No threat word within ~a paragraph of the hit (a tally of victims names them)."""
    return _THREAT_WORDS.search(folded, max(0, start - 600), end + 600) is None


_RANSOMWARE_WORDS = re.compile(r"\bransom\w*|\bleak[\s-]sites?\b|\bextortion\b|\bdouble[\s-]extortion\b")


def far_from_ransomware(_text: str, folded: str, start: int, end: int) -> bool:
    """No word about ransomware within ~a paragraph of the hit."""
    return _RANSOMWARE_WORDS.search(folded, max(0, start - 600), end + 600) is None


def impersonated(_text: str, folded: str, start: int, _end: int) -> bool:
    """Who the attackers pretended to be ("posing as journalists"), not whom they targeted."""
    return _IMPERSONATING.search(folded, max(0, start - 40), start) is not None


def a_work_or_a_surname(text: str, folded: str, start: int, end: int) -> bool:
    """A title (``about_a_work_not_a_threat``) or a surname after a first name ("Tom Conti")."""
    return after_first_name(text, folded, start, end) or about_a_work_not_a_threat(text, folded, start, end)


_ACTOR_WORDS = re.compile(
    r"\b(?:apts?|groups?|actors?|hackers?|hacking|gangs?|crews?|campaigns?|operators?"
    r"|espionage|cyberespionage|state-sponsored|nation-state|attributed|attribution"
    r"|intrusions?|adversary|adversaries|aka|tracked as|known as|gru|fsb|mss"
    r"|attacks?|attacked|targeted|targeting|linked|behind|sponsored|military"
    # What only an attacker does: a capitalised "Sandworm" or "Lazarus" beside these
    # is the group ("Lazarus stole $600 million", "Sandworm deployed a wiper").
    r"|malware|ransomware|spyware|wipers?|backdoors?|implants?|trojans?|exploit\w*"
    r"|zero-days?|0-days?|phish\w*|spear-phish\w*|hack(?:s|ed)?|breach\w*|stole|steal\w*"
    r"|compromis\w*|exfiltrat\w*|infect\w*|malicious|c2|pre-?position\w*"
    # Not "cyber..." as such: "cybersecurity" is in every security story, about anyone.
    r"|cyberattacks?|cyber-attacks?|cybercrim\w*)\b"
)
# Any word of a threat, an actor or a piece of software: what a name made of ordinary words
# ("Sea Turtle", "Poison Ivy", "Lemon Duck") needs nearby to be the threat, not the thing.
_ATTACKER_DEEDS = re.compile(
    r"\b(?:stolen|abus\w*|trojani[sz]\w*|impersonat\w*|posed as|posing as|flaws?|vulnerab\w*"
    r"|cve-\d{4}|persona|lured?|researchers?|techniques?|sub-techniques?|att&ck|mitre|ttps?|t1\d{3}"
    # ATT&CK's tactics, and what a dropper does
    r"|persistence|lateral movement|privilege escalation|defen[cs]e evasion|credential access"
    r"|initial access|command and control|dropped|dropping)\b"
)
_ANY_THREAT_WORD = re.compile(
    "|".join(p.pattern for p in (_ACTOR_WORDS, _THREAT_WORDS, _SOFTWARE_WORDS, _ATTACKER_DEEDS))
)

# What is said of a company in business and technology news.
_COMPANY_WORDS = re.compile(
    r"\b(?:compan(?:y|ies)|firms?|acqui\w*|deal|ceo|executives?|shares|stock|investors?|invest\w*"
    r"|revenue|billion|million|announced|said|says|spokes\w*|regulators?|fined?|fines|platforms?"
    r"|users|customers|apps?|services?|cloud|data|accounts?|messag\w*|channels?|servers?|software"
    r"|employees|startup|founders?|lawsuit|sued|privacy|gdpr)\b"
)

# What follows a sector's name in a tally of victims (the "sector-tally" context below).
_SECTOR_TALLY_AFTER = re.compile(
    r"(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+)[a-z][\w-]*(?:\s+[a-z][\w-]*)?){0,3}"
    # One more word of the sector's name ("retail trade"), not a verb's ("accounting for").
    r"(?:\s+(?!(?:for|of|to|by|in|on|at|up|down|from|with|over|under|rose|fell|grew|dropped"
    r"|increased|decreased|was|were|is|are|has|had|rate|rates|prices?|costs?|shares?|stocks?)\b)"
    r"[a-z][\w-]*)?(?:\s*\([^()]{1,20}\))?"
    r"(?:(?:\s*[(:\u2014\u2013-]|\s*\.{2,}|\s*\u2026+)?\s*\d{1,3}(?:[.,]\d+)?\s*%"
    r"|\s+\(?(?!(?:19|20)\d\d\b)\d{1,4}\)?(?=\s*(?:[,;\u00b7|]|\.(?:\s|\Z)|\n|\Z))"
    r"|\s+(?:was|remained|is|were|became|stayed)\s+(?:again\s+|once\s+again\s+|still\s+)?(?:the\s+)?"
    r"(?:(?:most|second|third|least)[\s-]+(?:often\s+|frequently\s+)?(?:targeted|attacked|affected|hit)"
    r"|hardest[\s-]hit|(?:top|leading|largest|biggest)\s+(?:target|victim)|sector|industry|vertical)\b)"
)
# What follows or precedes a ransomware brand in a leak-site tally or deed ("ransomware-brand").
_RANSOMWARE_TALLY_AFTER = re.compile(
    r"\s*\(?\d{1,4}\)?(?=\s*(?:[,;\u00b7|)]|\.(?:\s|\Z)|\n|\Z))"
    r"|\s+(?:has\s+|had\s+|have\s+|also\s+|then\s+)?(?:claimed|posted|listed|leaked|published"
    r"|encrypted|breached|struck)\b"
    r"|(?:'s|\u2019s)?\s+(?:data\s+)?(?:leak\s+)?(?:site|blog|portal|negotiators?|ransom\s+notes?)\b"
)
_RANSOMWARE_DEED_BEFORE = re.compile(
    r"\b(?:claimed|posted|listed|leaked|published|encrypted|named)\s+by\s+(?:the\s+)?"
    r"(?:(?:a\s+)?(?:newer|new|little-known|emerging|rebranded)\s+)?(?:group|gang|crew|operation)?"
    r"\s*(?:calling\s+itself\s+|known\s+as\s+|dubbed\s+)?\Z"
    r"|\bnotes?\s+(?:says?|reads?|signed|from)\s+\Z"
)


# The tallies are checked first, anchored at the name: most hits of these everyday words
# are no tally, and fail there before the wider search for a threat word runs.
def a_sector_tally(text: str, folded: str, start: int, end: int) -> bool:
    """A sector in a tally of victims (see "sector-tally")."""
    tallied = _SECTOR_TALLY_AFTER.match(folded, end, end + 90) is not None
    return tallied and not far_from_a_threat(text, folded, start, end)


def a_ransomware_tally_or_deed(text: str, folded: str, start: int, end: int) -> bool:
    """A ransomware brand in a leak-site tally or deed (see "ransomware-brand")."""
    told = (
        _RANSOMWARE_TALLY_AFTER.match(folded, end, end + 40) is not None
        or _RANSOMWARE_DEED_BEFORE.search(folded, max(0, start - 40), start) is not None
    )
    return told and not far_from_ransomware(text, folded, start, end)


CONTEXT_GROUPS: dict[str, ContextRule] = {
    "actor": ContextRule(_ACTOR_WORDS, window=50),
    "software": ContextRule(_SOFTWARE_WORDS, window=50),
    "technique": ContextRule(
        re.compile(r"\b(?:(?:sub-)?techniques?|att&ck|mitre|ttps?|t\d{4})\b"), window=50
    ),
    # A ransomware galaxy spells some brands as plain lower-case words ("fog", "ghost");
    # written as a name right before "ransomware" ("Fog ransomware") they are the brand,
    # and so before what only an extortion brand has ("the Cactus gang", "Fog's leak site",
    # "Interlock affiliates"). Not "group": companies are named "X Group".
    "ransomware": ContextRule(
        re.compile(
            r"[\s-]ransomware\b|(?:'s|\u2019s)?\s+(?:gang|crew|affiliates?|operators?"
            r"|(?:data\s+)?leak\s+sites?)\b"
        ),
        window=30,
        follows=True,
    ),
    # Sector words are everyday nouns ("legal basis", "remote administration"): only a
    # sector noun right after the name counts, possibly after a list of other sectors
    # ("energy and water sectors", "finance, energy and health companies").
    "sector": ContextRule(
        re.compile(
            r"(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+)[a-z][\w-]*(?:\s+[a-z][\w-]*)?){0,6}"
            r"\s+(?:sectors?|industry|industries|compan(?:y|ies)|firms?|organi[sz]ations?"
            r"|providers?|operators?|institutions?|entities|verticals?|agencies|utilit(?:y|ies)"
            r"|facilities|networks?|businesses|producers?|processors?|distributors?|suppliers?"
            r"|makers?|manufacturers?|retailers?|authorities|contractors?|plants|mills|customers|victims"
            # Headlines ("Shipping Giant Confirms Breach"), insurers' and MSSPs' words ("our
            # clients in the construction vertical", "the enterprises of the energy sector"
            # in translated news) and co-ops. ("Chain" is not one: "the food chain").
            r"|giants?|clients|segments?|enterprises|establishments|carriers|practices|groups"
            r"|co-?operatives?|co-ops?|cent(?:er|re)s|start-?ups|markets|subsidiar(?:y|ies))\b"
        ),
        window=80,
        follows=True,
    ),
    # A ransomware brand that is an ordinary word, in a leak-site tracker's tally or deed:
    # "Play 17 · Lynx 8", "Medusa (2)", "Cactus claimed", "the Lynx site", "posted by
    # Interlock", "ransom note says Lynx"; only near a word about ransomware.
    "ransomware-brand": ContextRule(None, accepts=a_ransomware_tally_or_deed),
    # A sector in a tally of victims: a share or a count right after the name, possibly
    # after a list or a dotted leader ("finance and insurance (18%)", "Transport — 12.7%",
    # "Retail trade .......... 7.4%", "construction 14, manufacturing 13"), or a ranking
    # ("Manufacturing remained the most targeted industry"); only in a text about a threat,
    # so a market report's "Energy (+2.1%)" is none.
    "sector-tally": ContextRule(None, accepts=a_sector_tally),
    # A sector named by one everyday word ("hospitals", "schools", "airlines") is a sector
    # finding only in a text about a threat to it, not in a weather or business story.
    # ("A threat" alone is not one there: ash "poses a threat to aircraft" near "airlines".)
    "threatened": ContextRule(_SECTOR_THREAT_WORDS, window=100, refuses=impersonated),
    # Gazetteer products and vendors that are ordinary words ("Exchange", "Progress").
    "product": ContextRule(PRODUCT_CONTEXT, window=60),
    # Country names that are also first names, US states or words ("Jordan", "Georgia",
    # "Turkey"), and US states and cities: a place only when the text treats it as one.
    "location": ContextRule(
        re.compile(
            r"-based\b|\b(?:based|headquartered|located) in\b|\b(?:government|ministry|ministries"
            r"|embassy|embassies|capital|border|borders|country|countries|nation|officials|authorities"
            r"|province|region|city|cities|county|residents|cyberattacks?|cyber-attacks?)\b"
            # Attribution to a state: "Israel-linked", "Turkish state-backed group",
            # "Turkey-nexus", "Georgian hackers".
            r"|-(?:linked|nexus|aligned|backed|sponsored|affiliated)\b|\bstate-(?:backed|sponsored|aligned)\b"
            r"|\b(?:nation-state|hackers|spies|intelligence (?:services?|agenc(?:y|ies)))\b"
        ),
        window=40,
        refuses=not_the_place,
        before=re.compile(
            r"\b(?:in|from|across|throughout|near|into|inside|outside|within|targeting(?:\s+to)?|targeted|hit"
            r"|visited|visit)\s+(?:the\s+(?:state\s+of\s+)?)?\Z"
        ),
    ),
    # A country's name, unless a town, street or brand is named after it ("Peru, Indiana").
    "country": ContextRule(None, refuses=not_the_place),
    # Demonyms that name no person ("Danish", "English"): the country unless they end a
    # noun phrase after "a" ("a cherry Danish").
    "demonym": ContextRule(None, refuses=a_thing),
    # Coined names that match as written ("Akira", "Emotet"), except as a title or as a
    # surname ("Tom Conti", "Gordon Ramsay").
    "title": ContextRule(None, refuses=a_work_or_a_surname, refusal_holds_for_the_text=True),
    # A company's name that is also a surname ("Cllr Trimble reported", "Dr. Siemens").
    "surname": ContextRule(None, refuses=after_first_name, refusal_holds_for_the_text=True),
    # A galaxy name of two or more ordinary words ("Sea Turtle", "Hide and Seek"), written
    # as a name: a threat word nearby, or another threat named in the text; never a title.
    "alias": ContextRule(
        _ANY_THREAT_WORD, window=100, refuses=a_work_or_a_surname, refusal_holds_for_the_text=True
    ),
    # A company named by an ordinary word ("Slack", "Telegram", "Stripe"): in a story about a
    # threat or about business, not in "slack in the rope" or "stripe patterns on zebras".
    "company": ContextRule(
        re.compile(f"{_ANY_THREAT_WORD.pattern}|{_COMPANY_WORDS.pattern}"),
        window=100,
        refuses=a_work_or_a_surname,
    ),
}

# What follows a name that lacks its context can vouch for it: an actor doing something
# with a named piece of software ("Sandworm built Industroyer2", "Patchwork used BADNEWS").
_DEED_VERBS = re.compile(
    r"\s+(?:built|deployed|deploys|used|uses|developed|develops|wrote|dropped|drops|delivered"
    r"|delivers|distributed|pushed|installed|installs|leveraged|wielded|relied on|relies on)"
    r"\s+(?:(?:the|a|an|its|their|new|custom|updated)\s+)*"
)
DEEDS: dict[str, DeedRule] = {
    "actor": DeedRule(_DEED_VERBS, done_with="software"),
    # "Sea Turtle used SnappyTCP": a name of ordinary words, like an actor's.
    "alias": DeedRule(_DEED_VERBS, done_with="software"),
    # A family introduced by what it descends from: "Latrodectus, the IcedID successor",
    # "BlackSuit (a Royal rebrand)". Only an accepted software name right after counts.
    "software": DeedRule(
        re.compile(r"\s*(?:,|\(|—|–|-)\s*(?:the|a|an)\s+(?:(?:new|newer|likely|apparent)\s+)?"),
        done_with="software",
    ),
}
