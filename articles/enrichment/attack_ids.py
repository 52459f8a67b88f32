"""ATT&CK technique IDs as older reports write them: revoked, deprecated or unknown.

Reports from before 2020 cite IDs that ATT&CK has since revoked (``T1086`` PowerShell,
now ``T1059.001``; ``T1193`` Spearphishing Attachment, now ``T1566.001``) or deprecated
(``T1064`` Scripting). The entity extractor already finds a revoked ID as the technique
that replaced it, with the ID as written in ``matched``; this stage adds a ``note`` that
says what happened to the ID ("T1086 was revoked by ATT&CK; now T1059.001 …", or
"retired, no successor"). An ID ATT&CK never had (``T1086.002``, ``T1999``) is reported
as a finding of its own with ``ref`` ``attack-id:unknown``, instead of being dropped.

The table comes from the ``mitre-attack-pattern`` galaxy shipped in ``pymispgalaxies``
(the data :mod:`articles.enrichment.galaxies` reads), built once per process.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from articles.enrichment.galaxies import ATTACK_PATTERN_GALAXY, load_cluster_values, split_mitre_value
from articles.enrichment.types import EntityFinding

VERSION = "1.0.0"
UNKNOWN_REF = "attack-id:unknown"
RETIRED_REF = "attack-id:retired"

# "T1059", "T1059.001"; not glued to a word or a longer number ("T10590", "T1059.0012").
# The literal "T" first lets the engine skip ahead in C.
TECHNIQUE_ID = re.compile(r"T(?<![\w.]T)\d{4}(?:\.\d{3})?(?!\w|\.\d)")
# A deprecated technique's description names its replacement by link, if it has one:
# "Please use [Command and Scripting Interpreter](https://attack.mitre.org/techniques/T1059)".
_SUGGESTED = re.compile(r"attack\.mitre\.org/techniques/(T\d{4})(?:/(\d{3}))?")
_DEPRECATED = ("this object is deprecated", "**this technique has been deprecated")


@dataclass(frozen=True, slots=True)
class AttackIdStatus:
    status: str  # "current", "revoked" or "deprecated"
    name: str
    successor_id: str | None = None
    successor_name: str | None = None

    def note(self, written: str) -> str | None:
        if self.status == "current":
            return None
        verb = "revoked" if self.status == "revoked" else "deprecated"
        if self.successor_id is None:
            return f"{written} was {verb} by ATT&CK: retired, no successor"
        # A revocation names the replacement; a deprecation notice only points to one.
        pointer = "now" if self.status == "revoked" else "see"
        return f"{written} was {verb} by ATT&CK; {pointer} {self.successor_id} {self.successor_name}"


@functools.cache
def attack_id_table() -> dict[str, AttackIdStatus]:
    """Every technique ID ATT&CK has published, with what became of it."""
    entries = [
        entry
        for entry in load_cluster_values(ATTACK_PATTERN_GALAXY)
        if (entry.get("meta") or {}).get("external_id")
    ]
    by_uuid = {entry["uuid"]: entry for entry in entries}
    short = {entry["meta"]["external_id"]: split_mitre_value(entry["value"])[0] for entry in entries}
    # Sub-techniques are named "Parent: Sub", as the entity extractor names them.
    names = {
        tid: f"{short[tid.partition('.')[0]]}: {name}"
        if "." in tid and tid.partition(".")[0] in short
        else name
        for tid, name in short.items()
    }
    table: dict[str, AttackIdStatus] = {}
    for entry in entries:
        external_id = entry["meta"]["external_id"]
        description = (entry.get("description") or "").lower()
        if entry.get("revoked"):
            successor = _follow_revocations(entry, by_uuid)
            successor_id = (successor.get("meta") or {}).get("external_id") if successor else None
            status = _retired("revoked", names, external_id, successor_id)
        elif description.startswith(_DEPRECATED):
            suggested = _SUGGESTED.search(entry.get("description") or "")
            successor_id = None
            if suggested:
                successor_id = suggested.group(1) + (f".{suggested.group(2)}" if suggested.group(2) else "")
            status = _retired("deprecated", names, external_id, successor_id)
        else:
            status = AttackIdStatus("current", names[external_id])
        # Enterprise and mobile entries can share an ID: a current entry wins.
        previous = table.get(external_id)
        if previous is None or previous.status != "current":
            table[external_id] = status
    return table


def _retired(
    status: str, names: dict[str, str], external_id: str, successor_id: str | None
) -> AttackIdStatus:
    if successor_id not in names:
        successor_id = None
    return AttackIdStatus(status, names[external_id], successor_id, names.get(successor_id or ""))


def _follow_revocations(entry: dict, by_uuid: dict[str, dict]) -> dict | None:
    """The current entry at the end of a revoked-by chain (T1073 -> T1574.002 -> T1574.001)."""
    for _ in range(len(by_uuid)):
        revoked_by = [r.get("dest-uuid") for r in entry.get("related") or [] if r.get("type") == "revoked-by"]
        successor = by_uuid.get(revoked_by[0]) if revoked_by else None
        if successor is None or not successor.get("revoked"):
            return successor
        entry = successor
    return None


def annotate(text: str, entities: list[EntityFinding]) -> list[EntityFinding]:
    """Notes on revoked and deprecated IDs, and a finding for every unknown ID in ``text``."""
    if "T" not in text:
        return entities
    table = attack_id_table()
    annotated: list[EntityFinding] = []
    covered: set[tuple[int, int]] = set()
    for finding in entities:
        if finding.kind == "attack-pattern" and TECHNIQUE_ID.fullmatch(finding.matched):
            covered.add((finding.start, finding.end))
            status = table.get(finding.matched)
            note = status.note(finding.matched) if status else None
            if note:
                finding = replace(finding, note=note)
        annotated.append(finding)
    for match in TECHNIQUE_ID.finditer(text):
        written = match.group()
        status = table.get(written)
        if match.span() in covered or (status is not None and status.status == "current"):
            continue
        if status is not None:  # retired with no technique the entity extractor knows
            name, ref, note = status.name, RETIRED_REF, status.note(written)
        else:
            parent = written.partition(".")[0]
            detail = (
                f"{parent} has no sub-technique {written[len(parent) :]}" if parent in table else "no such ID"
            )
            name, ref, note = written, UNKNOWN_REF, f"unknown ATT&CK technique ({detail})"
        annotated.append(
            EntityFinding(
                kind="attack-pattern",
                name=name,
                matched=written,
                start=match.start(),
                end=match.end(),
                ref=ref,
                external_id=written,
                note=note,
            )
        )
    annotated.sort(key=lambda f: (f.start, f.end))
    return annotated
