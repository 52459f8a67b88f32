"""Named entities: threat actors, malware, tools, ATT&CK techniques, sectors, countries,
organizations, products, vendors and the admins' watch list (docs/entities.md).

Names come from the MISP galaxies shipped in ``pymispgalaxies`` (see ``galaxies``), a
gazetteer of organizations we keep (``data/organizations.json``), country short forms
and demonyms (``data/countries.json``), dual-use software the galaxies call malware and
admin tools they miss (``data/software.json``), sector phrases (``data/sectors.json``), products
and vendors (``data/products.json``, see ``products``) and the
``WatchEntity`` items given to the extractor. All names go into one automaton (see
``matching``); each name gets a rule:

- names in ``data/stoplist.txt`` are never matched, nor names inside a ``blocked`` phrase
  ("French fries", "Stock Exchange");
- countries that are also first names, US states or words ("Jordan", "Georgia",
  "Turkey"), and US states and cities, match as written and only as a place ("in
  Jordan", "a Texas-based firm"): ``located`` in ``data/countries.json``;
- products and vendors that are ordinary words or short ("Exchange", "ASA") match as
  written and next to product context ("Exchange servers", a CVE ID);
- curated names (watch list, gazetteer, countries) match as written, or in any casing
  when they are longer than four characters and not ordinary English words;
- galaxy names that are ordinary English words ("Sandworm", "Cobalt", "ZINC") match only
  as written *and* with a context word nearby ("group", "malware", "technique", ...);
  several ordinary words ("Fancy Bear") match as written; an ordinary word spelt in
  lower case by its galaxy ("fog") matches only as a malware name capitalised right
  before "ransomware" ("Fog ransomware"), nor does another lower-case word match
  unless it is a command-line tool next to a software word ("netsh"). A word with a
  capital inside ("BloodHound") is a name as written. Other one-word names ("Emotet")
  match as written or in capitals, and in other casings with context; other
  multi-word names ("Lazarus Group", "Cobalt Strike") in any casing. Names of three
  characters or fewer must be written exactly, have context, and belong to one
  entity only;
- ATT&CK techniques match by ID and by name ("Parent: Sub" for sub-techniques). A
  sub-technique's short name, or a revoked technique's name, matches alone when it is
  distinctive ("PowerShell", "LSASS Memory", "password spraying", "scheduled tasks",
  "spear-phishing link"); an everyday one ("Python", "Local Accounts") only as written
  and next to technique context;
- sectors need a sector noun right after them ("energy sector", "energy and water
  sectors"), unless the name is a whole phrase ("financial services");
- an actor whose name software wins ("Carbanak") keeps "<name> group" ("Carbanak
  group" is FIN7).

When several entities claim one name, the first of these wins: watch list, gazetteer,
country, galaxy (so "Microsoft" is an organization and "Russian" a country, not the
ransomware); then a galaxy value over a synonym ("Snake" the malware over Turla's
alias); then threat actor, software, technique, sector; then galaxy precedence. An
actor its galaxy describes as a ransomware operation ranks after software, so the
brand alone ("RansomHub", "Play") is the ransomware and "RansomHub group" the actor.

Countries resolve to the galaxy's English name ("Japan", "Russia"), except for the
renames in ``data/countries.json`` ("United States", "Czech Republic"). Sectors keep the
galaxy's own names ("Telecoms", "Government, Administration").

The ordinary-word test and the coined-word rules live in ``name_rules``, the ATT&CK
short-name rules in ``techniques``; their public names are re-exported here.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from articles.enrichment import galaxies, products
from articles.enrichment.galaxies import (
    ROLE_ID,
    ROLE_PHRASE,
    ROLE_SUBTECHNIQUE,
    ROLE_SYNONYM,
    ROLE_VALUE,
    EntityRecord,
)
from articles.enrichment.matching import BLOCKED, NameMatcher, NamePattern, fold
from articles.enrichment.name_contexts import CONTEXT_GROUPS, DEEDS, mentions_a_threat
from articles.enrichment.name_rules import (
    SHORT_NAME,
    WORD_TOKEN,
    NameRule,
    alnum_length,
    coined_word_rules,
    english_words,
    is_ordinary,
)
from articles.enrichment.org_names import named_organizations
from articles.enrichment.techniques import technique_name_variants, technique_short_name_rules
from articles.enrichment.types import Document, EntityFinding

__all__ = [
    "CONTEXT_GROUPS",
    "DATA_DIR",
    "SHORT_NAME",
    "TIER_COUNTRY",
    "TIER_GALAXY",
    "TIER_GAZETTEER",
    "TIER_WATCH",
    "EntityExtractor",
    "NameTable",
    "WatchEntity",
    "base_patterns",
    "base_table",
    "coined_word_rules",
    "curated_rules",
    "english_words",
    "galaxy_rules",
    "gazetteer_records",
    "is_ordinary",
    "organization_records",
    "read_json",
    "read_stoplist",
    "technique_name_variants",
    "technique_short_name_rules",
    "watch_records",
]

DATA_DIR = Path(__file__).parent / "data"

_CONTEXT_FOR_KIND = {
    "threat-actor": "actor",
    "malware": "software",
    "tool": "software",
    "attack-pattern": "technique",
    "sector": "sector",
    "product": "product",
    "vendor": "product",
    "country": "location",
}
# Order used to settle a name claimed by entities of different kinds.
_KIND_ORDER = {"threat-actor": 0, "malware": 1, "tool": 1, "attack-pattern": 3, "sector": 4, "vendor": 1}
# A ransomware operation named after its brand ("RansomHub") yields the name to the
# ransomware family; "RansomHub group" still names the actor (``add_group_forms``).
_RANSOMWARE_OPERATOR_ORDER = 2
_ROLE_ORDER = {ROLE_VALUE: 0, ROLE_ID: 0, ROLE_SYNONYM: 1, ROLE_PHRASE: 1, ROLE_SUBTECHNIQUE: 2}
# An actor's name without its "Group" (NameTable._add_short_forms): after every galaxy name.
_SHORT_FORM_ROLE_ORDER = 3
# Entities whose presence makes a text one about a threat (the "threatened" context).
_THREAT_KINDS = frozenset({"threat-actor", "malware"})
# The last word of a vendor's actor names (Microsoft's weather, CrowdStrike's animals,
# Unit 42's constellations) or of a threat's kind: a galaxy name of ordinary words ending
# in one is a name as written ("Volt Typhoon", "Charming Kitten", "Agent Tesla Stealer").
_NAMING_SCHEME_WORDS = frozenset(
    {
        "typhoon",
        "tempest",
        "sandstorm",
        "blizzard",
        "sleet",
        "tsunami",
        "cyclone",
        "hail",
        "spider",
        "panda",
        "kitten",
        "bear",
        "chollima",
        "jackal",
        "taurus",
        "serpens",
        "libra",
        "ursa",
        "ransomware",
        "ransom",
        "rat",
        "stealer",
        "locker",
        "loader",
        "group",
        "team",
        "crew",
        "gang",
        "keylogger",
        "downloader",
        "backdoor",
        "bot",
        "botnet",
        "logger",
        "miner",
        "worm",
        "trojan",
    }
)
# Working names vendors give actors before (or instead of) a name: Microsoft's Storm-0501
# and DEV-0537, Mandiant's UNC3886 and TEMP.Veles, Proofpoint's TA577, CERT-UA's UAC-0050,
# Google's TAG-22, Palo Alto's CL-STA-0043, numbered APT and FIN groups. Written as the
# vendors write them (case and all), they name nothing else.
#
# The "not after a word character or hyphen" test is made in Python, not as a leading
# lookbehind: a pattern that opens with an assertion is tried at every position (~110 µs an
# article), one that opens with its literals skips ahead to them (~25 µs). Skipping a match
# that follows a word character loses nothing: inside a match only "TEMP." has a non-word
# character, and no designation can start right after it and end where a word ends.
_DESIGNATION = re.compile(
    r"(?:Storm-\d{4}|DEV-\d{4}|UNC\d{3,5}|TA(?:[4-9]\d{2}|\d{4})|UAC-\d{4}|TAG-\d{2,3}"
    r"|CL-(?:STA|CRI|UNK)-\d{4}|APT\d{1,3}|FIN\d{1,2}|TEMP\.[A-Z][a-z]+)(?![\w-])"
)
_DESIGNATION_HINT = re.compile(r"Storm-|DEV-|UNC\d|TA\d|UAC-|TAG-|CL-|APT\d|FIN\d|TEMP\.")


def _with_designations(
    text: str, spans: list[tuple[int, int, int]], target: int
) -> list[tuple[int, int, int]]:
    """``spans`` plus the designations no galaxy name already covers, in text order."""
    # ``spans`` are sorted and never overlap, so their ends rise with their starts: of the
    # spans starting before a designation ends, only the last can reach into it.
    starts = [start for start, _, _ in spans]
    found = []
    for match in _DESIGNATION.finditer(text):
        start, end = match.span()
        if start and (text[start - 1].isalnum() or text[start - 1] in "_-"):
            continue  # the end of a longer token ("XAPT28", "MS-TA505")
        before = bisect_left(starts, end)
        if not before or spans[before - 1][1] <= start:
            found.append((start, end, target))
    return sorted([*spans, *found]) if found else spans


def _inside_any(span: tuple[int, int, int], named: list[tuple[int, int]]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in named)


# Curated sources, strongest first; galaxy names come after all of them.
TIER_WATCH, TIER_GAZETTEER, TIER_COUNTRY, TIER_GALAXY = range(4)


@dataclass(frozen=True)
class WatchEntity:
    """A name an admin asked to be flagged (their company, a supplier)."""

    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "organization"


class _Claim(NamedTuple):
    priority: tuple[int, int, int, int]
    record: int
    rule: NameRule


def _claim_order(claim: _Claim) -> tuple[tuple[int, int, int, int], int]:
    return claim.priority, claim.record


def read_stoplist(path: Path | None = None) -> frozenset[str]:
    """Folded names from a stop list file: one per line, ``#`` starts a comment."""
    path = path or DATA_DIR / "stoplist.txt"
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.add(fold(name))
    return frozenset(names)


