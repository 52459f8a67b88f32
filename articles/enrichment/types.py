"""The data that flows through the pure enrichment pipeline.

Every finding carries the character span (``start``/``end``, Python slice
semantics) in the document's plain text that it came from, so a person can
check it. A document given as sections (title, teaser, ..., body) gets findings
whose ``section`` names the section and whose span points into that section's
text. Nothing here imports Django.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Section:
    """One named text of an article: "title", "teaser", "executive_summary", "summary", "body"."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """What an enricher reads: the article's plain text plus light metadata.

    A pipeline given ``sections`` enriches every one of them (``text`` and ``title``
    are then ignored, see ``enrichment/sections.py``); without, ``text`` is one
    unnamed section and its findings carry ``section=""``.
    """

    text: str
    title: str = ""
    # e.g. {"source": "...", "language": "en"}; enrichers must not rely on keys being present.
    metadata: dict[str, Any] = field(default_factory=dict)
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True, slots=True)
class IndicatorFinding:
    type: str  # one of vocabulary.INDICATOR_TYPES
    value: str  # refanged, normalized (lower-case host, compressed IPv6, upper-case CVE)
    start: int
    end: int
    matched: str  # the exact text[start:end]
    defanged: bool
    benign: str | None = None  # name of the MISP warning list that lists it, else None
    section: str = ""  # the section start/end point into; "" for a document given as one text
    # The URL or e-mail address (its value) this host was taken from; None when written alone.
    derived_from: str | None = None
    # What normalization changed that a reader should know ("leading zeros removed").
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for optional in ("section", "derived_from", "note"):
            if not data[optional]:
                del data[optional]  # one-text output of plain findings stays as it always was
        return data


@dataclass(frozen=True, slots=True, order=True)
class DroppedCandidate:
    """Text that looks like an indicator but is left out on purpose, and why."""

    start: int
    end: int
    type: str  # the type it would have had
    value: str
    matched: str  # the exact text[start:end]
    reason: str  # "placeholder", "version number"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class EntityFinding:
    kind: str  # one of vocabulary.ENTITY_KINDS values
    name: str  # canonical name (aliases resolve to it)
    matched: str  # the exact text[start:end]
    start: int
    end: int
    ref: str  # where the name comes from, e.g. "misp-galaxy:threat-actor", "gazetteer", "watch"
    # ATT&CK ID for attack-pattern ("T1059.001"), CPE vendor:product for a product, else None
    external_id: str | None = None
    uuid: str | None = None  # galaxy cluster UUID when there is one
    section: str = ""  # the section start/end point into; "" for a document given as one text
    # What a reader should know about the match: a revoked ATT&CK ID's successor, an unknown ID.
    note: str | None = None
    # A product's CVE IDs written in the same sentence ("CVE-2023-38831 — WinRAR").
    cves: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "name": self.name,
            "matched": self.matched,
            "start": self.start,
            "end": self.end,
            "ref": self.ref,
        }
        if self.section:
            data["section"] = self.section
        if self.external_id:
            data["id"] = self.external_id
        if self.uuid:
            data["uuid"] = self.uuid
        if self.note:
            data["note"] = self.note
        if self.cves:
            data["cves"] = list(self.cves)
        return data


@dataclass(frozen=True, slots=True)
class Classification:
    category: str  # vocabulary.CATEGORIES value
    intel_level: str  # vocabulary.INTEL_LEVELS value
    priority: str  # vocabulary.PRIORITIES value
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class EnrichmentResult:
    indicators: list[IndicatorFinding]
    entities: list[EntityFinding]
    classification: Classification
    assessment: str
    summary: str
    keywords: list[str]
    versions: dict[str, str]  # enricher name -> version that produced these findings

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicators": [f.to_dict() for f in self.indicators],
            "entities": [f.to_dict() for f in self.entities],
            "classification": self.classification.to_dict(),
            "assessment": self.assessment,
            "summary": self.summary,
            "keywords": list(self.keywords),
            "versions": dict(self.versions),
        }


class Enricher(Protocol):
    """A pure step: heavy data is loaded in ``__init__`` once, ``run`` is cheap."""

    name: str
    version: str

    def run(self, doc: Document) -> list[Any]: ...
