"""Load MISP galaxy clusters (shipped in ``pymispgalaxies``) into entity records.

Each record is one canonical entity with every name it is known by. Several galaxies
describe the same thing (MISP ``threat-actor`` and MITRE ``mitre-intrusion-set`` both
list APT28), so entries are merged into one record per real-world entity.

Precedence (the first galaxy that knows an entity names it and gives its ``ref``/UUID;
later galaxies add aliases and their UUIDs to ``cross_refs``):

- threat actors: ``threat-actor`` (MISP), then ``mitre-intrusion-set``;
- software: ``malpedia``, ``mitre-malware``, ``mitre-tool``, ``ransomware``, ``tool``.
  The kind is ``tool`` when a MITRE tool entry is part of the record (Cobalt Strike,
  Mimikatz), else ``malware``;
- ATT&CK techniques: ``mitre-attack-pattern`` only, enterprise before mobile; the old
  PRE-ATT&CK domain, revoked and deprecated entries are dropped;
- sectors: ``sector``.

A lower-precedence entry joins an existing record when exactly one record claims its
value, its external ID, one of its synonyms, or cross-references it (``related``).
Requiring exactly one candidate keeps two unrelated records from being chained together
through a synonym they happen to share. Countries are not built here (see ``entities``).

The files are read as plain JSON rather than through ``pymispgalaxies.Clusters``, which
validates and hashes every cluster and is several times slower to load.
"""

from __future__ import annotations

import json
import re
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
ROLE_SUBTECHNIQUE = "subtechnique"  # a sub-technique's short name, e.g. "Python"

THREAT_ACTOR_GALAXIES = ("threat-actor", "mitre-intrusion-set")
SOFTWARE_GALAXIES = ("malpedia", "mitre-malware", "mitre-tool", "ransomware", "tool")
ATTACK_PATTERN_GALAXY = "mitre-attack-pattern"
SECTOR_GALAXY = "sector"

# MITRE values carry their ID: "APT28 - G0007", "Python - T1059.006".
_MITRE_SUFFIX = re.compile(r"\s+-\s+([GSTM]\d{4}(?:\.\d{3})?)$")
_DEPRECATED_PREFIX = "this object is deprecated"


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
    """Merges entries of several galaxies (given in precedence order) into entities."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.entities: list[EntityRecord] = []
        self._by_name: dict[str, set[int]] = {}
        self._by_value: dict[tuple[str, str], int] = {}  # (galaxy, folded value) -> entity
        self._values: dict[str, set[int]] = {}  # folded value in any galaxy -> entities
        self._by_uuid: dict[str, int] = {}
        self._similar_to: dict[str, set[int]] = {}  # uuid -> entities declaring it similar

    def add(self, galaxy: str, entry: dict[str, Any], kind: str | None = None) -> None:
        value, external_id = split_mitre_value(entry["value"])
        synonyms = [s for s in _synonyms(entry) if _fold(s) != _fold(value)]
        index = self._find_owner(galaxy, entry, value, external_id, synonyms)
        if index is None:
            index = len(self.entities)
            self.entities.append(
                EntityRecord(
                    kind=kind or self.kind,
                    name=value,
                    ref=f"misp-galaxy:{galaxy}",
                    uuid=entry["uuid"],
                    rank=index,
                )
            )
        else:
            self.entities[index].cross_refs.setdefault(galaxy, []).append(entry["uuid"])
            if kind == "tool":
                self.entities[index].kind = "tool"
        entity = self.entities[index]
        entity.add_name(value, ROLE_VALUE)
        for synonym in synonyms:
            entity.add_name(synonym, ROLE_SYNONYM)
        self._by_value.setdefault((galaxy, _fold(value)), index)
        self._values.setdefault(_fold(value), set()).add(index)
        for name in [value, *synonyms, *([external_id] if external_id else [])]:
            self._by_name.setdefault(_fold(name), set()).add(index)
        self._by_uuid[entry["uuid"]] = index
        for target in _similar_uuids(entry):
            self._similar_to.setdefault(target, set()).add(index)

    def _find_owner(
        self,
        galaxy: str,
        entry: dict[str, Any],
        value: str,
        external_id: str | None,
        synonyms: list[str],
    ) -> int | None:
        # Inside one galaxy only a repeated value is the same entity: galaxies list
        # distinct actors that share a synonym ("Grizzly Steppe" is both APT28 and
        # APT29). Across galaxies, the strongest evidence wins: the same value, the
        # entry's own name or ID among the aliases, an explicit "similar"
        # cross-reference, then a shared synonym.
        duplicate = self._by_value.get((galaxy, _fold(value)))
        if duplicate is not None:
            return duplicate

        def foreign(indexes: Iterable[int]) -> set[int]:
            # Records founded by another galaxy; a record founded by this galaxy is a
            # different entity unless it repeats the value (handled above).
            founder = f"misp-galaxy:{galaxy}"
            return {i for i in indexes if self.entities[i].ref != founder}

        same_value = foreign(self._values.get(_fold(value), ()))
        if len(same_value) == 1:
            return same_value.pop()
        primary = [value, *([external_id] if external_id else [])]
        owners = foreign(i for n in primary for i in self._by_name.get(_fold(n), ()))
        if len(owners) == 1:
            return owners.pop()
        similar = _similar_uuids(entry)
        linked = foreign(self._by_uuid[u] for u in similar if u in self._by_uuid)
        linked |= foreign(self._similar_to.get(entry["uuid"], ()))
        if len(linked) == 1:
            return linked.pop()
        if owners:
            return None
        shared = foreign(i for s in synonyms for i in self._by_name.get(_fold(s), ()))
        if len(shared) == 1:
            return shared.pop()
        return None


def load_threat_actors() -> list[EntityRecord]:
    merger = _Merger("threat-actor")
    for galaxy in THREAT_ACTOR_GALAXIES:
        for entry in load_cluster_values(galaxy):
            if not entry.get("revoked"):
                merger.add(galaxy, entry)
    return merger.entities


def load_software() -> list[EntityRecord]:
    merger = _Merger("malware")
    for galaxy in SOFTWARE_GALAXIES:
        kind = "tool" if galaxy == "mitre-tool" else None
        for entry in load_cluster_values(galaxy):
            if not entry.get("revoked"):
                merger.add(galaxy, entry, kind=kind)
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
    techniques = list(iter_current_techniques())
    parent_names = {tid: name for _, name, tid, _ in techniques if "." not in tid}
    entities: list[EntityRecord] = []
    for rank, (_, name, external_id, entry) in enumerate(techniques):
        parent_id, _, sub = external_id.partition(".")
        parent = parent_names.get(parent_id)
        # Sub-techniques are named "Parent: Sub" by ATT&CK; the short name alone
        # ("Python", "Server") is an ordinary word and gets stricter rules.
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
    return entities


def load_sectors() -> list[EntityRecord]:
    merger = _Merger("sector")
    for entry in load_cluster_values(SECTOR_GALAXY):
        merger.add(SECTOR_GALAXY, entry)
    return merger.entities


def load_all() -> list[EntityRecord]:
    """Every galaxy entity, threat actors first (the kind precedence used on conflicts)."""
    return [*load_threat_actors(), *load_software(), *load_attack_patterns(), *load_sectors()]


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
