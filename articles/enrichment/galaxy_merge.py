"""Entity records and how entries of several MISP galaxies merge into them.

Galaxies are merged in precedence order (see :mod:`articles.enrichment.galaxies`): the
first galaxy that knows an entity founds its record; a lower-precedence entry joins an
existing record when exactly one record claims its value, its external ID, one of its
synonyms, or cross-references it (``related``). Requiring exactly one candidate keeps
two unrelated records from being chained together through a synonym they happen to
share.

Kept apart from ``galaxies.py``, which decides *what* is loaded and how records are
named, because this bookkeeping (a union-find over records and its indexes) is the
part that needs reading slowly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Roles a name plays for its entity; the matcher derives its case rules from them.
ROLE_VALUE = "value"  # the entry's own name in some galaxy
ROLE_SYNONYM = "synonym"  # meta.synonyms
ROLE_ID = "id"  # an ATT&CK ID, e.g. "T1059.001"
ROLE_SUBTECHNIQUE = "subtechnique"  # a technique's short or former name, e.g. "Python"
ROLE_PHRASE = "phrase"  # a phrase that names a sector by itself, e.g. "financial services"

# MITRE values carry their ID: "APT28 - G0007", "Python - T1059.006".
_MITRE_SUFFIX = re.compile(r"\s+-\s+([GSTM]\d{4}(?:\.\d{3})?)$")
# Malpedia names platform variants "LockBit (Windows)", "Anubis (Android)", "pupy (Python)".
_PLATFORM_SUFFIX = re.compile(
    r"\s*\((android|ios|symbian|windows|elf|os x|macos|linux|javascript|powershell|python"
    r"|vbscript|\.net|autoit)\)\s*$",
    re.IGNORECASE,
)
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
    # An actor its galaxy describes as a ransomware operation ("RansomHub is a ransomware
    # group"): the brand name alone is the ransomware family, not the operators.
    ransomware_operator: bool = False

    def add_name(self, surface: str, role: str) -> None:
        surface = " ".join(surface.split())
        if surface and surface not in self.names:
            self.names[surface] = role


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


def fold_name(name: str) -> str:
    """Lower case, whitespace folded: the key under which names are compared."""
    return " ".join(name.lower().split())


class GalaxyMerger:
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
            return fold_name(value)
        base, platform = split_platform(value)
        return f"{fold_name(base)} (mobile)" if platform in MOBILE_PLATFORMS else fold_name(base)

    def _roots(self, indexes: Iterable[int]) -> set[int]:
        return {self.root(index) for index in indexes}

    def add(self, galaxy: str, entry: dict[str, Any], kind: str | None = None) -> None:
        value, external_id = split_mitre_value(entry["value"])
        key = self.family_key(value)
        synonyms = [s for s in _synonyms(entry) if fold_name(s) != fold_name(value)]
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
            self._by_name.setdefault(fold_name(name), set()).add(index)
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
        owners = self._foreign(galaxy, (i for n in primary for i in self._by_name.get(fold_name(n), ())))
        if len(owners) == 1:
            return owners.pop()
        similar = _similar_uuids(entry)
        linked = self._foreign(galaxy, (self._by_uuid[u] for u in similar if u in self._by_uuid))
        linked |= self._foreign(galaxy, self._similar_to.get(entry["uuid"], ()))
        if len(linked) == 1:
            return linked.pop()
        if owners:
            return None
        shared = self._foreign(galaxy, (i for s in synonyms for i in self._by_name.get(fold_name(s), ())))
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
