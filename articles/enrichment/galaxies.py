"""Load MISP galaxy clusters (shipped in ``pymispgalaxies``) into entity records.

Each record is one canonical entity with every name it is known by. Several galaxies
describe the same thing (MISP ``threat-actor`` and MITRE ``mitre-intrusion-set`` both
list APT28), so entries are merged into one record per real-world entity.

Precedence (the first galaxy that knows an entity gives its ``ref``/UUID; later
galaxies add aliases and their UUIDs to ``cross_refs``):

- threat actors: ``threat-actor`` (MISP), then ``mitre-intrusion-set``. MISP entries
  that one MITRE group lists as its aliases are one actor ("Charming Kitten", "APT35");
- software: ``malpedia``, ``mitre-malware``, ``mitre-tool``, ``ransomware``, ``tool``.
  Malpedia's platform variants ("LockBit (Windows)", "LockBit (ELF)") are one family.
  The name is ATT&CK's when one ATT&CK entry is merged in, else the family name without
  its platform suffix. The kind is ``tool`` when a MITRE tool entry is part of the
  record (Mimikatz) or the caller lists it as dual-use (Cobalt Strike), else ``malware``;
- ATT&CK techniques: ``mitre-attack-pattern`` only, enterprise before mobile; the old
  PRE-ATT&CK domain and deprecated entries are dropped, revoked ones lend their names
  to their successors;
- sectors: ``sector``, renamed and completed by the caller's data.

A lower-precedence entry joins an existing record when exactly one record claims its
value, its external ID, one of its synonyms, or cross-references it (``related``).
Requiring exactly one candidate keeps two unrelated records from being chained together
through a synonym they happen to share. Countries come from the ``country`` galaxy and
our own aliases (``load_countries``).

The files are read as plain JSON rather than through ``pymispgalaxies.Clusters``, which
validates and hashes every cluster and is several times slower to load.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pymispgalaxies

# Roles a name plays for its entity; the matcher derives its case rules from them.
ROLE_VALUE = "value"  # the entry's own name in some galaxy
ROLE_SYNONYM = "synonym"  # meta.synonyms
ROLE_ID = "id"  # an ATT&CK ID, e.g. "T1059.001"
ROLE_SUBTECHNIQUE = "subtechnique"  # a technique's short or former name, e.g. "Python"
ROLE_PHRASE = "phrase"  # a phrase that names a sector by itself, e.g. "financial services"

THREAT_ACTOR_GALAXIES = ("threat-actor", "mitre-intrusion-set")
SOFTWARE_GALAXIES = ("malpedia", "mitre-malware", "mitre-tool", "ransomware", "tool")
# Which galaxy's spelling names a software record: ATT&CK writes names as analysts do
# ("Mimikatz", not malpedia's "MimiKatz"); the ransomware galaxy has no platform suffix.
SOFTWARE_NAMING = ("mitre-malware", "mitre-tool", "ransomware", "malpedia", "tool")
ATTACK_PATTERN_GALAXY = "mitre-attack-pattern"
SECTOR_GALAXY = "sector"

# MITRE values carry their ID: "APT28 - G0007", "Python - T1059.006".
_MITRE_SUFFIX = re.compile(r"\s+-\s+([GSTM]\d{4}(?:\.\d{3})?)$")
_DEPRECATED_PREFIX = "this object is deprecated"
# Malpedia names platform variants "LockBit (Windows)", "Anubis (Android)", "pupy (Python)".
_PLATFORM_SUFFIX = re.compile(
    r"\s*\((android|ios|symbian|windows|elf|os x|macos|linux|javascript|powershell|python"
    r"|vbscript|\.net|autoit)\)\s*$",
    re.IGNORECASE,
)
_PLATFORM_EDITION = re.compile(r"\s+for\s+(?:windows|linux|macos|os x|android|ios)$", re.IGNORECASE)
MOBILE_PLATFORMS = frozenset({"android", "ios", "symbian"})


@dataclass
class EntityRecord:
    kind: str  # vocabulary.ENTITY_KINDS value
    name: str  # canonical name
    ref: str  # "misp-galaxy:<type>" of the galaxy that named it
    uuid: str
    external_id: str | None = None
    # surface form -> role; the first role recorded for a surface wins.
    names: dict[str, str] = field(default_factory=dict)
    # galaxy type -> UUIDs of merged entries from that galaxy (the other galaxy's view).
    cross_refs: dict[str, list[str]] = field(default_factory=dict)
    # Lower wins when two entities of one kind claim the same name.
    rank: int = 0

    def add_name(self, surface: str, role: str) -> None:
        surface = " ".join(surface.split())
        if surface and surface not in self.names:
            self.names[surface] = role


def galaxy_data_dir() -> Path:
    return Path(pymispgalaxies.__file__).parent / "data" / "misp-galaxy" / "clusters"


def galaxy_version() -> str:
    """The installed pymispgalaxies version: the key for any cache of derived tables."""
    return metadata.version("pymispgalaxies")


@cache
def load_cluster_values(galaxy: str) -> tuple[dict[str, Any], ...]:
    with (galaxy_data_dir() / f"{galaxy}.json").open(encoding="utf-8") as handle:
        return tuple(json.load(handle)["values"])


def split_mitre_value(value: str) -> tuple[str, str | None]:
    """``"APT28 - G0007"`` -> ``("APT28", "G0007")``; other values are returned as is."""
    found = _MITRE_SUFFIX.search(value)
    if found is None:
        return value.strip(), None
    return value[: found.start()].strip(), found.group(1)


def split_platform(value: str) -> tuple[str, str | None]:
    """``"LockBit (ELF)"`` -> ``("LockBit", "elf")``; other values -> ``(value, None)``."""
    found = _PLATFORM_SUFFIX.search(value)
    if found is None:
        return value, None
    return value[: found.start()].strip(), found.group(1).lower()


def _synonyms(entry: dict[str, Any]) -> list[str]:
    meta = entry.get("meta") or {}
    return [s for s in meta.get("synonyms") or [] if isinstance(s, str)]


def _similar_uuids(entry: dict[str, Any]) -> set[str]:
    """UUIDs this entry declares to be the same thing (``related`` of type "similar")."""
    return {
        r["dest-uuid"] for r in entry.get("related") or [] if "dest-uuid" in r and r.get("type") == "similar"
    }


def _fold(name: str) -> str:
    return " ".join(name.lower().split())


class _Merger:
    """Merges entries of several galaxies (given in precedence order) into entities.

    With ``platform_variants``, malpedia's platform variants of a family are one entity
    ("LockBit (Windows)", "LockBit (ELF)"), except that a mobile variant stays apart:
    "Anubis (Android)" is a banking trojan, "Anubis (Windows)" something else.
    ``unify_by`` names a galaxy whose alias lists are trusted to say that several
    entries of the earlier galaxies are one entity (see ``_unify``).
    """

    def __init__(self, kind: str, platform_variants: bool = False, unify_by: str | None = None) -> None:
        self.kind = kind
        self.platform_variants = platform_variants
        self.unify_by = unify_by
        self.records: list[EntityRecord] = []
        self._parent: list[int] = []  # union-find: a merged record points at its survivor
        # Every (galaxy, value) merged into a record, in merge order: naming reads it.
        self.values: dict[int, list[tuple[str, str]]] = {}
        self._by_name: dict[str, set[int]] = {}
        self._by_value: dict[tuple[str, str], int] = {}  # (galaxy, family key) -> entity
        self._values: dict[str, set[int]] = {}  # family key of a value in any galaxy -> entities
        self._by_uuid: dict[str, int] = {}
        self._similar_to: dict[str, set[int]] = {}  # uuid -> entities declaring it similar

    @property
    def entities(self) -> list[EntityRecord]:
        return [record for index, record in enumerate(self.records) if self._parent[index] == index]

    def root(self, index: int) -> int:
        while self._parent[index] != index:
            index = self._parent[index]
        return index

    def family_key(self, value: str) -> str:
        if not self.platform_variants:
            return _fold(value)
        base, platform = split_platform(value)
        return f"{_fold(base)} (mobile)" if platform in MOBILE_PLATFORMS else _fold(base)

    def _roots(self, indexes: Iterable[int]) -> set[int]:
        return {self.root(index) for index in indexes}

    def add(self, galaxy: str, entry: dict[str, Any], kind: str | None = None) -> None:
        value, external_id = split_mitre_value(entry["value"])
        key = self.family_key(value)
        synonyms = [s for s in _synonyms(entry) if _fold(s) != _fold(value)]
        index = self._find_owner(galaxy, entry, value, key, external_id, synonyms)
        if index is None:
            index = len(self.records)
            self._parent.append(index)
            self.records.append(
                EntityRecord(
                    kind=kind or self.kind,
                    name=value,
                    ref=f"misp-galaxy:{galaxy}",
                    uuid=entry["uuid"],
                    rank=index,
                )
            )
        else:
            self.records[index].cross_refs.setdefault(galaxy, []).append(entry["uuid"])
            if kind == "tool":
                self.records[index].kind = "tool"
        entity = self.records[index]
        self.values.setdefault(index, []).append((galaxy, value))
        entity.add_name(value, ROLE_VALUE)
        if self.platform_variants:
            entity.add_name(split_platform(value)[0], ROLE_VALUE)  # "LockBit (ELF)" -> "LockBit"
        for synonym in synonyms:
            entity.add_name(synonym, ROLE_SYNONYM)
        self._by_value.setdefault((galaxy, key), index)
        self._values.setdefault(key, set()).add(index)
        for name in [value, *synonyms, *([external_id] if external_id else [])]:
            self._by_name.setdefault(_fold(name), set()).add(index)
        self._by_uuid[entry["uuid"]] = index
        for target in _similar_uuids(entry):
            self._similar_to.setdefault(target, set()).add(index)
        if galaxy == self.unify_by:
            self._unify(galaxy, index, [value, *synonyms])

    def _foreign(self, galaxy: str, indexes: Iterable[int]) -> set[int]:
        # Records founded by another galaxy; a record founded by this galaxy is a
        # different entity unless it repeats the value.
        founder = f"misp-galaxy:{galaxy}"
        return {i for i in self._roots(indexes) if self.records[i].ref != founder}

    def _find_owner(
        self,
        galaxy: str,
        entry: dict[str, Any],
        value: str,
        key: str,
        external_id: str | None,
        synonyms: list[str],
    ) -> int | None:
        # Inside one galaxy only a repeated value (or platform variant) is the same
        # entity: galaxies list distinct actors that share a synonym ("Grizzly Steppe"
        # is both APT28 and APT29). Across galaxies, the strongest evidence wins: the
        # same value, the entry's own name or ID among the aliases, an explicit
        # "similar" cross-reference, then a shared synonym.
        duplicate = self._by_value.get((galaxy, key))
        if duplicate is not None:
            return self.root(duplicate)
        same_value = self._foreign(galaxy, self._values.get(key, ()))
        if len(same_value) == 1:
            return same_value.pop()
        primary = [value, *([external_id] if external_id else [])]
        owners = self._foreign(galaxy, (i for n in primary for i in self._by_name.get(_fold(n), ())))
        if len(owners) == 1:
            return owners.pop()
        similar = _similar_uuids(entry)
        linked = self._foreign(galaxy, (self._by_uuid[u] for u in similar if u in self._by_uuid))
        linked |= self._foreign(galaxy, self._similar_to.get(entry["uuid"], ()))
        if len(linked) == 1:
            return linked.pop()
        if owners:
            return None
        shared = self._foreign(galaxy, (i for s in synonyms for i in self._by_name.get(_fold(s), ())))
        if len(shared) == 1:
            return shared.pop()
        return None

    def _unify(self, galaxy: str, index: int, names: list[str]) -> None:
        """Merge the records whose own values the trusted entry lists as its aliases.

        MISP keeps "Charming Kitten" and "APT35" as two entries; MITRE's Magic Hound
        names both (and TA453). The alias list of a trusted galaxy is the evidence,
        not a shared synonym, so actors that merely share a nickname stay apart.
        """
        named = self._foreign(galaxy, (i for n in names for i in self._values.get(self.family_key(n), ())))
        named.add(self.root(index))
        survivor, *absorbed = sorted(named)  # the earliest record keeps its name
        for other in absorbed:
            self._absorb(survivor, other)

    def _absorb(self, survivor: int, other: int) -> None:
        keep, gone = self.records[survivor], self.records[other]
        self._parent[other] = survivor
        galaxy = gone.ref.removeprefix("misp-galaxy:")
        keep.cross_refs.setdefault(galaxy, []).append(gone.uuid)
        for ref_galaxy, uuids in gone.cross_refs.items():
            keep.cross_refs.setdefault(ref_galaxy, []).extend(uuids)
        for surface, role in gone.names.items():
            # A value stays a value: it outranks another entity's synonym.
            if surface not in keep.names or role == ROLE_VALUE:
                keep.names[surface] = role
        if gone.kind == "tool":
            keep.kind = "tool"
        keep.external_id = keep.external_id or gone.external_id
        self.values.setdefault(survivor, []).extend(self.values.pop(other, []))


def load_threat_actors() -> list[EntityRecord]:
    merger = _Merger("threat-actor", unify_by="mitre-intrusion-set")
    for galaxy in THREAT_ACTOR_GALAXIES:
        for entry in load_cluster_values(galaxy):
            if not entry.get("revoked"):
                merger.add(galaxy, entry)
    return merger.entities


def _software_name(values: list[tuple[str, str]]) -> str:
    """The value that names a merged software record, platform suffix still on.

    ATT&CK's name when one ATT&CK entry is merged in ("Mimikatz", "WannaCry"), unless it
    names one platform's edition of a family merged across platforms ("Winnti for
    Windows"); otherwise the founder's family name in its best spelling.
    """
    mitre = [value for galaxy, value in values if galaxy.startswith("mitre-")]
    if len(mitre) == 1 and not _PLATFORM_EDITION.search(mitre[0]):
        return mitre[0]
    family = _fold(split_platform(values[0][1])[0])
    spellings = [item for item in values if _fold(split_platform(item[1])[0]) == family]
    # An all-lower-case spelling ("medusa") is a galaxy's shorthand, not a name.
    _, value = min(spellings, key=lambda item: (item[1] == item[1].lower(), SOFTWARE_NAMING.index(item[0])))
    return value


def load_software(tool_names: Iterable[str] = ()) -> list[EntityRecord]:
    """Malware and tools, named by ``SOFTWARE_NAMING`` without platform suffixes.

    ``tool_names`` lists dual-use software that the galaxies file as malware (ATT&CK
    calls Cobalt Strike malware; the MISP ``tool`` galaxy mixes ProcDump with trojans).
    """
    merger = _Merger("malware", platform_variants=True)
    for galaxy in SOFTWARE_GALAXIES:
        kind = "tool" if galaxy == "mitre-tool" else None
        for entry in load_cluster_values(galaxy):
            if not entry.get("revoked"):
                merger.add(galaxy, entry, kind=kind)
    tools = {_fold(name) for name in tool_names}
    named: dict[int, tuple[str, str | None, str]] = {}  # index -> name, platform, full value
    for index, record in enumerate(merger.records):
        if merger.root(index) != index:
            continue
        value = _software_name(merger.values[index])
        name, platform = split_platform(value)
        named[index] = (name, platform, value)
        if {_fold(name), _fold(value)} & tools:
            record.kind = "tool"
    taken = Counter(_fold(name) for name, _, _ in named.values())
    for index, (name, platform, value) in named.items():
        # A mobile family that shares its name with a desktop one keeps its suffix.
        clash = taken[_fold(name)] > 1 and platform in MOBILE_PLATFORMS
        merger.records[index].name = value if clash else name
    return merger.entities


def _technique_domain(entry: dict[str, Any]) -> str | None:
    """``"enterprise"``, ``"mobile"``, or None for entries we drop.

    Kill-chain prefixes tell the domains apart: ``attack-<platform>:`` is enterprise (its
    ``attack-PRE`` platform holds Reconnaissance and Resource Development, still current),
    ``mobile-attack-<platform>:`` is mobile, ``pre-attack:`` is the retired PRE-ATT&CK
    domain.
    """
    if entry.get("revoked"):
        return None
    if (entry.get("description") or "").lower().startswith(_DEPRECATED_PREFIX):
        return None
    chains = (entry.get("meta") or {}).get("kill_chain") or []
    prefixes = {chain.split(":", 1)[0] for chain in chains}
    if any(prefix.startswith("attack-") for prefix in prefixes):
        return "enterprise"
    if any(prefix.startswith("mobile-attack-") for prefix in prefixes):
        return "mobile"
    return None


def iter_current_techniques() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """Yield ``(domain, name, external_id, entry)`` for kept techniques, enterprise first."""
    kept: list[tuple[str, str, str, dict[str, Any]]] = []
    for entry in load_cluster_values(ATTACK_PATTERN_GALAXY):
        domain = _technique_domain(entry)
        name, _ = split_mitre_value(entry["value"])
        external_id = (entry.get("meta") or {}).get("external_id")
        if domain and external_id:
            kept.append((domain, name, external_id, entry))
    kept.sort(key=lambda item: (item[0] != "enterprise", item[2]))
    yield from kept


def load_attack_patterns() -> list[EntityRecord]:
    """Current techniques; a revoked technique's name and ID point at its successor.

    ATT&CK revoked "DLL Side-Loading" (T1574.002) in favour of T1574.001; prose and older
    reports still use the old name, so it becomes a short name of the successor.
    """
    techniques = list(iter_current_techniques())
    parent_names = {tid: name for _, name, tid, _ in techniques if "." not in tid}
    entities: list[EntityRecord] = []
    by_uuid: dict[str, EntityRecord] = {}
    for rank, (_, name, external_id, entry) in enumerate(techniques):
        parent_id, _, sub = external_id.partition(".")
        parent = parent_names.get(parent_id)
        # Sub-techniques are named "Parent: Sub" by ATT&CK; the short name alone
        # ("Python", "Server") is often an ordinary word and gets stricter rules.
        canonical = f"{parent}: {name}" if sub and parent else name
        entity = EntityRecord(
            kind="attack-pattern",
            name=canonical,
            ref=f"misp-galaxy:{ATTACK_PATTERN_GALAXY}",
            uuid=entry["uuid"],
            external_id=external_id,
            rank=rank,
        )
        entity.add_name(external_id, ROLE_ID)
        entity.add_name(canonical, ROLE_VALUE)
        if sub:
            entity.add_name(name, ROLE_SUBTECHNIQUE)
        entities.append(entity)
        by_uuid.setdefault(entry["uuid"], entity)
    current_ids = {entity.external_id for entity in entities}
    revoked = {
        entry["uuid"]: (entry, relation["dest-uuid"])
        for entry in load_cluster_values(ATTACK_PATTERN_GALAXY)
        if entry.get("revoked")
        for relation in entry.get("related") or []
        if relation.get("type") == "revoked-by"
    }
    for entry, successor_uuid in revoked.values():
        # Follow the chain: T1073 was revoked by T1574.002, itself revoked by T1574.001.
        for _ in range(len(revoked)):
            if successor_uuid not in revoked:
                break
            successor_uuid = revoked[successor_uuid][1]
        successor = by_uuid.get(successor_uuid)
        if successor is None:
            continue
        name, old_id = split_mitre_value(entry["value"])
        if old_id and old_id not in current_ids:
            successor.add_name(old_id, ROLE_ID)
        successor.add_name(name, ROLE_SUBTECHNIQUE)
    return entities


def load_sectors(extra: dict[str, Any] | None = None) -> list[EntityRecord]:
    """Sectors, renamed and completed by our own data.

    ``extra["rename"]`` gives galaxy values a name that reads well ("Government,
    Administration" -> "Government"); ``extra["phrases"]`` adds, per canonical name,
    phrases that name the sector on their own ("financial services").
    """
    extra = extra or {}
    rename: dict[str, str] = extra.get("rename", {})
    phrases: dict[str, list[str]] = extra.get("phrases", {})
    merger = _Merger("sector")
    for entry in load_cluster_values(SECTOR_GALAXY):
        merger.add(SECTOR_GALAXY, entry)
    records = merger.entities
    for record in records:
        record.name = rename.get(record.name, record.name)
        record.add_name(record.name, ROLE_VALUE)
        for phrase in phrases.get(record.name, []):
            record.add_name(phrase, ROLE_PHRASE)
    return records


def load_all(tool_names: Iterable[str] = (), sectors: dict[str, Any] | None = None) -> list[EntityRecord]:
    """Every galaxy entity, threat actors first (the kind precedence used on conflicts)."""
    return [
        *load_threat_actors(),
        *load_software(tool_names),
        *load_attack_patterns(),
        *load_sectors(sectors),
    ]


def load_countries(extra: dict[str, Any]) -> list[EntityRecord]:
    """Countries from the ``country`` galaxy, named and completed by our own data.

    The galaxy's values are lower case and it has no synonyms; its ``description`` is the
    usual English name, which we use as the canonical name unless ``extra["rename"]``
    says otherwise ("United States of America" -> "United States"). ``extra["aliases"]``
    adds short forms and demonyms per canonical name.
    """
    rename: dict[str, str] = extra.get("rename", {})
    aliases: dict[str, list[str]] = extra.get("aliases", {})
    records: list[EntityRecord] = []
    for rank, entry in enumerate(load_cluster_values("country")):
        official = " ".join((entry.get("description") or entry["value"]).split())
        canonical = rename.get(official, official)
        record = EntityRecord(
            kind="country",
            name=canonical,
            ref="misp-galaxy:country",
            uuid=entry["uuid"],
            rank=rank,
        )
        record.add_name(canonical, ROLE_VALUE)
        record.add_name(official, ROLE_VALUE)
        for alias in aliases.get(canonical, []):
            record.add_name(alias, ROLE_SYNONYM)
        records.append(record)
    return records
