"""Load seed files into articles: one transaction per file, nothing half-saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from articles.ingest.seeds import SeedDocument, SeedFormatError, parse_seed_file
from articles.ingest.upsert import IncomingArticle, Outcome, upsert_article
from articles.models import Source, SourceKind
from articles.sanitize import text_to_html

SEED_SUFFIXES = {".txt"}


@dataclass
class LoadReport:
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # path -> outcome
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for o in self.outcomes.values() if o == outcome)


def seed_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to their seed files (sorted, so loads are reproducible)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SEED_SUFFIXES))
        else:
            found.append(path)
    return found


def load_seed_paths(paths: Iterable[Path], *, tlp: str, source_name: str) -> LoadReport:
    report = LoadReport()
    files = seed_files(paths)
    with transaction.atomic():
        source, _ = Source.objects.get_or_create(
            name=source_name, defaults={"kind": SourceKind.SEED_FOLDER, "default_tlp": tlp}
        )
    for path in files:
        try:
            document = parse_seed_file(path)
        except SeedFormatError as exc:
            report.errors.append(str(exc))
            continue
        with transaction.atomic():
            _, outcome = upsert_article(source, to_incoming(document, guid=path.name, tlp=tlp))
        report.outcomes[str(path)] = outcome
    return report


def to_incoming(document: SeedDocument, *, guid: str, tlp: str) -> IncomingArticle:
    published = dt.datetime.combine(document.published, dt.time(0, 0), tzinfo=dt.UTC)
    return IncomingArticle(
        guid=guid,
        title=document.title,
        published_at=published,
        content_hash=document.content_hash,
        teaser=document.teaser,
        executive_summary=document.executive_summary,
        summary=document.summary,
        body_text=document.analysis,
        body_html=text_to_html(document.analysis),
        authors=document.authors,
        tlp=tlp,
    )
