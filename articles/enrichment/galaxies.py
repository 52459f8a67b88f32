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
- sectors: ``sector``, under its own names, completed by the caller's phrases.

Merging is done by :class:`~articles.enrichment.galaxy_merge.GalaxyMerger`, which also
defines :class:`EntityRecord` and the name roles (re-exported here). Countries come
from the ``country`` galaxy and our own aliases (``load_countries``).

The files are read as plain JSON rather than through ``pymispgalaxies.Clusters``, which
validates and hashes every cluster and is several times slower to load.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pymispgalaxies

from articles.enrichment.galaxy_merge import (
    MOBILE_PLATFORMS,
    ROLE_ID,
    ROLE_PHRASE,
    ROLE_SUBTECHNIQUE,
    ROLE_SYNONYM,
    ROLE_VALUE,
    EntityRecord,
    GalaxyMerger,
    fold_name,
    split_mitre_value,
    split_platform,
)

THREAT_ACTOR_GALAXIES = ("threat-actor", "mitre-intrusion-set")
SOFTWARE_GALAXIES = ("malpedia", "mitre-malware", "mitre-tool", "ransomware", "tool")
# Which galaxy's spelling names a software record: ATT&CK writes names as analysts do
# ("Mimikatz", not malpedia's "MimiKatz"); the ransomware galaxy has no platform suffix.
SOFTWARE_NAMING = ("mitre-malware", "mitre-tool", "ransomware", "malpedia", "tool")
ATTACK_PATTERN_GALAXY = "mitre-attack-pattern"
SECTOR_GALAXY = "sector"

_DEPRECATED_PREFIX = "this object is deprecated"
_SENTENCE_END = re.compile(r"(?<=[a-z)\]])\.\s")
_RANSOMWARE_OPERATION = re.compile(
    r"\bransomware(?:-as-a-service)?\s+(?:group|gang|operation|(?:threat\s+)?actor|operators?"
    r"|cartel|collective|syndicate)s?\b|\bRaaS\b",
    re.IGNORECASE,
)
_PLATFORM_EDITION = re.compile(r"\s+for\s+(?:windows|linux|macos|os x|android|ios)$", re.IGNORECASE)


def galaxy_data_dir() -> Path:
    return Path(pymispgalaxies.__file__).parent / "data" / "misp-galaxy" / "clusters"


def galaxy_version() -> str:
    """The installed pymispgalaxies version: the key for any cache of derived tables."""
    return metadata.version("pymispgalaxies")


@cache
def load_cluster_values(galaxy: str) -> tuple[dict[str, Any], ...]:
    with (galaxy_data_dir() / f"{galaxy}.json").open(encoding="utf-8") as handle:
        return tuple(json.load(handle)["values"])


def _describes_ransomware_operation(entry: dict[str, Any]) -> bool:
    # Only the first sentence says what the actor *is*; later ones may mention the
    # ransomware a state group once deployed.
    first_sentence = _SENTENCE_END.split(entry.get("description") or "", maxsplit=1)[0]
    return _RANSOMWARE_OPERATION.search(first_sentence) is not None


def load_threat_actors() -> list[EntityRecord]:
    merger = GalaxyMerger("threat-actor", unify_by="mitre-intrusion-set")
    operator_uuids = set()
    for galaxy in THREAT_ACTOR_GALAXIES:
        for entry in load_cluster_values(galaxy):
            if not entry.get("revoked"):
                merger.add(galaxy, entry)
                if _describes_ransomware_operation(entry):
                    operator_uuids.add(entry["uuid"])
    for record in merger.entities:
        uuids = {record.uuid, *(uuid for group in record.cross_refs.values() for uuid in group)}
        record.ransomware_operator = bool(uuids & operator_uuids)
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
    family = fold_name(split_platform(values[0][1])[0])
    spellings = [item for item in values if fold_name(split_platform(item[1])[0]) == family]
    # An all-lower-case spelling ("medusa") is a galaxy's shorthand, not a name.
    _, value = min(spellings, key=lambda item: (item[1] == item[1].lower(), SOFTWARE_NAMING.index(item[0])))
    return value