def read_json(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


_CAMEL_CASED = re.compile(r"[a-z][A-Z]")


def _one_ordinary_word(surface: str) -> bool:
    return len(WORD_TOKEN.findall(surface)) == 1 and is_ordinary(surface)


@cache
def common_names() -> frozenset[str]:
    """One-word galaxy names the dictionary lacks but web text uses often (``data/common_names.json``,
    mined with wordfreq by ``scripts/mine_common_names.py``)."""
    return frozenset(read_json("common_names.json")["names"])


@cache
def brands_not_words() -> frozenset[str]:
    """Galaxy names the dictionary lists but threat writing uses only as names ("Clop")."""
    return frozenset(fold(name) for name in read_json("software.json").get("brands_not_words", []))


def plural(phrase: str) -> str:
    """The plural of a phrase's last noun ("German shepherd" -> "German shepherds"), so a
    blocked idiom hides its name in both numbers; a phrase already plural stays as it is."""
    if not phrase[-1:].isalpha() or phrase.endswith("s"):
        return phrase
    if phrase.endswith(("sh", "ch", "x", "z")):
        return phrase + "es"
    if phrase.endswith("y") and phrase[-2:-1] not in "aeiou":
        return phrase[:-1] + "ies"
    return phrase + "s"


def curated_rules(surface: str) -> list[NameRule]:
    exact = alnum_length(surface) <= 4 or is_ordinary(surface)
    return [NameRule(surface, exact_case=exact, context=None)]


def galaxy_rules(surface: str, role: str, kind: str) -> list[NameRule]:
    """The case/context rules for one galaxy name; none when it must not match.

    A malware name that needs context ("Lynx", "Play", "Cactus") may also get it from a
    ransomware tally or a leak-site deed ("Lynx 8", "posted by Interlock", "Cactus claimed").
    """
    rules = _galaxy_rules(surface, role, kind)
    if kind == "malware" and rules and all(rule.context for rule in rules):
        forms = dict.fromkeys((rule.surface, rule.exact_case) for rule in rules)
        rules += [NameRule(form, exact, context="ransomware-brand") for form, exact in forms]
    return rules


def _galaxy_rules(surface: str, role: str, kind: str) -> list[NameRule]:
    context = _CONTEXT_FOR_KIND[kind]
    if role == ROLE_ID:
        return [NameRule(surface, exact_case=False, context=None)]
    if role == ROLE_PHRASE:
        # "financial services" names the sector on its own; one word ("hospitals",
        # "airlines") is a sector only where the text is about a threat to it.
        single = len(WORD_TOKEN.findall(surface)) == 1
        return [NameRule(surface, exact_case=False, context="threatened" if single else None)]
    length = alnum_length(surface)
    if kind == "sector":
        # Sector names are everyday words ("oil", "legal"); the sector noun that must
        # follow them is the evidence. Only acronyms ("IT", "NGO") keep their case.
        if length <= 1:
            return []
        exact = surface.isupper()
        return [
            NameRule(surface, exact_case=exact, context=context),
            NameRule(surface, exact_case=exact, context="sector-tally"),
        ]
    ordinary = is_ordinary(surface) and fold(surface) not in brands_not_words()
    # An ordinary word written in lower case ("global", "telegram") cannot be told
    # apart from the word itself.
    if ordinary and kind == "malware" and length > 2 and surface == surface.lower():
        return [NameRule(surface.title(), exact_case=True, context="ransomware")]
    if length <= 1 or (ordinary and (length <= SHORT_NAME or surface == surface.lower())):
        return []
    single_word = len(WORD_TOKEN.findall(surface)) == 1
    if role == ROLE_SUBTECHNIQUE:
        return technique_short_name_rules(surface, ordinary)
    if length <= SHORT_NAME:
        return [NameRule(surface, exact_case=True, context=context)]
    if single_word and kind == "attack-pattern":
        return [NameRule(surface, exact_case=True, context=context)]  # "Phishing", "Rootkit"
    if single_word and surface == surface.lower():
        # A lower-case galaxy spelling ("desktop", "mydata") reads as a plain word or an
        # identifier; a capitalised spelling of the same entity still matches. Command
        # line tools are written in lower case ("use netsh to ..."): next to a software
        # word, that spelling is the tool. The ransomware galaxy writes brands in lower
        # case ("safepay"); right before "ransomware" any spelling is the brand.
        if kind == "tool":
            return [NameRule(surface, exact_case=True, context=context)]
        return [NameRule(surface, exact_case=False, context="ransomware")] if kind == "malware" else []
    if ordinary:
        # An ordinary word the galaxy spells in capitals, Microsoft's element names for actors
        # ("HAFNIUM") and Mandiant's code names for malware ("SUNBURST", "TEARDROP"), is the
        # name as written, except as the title of a book or film (the "title" refusal).
        in_capitals = kind != "attack-pattern" and surface.isupper() and length > SHORT_NAME + 1
        if in_capitals:
            return [NameRule(surface, exact_case=True, context="title")]
        if single_word:
            return [NameRule(surface, exact_case=True, context=context)]
        # Several ordinary words ("Sea Turtle", "Poison Ivy", "Pass the Hash") also need a
        # threat nearby, unless the last one is a vendor's naming scheme or a threat's kind
        # ("Volt Typhoon", "Fancy Bear", "Hive Ransomware"): those are names as written.
        named = kind != "attack-pattern" and surface.split()[-1].casefold() in _NAMING_SCHEME_WORDS
        return [NameRule(surface, exact_case=True, context="title" if named else "alias")]
    if not single_word:
        return [NameRule(surface, exact_case=False, context=None)]
    # A coined name as written is a name, except as the title of a film, book or song. One
    # that is common outside security (a character, a place, a dish: "Voldemort", "Sparta",
    # "Pierogi") also needs a threat nearby, like a name of ordinary words.
    # Written camel-cased ("BloodHound"), it is a name whatever the word.
    common = fold(surface) in common_names() and not _CAMEL_CASED.search(surface)
    as_written = "alias" if kind != "attack-pattern" and common else "title"
    return [
        rule._replace(context=as_written) if rule.context is None else rule
        for rule in coined_word_rules(surface, context)
    ]


def gazetteer_records(items: Iterable[dict[str, Any]], kind: str) -> list[EntityRecord]:
    records = []
    for rank, item in enumerate(items):
        record = EntityRecord(kind=kind, name=item["name"], ref="gazetteer", uuid="", rank=rank)
        record.add_name(item["name"], ROLE_VALUE)
        for alias in item.get("aliases", []):
            record.add_name(alias, ROLE_SYNONYM)
        records.append(record)
    return records


def organization_records() -> list[EntityRecord]:
    return gazetteer_records(read_json("organizations.json"), "organization")


def watch_records(watch_entities: Iterable[WatchEntity]) -> list[EntityRecord]:
    records = []
    for rank, watched in enumerate(watch_entities):
        record = EntityRecord(kind=watched.kind, name=watched.name, ref="watch", uuid="", rank=rank)
        record.add_name(watched.name, ROLE_VALUE)
        for alias in watched.aliases:
            record.add_name(alias, ROLE_SYNONYM)
        records.append(record)
    return records


class NameTable:
    """Entity records and the resolved, rule-carrying patterns that point at them."""

    def __init__(self, first_index: int = 0) -> None:
        self.first_index = first_index  # target of this table's first record
        self.records: list[EntityRecord] = []
        self._claims: dict[str, list[_Claim]] = {}
        self.blocked: set[str] = set()

    def add(
        self,
        record: EntityRecord,
        tier: int,
        stoplist: frozenset[str],
        located: frozenset[str] = frozenset(),
        vendor_context: frozenset[str] = frozenset(),
        thing_nouns: frozenset[str] = frozenset(),
    ) -> None:
        """Add ``record``'s names; ``located`` names are places only with location context.

        ``thing_nouns`` are demonyms that name no person: not the country when they end
        a noun phrase after "a" ("a cherry Danish").
        """
        index = self.first_index + len(self.records)
        self.records.append(record)
        kind_order = (
            _RANSOMWARE_OPERATOR_ORDER if record.ransomware_operator else _KIND_ORDER.get(record.kind, 0)
        )
        for surface, role in record.names.items():
            if fold(surface) in stoplist:
                continue
            if tier == TIER_GALAXY:
                rules = galaxy_rules(surface, role, record.kind)
            elif fold(surface) in located:
                rules = [NameRule(surface, exact_case=True, context="location")]
            elif fold(surface) in thing_nouns:
                rules = [rule._replace(context="demonym") for rule in curated_rules(surface)]
            elif record.kind == "product":
                rules = products.product_rules(surface)
            elif record.kind == "vendor":
                rules = products.vendor_rules(surface, vendor_context)
            elif record.kind == "organization" and tier == TIER_GAZETTEER and _one_ordinary_word(surface):
                # "Slack", "Telegram", "Lookout": a company named by an ordinary word is that
                # organization in a story about a threat or a business.
                rules = [NameRule(surface, exact_case=True, context="company")]
            elif record.kind == "organization" and tier == TIER_GAZETTEER:
                # A proper name, as a vendor's is: as written or in a headline's capitals,
                # never in lower case ("a complete yoroi, the lacquered armour").
                rules = products.vendor_rules(surface, frozenset())
            elif record.kind == "country":
                rules = [rule._replace(context=rule.context or "country") for rule in curated_rules(surface)]
            else:
                rules = curated_rules(surface)
            priority = (tier, _ROLE_ORDER[role], kind_order, record.rank)
            for rule in rules:
                claim = _Claim(priority, index, rule)
                self._claims.setdefault(fold(rule.surface), []).append(claim)
        if tier == TIER_GALAXY and record.kind == "threat-actor":
            self._add_short_forms(record, index, stoplist, kind_order)

    def _add_short_forms(
        self, record: EntityRecord, index: int, stoplist: frozenset[str], kind_order: int
    ) -> None:
        """The name without "Group" of an actor the galaxy calls only "Gamaredon Group".

        Writers drop the "Group": "Gamaredon", "Lazarus". Only a single word gets the
        short form, by the galaxy's own rules for such a name (an ordinary word,
        "Lazarus", then needs a context word like any other; the stop list keeps
        "Equation" out), and it ranks after every other claim on the same word: where
        anything else is called that ("Winnti" the malware), the other wins.
        """
        names = {fold(surface) for surface in record.names}
        for surface in list(record.names):
            base, _, suffix = surface.rpartition(" ")
            if suffix.lower() != "group" or fold(base) in names or fold(base) in stoplist:
                continue
            if len(WORD_TOKEN.findall(base)) != 1 or alnum_length(base) <= SHORT_NAME:
                continue
            priority = (TIER_GALAXY, _SHORT_FORM_ROLE_ORDER, kind_order, record.rank)
            for rule in galaxy_rules(base, ROLE_SYNONYM, record.kind):
                self._claims.setdefault(fold(rule.surface), []).append(_Claim(priority, index, rule))

    def add_group_forms(self) -> None:
        """Give an actor "<name> group" where its name is also, and first, malware's.

        "Carbanak" is the backdoor; "the Carbanak group" is the actor (FIN7) named
        after it. Only names that software wins get these forms, so they stay few.
        """
        for claims in list(self._claims.values()):
            best = min(claims, key=_claim_order)
            if self.records[best.record - self.first_index].kind not in ("malware", "tool"):
                continue
            for claim in claims:
                if self.records[claim.record - self.first_index].kind != "threat-actor":
                    continue
                surface = claim.rule.surface
                exact = is_ordinary(surface)  # "snake group" is not the Snake group
                words = ("group", "Group", "gang") if exact else ("group", "gang")
                forms = [f"{surface} {word}" for word in words]
                for form in forms:
                    rule = NameRule(form, exact_case=exact, context=None)
                    self._claims.setdefault(fold(form), []).append(claim._replace(rule=rule))

    def add_ransomware_forms(self) -> None:
        """Give a ransomware brand "<name> ransomware" where its name is first another's.

        "Medusa" is an Android banking trojan to the galaxies, and the ransomware gang's
        brand too: written "Medusa ransomware" it is the gang's. Only brands that lose
        their name to other software get these forms, so they stay few.
        """
        for claims in list(self._claims.values()):
            best = min(claims, key=_claim_order)
            for claim in claims:
                if claim.record == best.record or claim.rule.context != "ransomware":
                    continue
                form = f"{claim.rule.surface} ransomware"
                rule = NameRule(form, exact_case=False, context=None)
                self._claims.setdefault(fold(form), []).append(claim._replace(rule=rule))

    def patterns(self) -> list[NamePattern]:
        patterns = [NamePattern(surface=name, target=BLOCKED) for name in self.blocked]
        for key, claims in self._claims.items():
            if key in self.blocked:
                continue
            claims = sorted(claims, key=_claim_order)
            best = claims[0]
            rivals = [c for c in claims if c.record != best.record]
            # A short name shared by two entities of equal standing is a coin toss.
            if rivals and rivals[0].priority[:3] == best.priority[:3] and alnum_length(key) <= SHORT_NAME:
                continue
            group = _CONTEXT_FOR_KIND.get(self.records[best.record - self.first_index].kind)
            patterns += [
                NamePattern(c.rule.surface, c.record, c.rule.exact_case, c.rule.context, group)
                for c in claims
                if c.record == best.record
            ]
        return patterns


@cache
def base_table() -> NameTable:
    """Galaxies, countries and gazetteer, built once per process."""
    stoplist = read_stoplist()
    countries = read_json("countries.json")
    table = NameTable()
    catalogue = read_json("products.json")
    # Phrases that hide the names inside them: idioms ("French fries"), teams, institutions.
    blocked = [*countries.get("blocked", []), *catalogue.get("blocked", [])]
    table.blocked = {fold(form) for phrase in blocked for form in (phrase, plural(phrase))}
    # The stop list is for galaxy names; curated names were chosen by hand.
    software = read_json("software.json")
    vendor_context = frozenset(name.casefold() for name in catalogue.get("vendor_needs_context", []))
    # Admin tools no galaxy lists (AnyDesk) are curated names like the organizations.
    for record in [
        *organization_records(),
        *gazetteer_records(software["extra_tools"], "tool"),
        *products.product_records(catalogue),
        *products.vendor_records(catalogue),
    ]:
        table.add(record, TIER_GAZETTEER, frozenset(), vendor_context=vendor_context)
    located = frozenset(fold(name) for name in countries.get("located", []))
    thing_nouns = frozenset(fold(name) for name in countries.get("not_person_nouns", []))
    for record in galaxies.load_countries(countries):
        table.add(record, TIER_COUNTRY, frozenset(), located, thing_nouns=thing_nouns)
    sectors = read_json("sectors.json")
    for record in galaxies.load_all(software["tools"], sectors, software["malware_not_tools"]):
        table.add(record, TIER_GALAXY, stoplist)
    table.add_group_forms()
    table.add_ransomware_forms()
    return table


@cache
def base_patterns() -> tuple[NamePattern, ...]:
    return tuple(base_table().patterns())


class EntityExtractor:
    name = "entities"
    version = "1.11.0"

    def __init__(self, watch_entities: Iterable[WatchEntity] = ()) -> None:
        base = base_table()
        # Watch names go in a table of their own whose targets follow the base records;
        # a watched name replaces whatever the base table says about it.
        watch = NameTable(first_index=len(base.records))
        for record in watch_records(watch_entities):
            watch.add(record, TIER_WATCH, frozenset())
        watch_patterns = watch.patterns()
        watched = {fold(pattern.surface) for pattern in watch_patterns}
        patterns = [p for p in base_patterns() if fold(p.surface) not in watched]
        self._records = [*base.records, *watch.records]
        self._by_uuid = {r.uuid: r for r in self._records if r.uuid}
        # A text that names a threat actor or malware is about a threat: a sector named by
        # one everyday word ("casinos", "hospitals") anywhere in it is a target.
        threats = [index for index, record in enumerate(self._records) if record.kind in _THREAT_KINDS]
        # A technique named in the text ("T1055") vouches for names of ordinary words too:
        # "Process Injection (T1055)".
        suspects = threats + [i for i, record in enumerate(self._records) if record.kind == "attack-pattern"]
        # A vendor's working name for an actor no galaxy lists yet ("Storm-0501"): one
        # record stands for all of them; the finding's name is the designation as written.
        self._designation_target = len(self._records)
        self._records.append(
            EntityRecord(kind="threat-actor", name="", ref="designation", uuid="", rank=len(self._records))
        )
        # An organization no gazetteer lists, named by the word its name ends in ("Kettering
        # Health"): one record for all of them; the finding's name is the name as written.
        self._named_organization_target = len(self._records)
        self._records.append(
            EntityRecord(kind="organization", name="", ref="name-ending", uuid="", rank=len(self._records))
        )
        self._matcher = NameMatcher(
            [*patterns, *watch_patterns],
            CONTEXT_GROUPS,
            vouchers={"threatened": threats, "alias": suspects, "company": suspects},
            deeds=DEEDS,
        )

    @property
    def name_count(self) -> int:
        return self._matcher.size

    def record(self, uuid: str) -> EntityRecord | None:
        """The merged record behind a finding's UUID, with the other galaxies' UUIDs."""
        return self._by_uuid.get(uuid)

    def _with_named_organizations(
        self, text: str, spans: list[tuple[int, int, int]]
    ) -> list[tuple[int, int, int]]:
        """``spans`` plus organizations named by their ending; a sector word inside such a
        name is part of it ("King's College Hospital" is no hospital sector finding)."""
        records = self._records
        # Only in a story about a threat: a sports or arts story's "Duke University" or
        # "Karma Police" is nobody an analyst tracks.
        if not any(records[s[2]].kind in _THREAT_KINDS for s in spans) and not mentions_a_threat(
            text.lower()
        ):
            return spans
        named = named_organizations(text, [s for s in spans if records[s[2]].kind != "sector"])
        if not named:
            return spans
        kept = [s for s in spans if records[s[2]].kind != "sector" or not _inside_any(s, named)]
        target = self._named_organization_target
        return sorted([*kept, *((start, end, target) for start, end in named)])

    def run(self, doc: Document) -> list[EntityFinding]:
        text = doc.text
        findings = []
        spans = self._matcher.spans(text)
        if _DESIGNATION_HINT.search(text):
            spans = _with_designations(text, spans, self._designation_target)
        spans = self._with_named_organizations(text, spans)
        for start, end, target in spans:
            record = self._records[target]
            findings.append(
                EntityFinding(
                    kind=record.kind,
                    name=record.name or text[start:end],
                    matched=text[start:end],
                    start=start,
                    end=end,
                    ref=record.ref,
                    external_id=record.external_id,
                    uuid=record.uuid or None,
                )
            )
        return findings