def load_software(tool_names: Iterable[str] = (), malware_names: Iterable[str] = ()) -> list[EntityRecord]:
    """Malware and tools, named by ``SOFTWARE_NAMING`` without platform suffixes.

    ``tool_names`` lists dual-use software that the galaxies file as malware (ATT&CK
    calls Cobalt Strike malware; the MISP ``tool`` galaxy mixes ProcDump with trojans);
    ``malware_names`` the other way round: RATs and downloaders ATT&CK files as tools
    (Remcos, AsyncRAT), which analysts block as malware.
    """
    merger = GalaxyMerger("malware", platform_variants=True)
    for galaxy in SOFTWARE_GALAXIES:
        kind = "tool" if galaxy == "mitre-tool" else None
        for entry in load_cluster_values(galaxy):
            if not entry.get("revoked"):
                merger.add(galaxy, entry, kind=kind)
    tools = {fold_name(name) for name in tool_names}
    malware = {fold_name(name) for name in malware_names}
    named: dict[int, tuple[str, str | None, str]] = {}  # index -> name, platform, full value
    for index, record in enumerate(merger.records):
        if merger.root(index) != index:
            continue
        value = _software_name(merger.values[index])
        name, platform = split_platform(value)
        named[index] = (name, platform, value)
        if {fold_name(name), fold_name(value)} & tools:
            record.kind = "tool"
        elif {fold_name(name), fold_name(value)} & malware:
            record.kind = "malware"
    taken = Counter(fold_name(name) for name, _, _ in named.values())
    for index, (name, platform, value) in named.items():
        # A mobile family that shares its name with a desktop one keeps its suffix.
        clash = taken[fold_name(name)] > 1 and platform in MOBILE_PLATFORMS
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
    """Sectors under the galaxy's own names ("Telecoms"), completed by our own phrases.

    ``extra["phrases"]`` adds, per galaxy value, phrases that name the sector on their own
    as writers do ("telcos", "hospitals", "defense contractors").
    """
    extra = extra or {}
    phrases: dict[str, list[str]] = extra.get("phrases", {})
    # Other words for a value ("logistics" for "Logistic"), which need a sector noun after
    # them like the galaxy's own names.
    synonyms: dict[str, list[str]] = extra.get("synonyms", {})
    merger = GalaxyMerger("sector")
    for entry in load_cluster_values(SECTOR_GALAXY):
        merger.add(SECTOR_GALAXY, entry)
    records = merger.entities
    for record in records:
        for phrase in phrases.get(record.name, []):
            record.add_name(phrase, ROLE_PHRASE)
        for synonym in synonyms.get(record.name, []):
            record.add_name(synonym, ROLE_SYNONYM)
    return records


def load_all(
    tool_names: Iterable[str] = (),
    sectors: dict[str, Any] | None = None,
    malware_names: Iterable[str] = (),
) -> list[EntityRecord]:
    """Every galaxy entity, threat actors first (the kind precedence used on conflicts)."""
    return [
        *load_threat_actors(),
        *load_software(tool_names, malware_names),
        *load_attack_patterns(),
        *load_sectors(sectors),
    ]


def load_countries(extra: dict[str, Any]) -> list[EntityRecord]:
    """Countries from the ``country`` galaxy, named and completed by our own data.

    The galaxy's values are lower case and it has no synonyms; its ``description`` is the
    usual English name, which we use as the canonical name unless ``extra["rename"]``
    says otherwise ("United States of America" -> "United States"). ``extra["aliases"]``
    adds short forms and demonyms per canonical name, ``extra["places"]`` states and cities
    (which the caller matches only where the text treats them as places).
    """
    rename: dict[str, str] = extra.get("rename", {})
    aliases: dict[str, list[str]] = extra.get("aliases", {})
    places: dict[str, list[str]] = extra.get("places", {})
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
        for alias in [*aliases.get(canonical, []), *places.get(canonical, [])]:
            record.add_name(alias, ROLE_SYNONYM)
        records.append(record)
    return records
