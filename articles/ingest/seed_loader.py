"""Load seed files into articles: one transaction per file, nothing half-saved.

Two callers: ``manage.py load_seeds`` (an operator at the machine, who may name any
path) and the polling of a seed-folder source (an admin's setting, so confined to
``SEED_FOLDERS_ROOT`` by :mod:`articles.ingest.seed_folders`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from articles.ingest.seed_folders import SEED_SUFFIXES, confined_folder, confined_seed_files
from articles.ingest.seeds import SeedDocument, SeedFormatError, parse_seed_file
from articles.ingest.upsert import IncomingArticle, Outcome, upsert_article
from articles.models import Source, SourceKind
from articles.sanitize import text_to_html
from articles.source_changes import snapshot
from audit.actions import Action
from audit.services import record


@dataclass
class LoadReport:
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # path -> outcome
    article_ids: dict[str, int] = field(default_factory=dict)  # path -> article id
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for o in self.outcomes.values() if o == outcome)

    def ids(self, outcome: Outcome) -> list[int]:
        return [self.article_ids[path] for path, o in self.outcomes.items() if o == outcome]


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
    """The operator's load: any file or folder given on the command line."""
    with transaction.atomic():
        source, created = Source.objects.get_or_create(
            name=source_name, defaults={"kind": SourceKind.SEED_FOLDER, "default_tlp": tlp}
        )
        if created:
            record(Action.SOURCE_CREATE, obj=source, username="manage.py load_seeds", after=snapshot(source))
    return _load(seed_files(paths), source, tlp=tlp, report=LoadReport())


def load_seed_folder(source: Source, *, root: Path) -> LoadReport:
    """A seed-folder source's poll: only files that are really inside ``root``.

    Raises :class:`~articles.ingest.seed_folders.SeedFolderRefused` when the folder
    itself is not (any more) inside the root; files that link outside it are skipped
    with a warning each.
    """
    folder = confined_folder(source.folder, root)
    files, refused = confined_seed_files(folder, root)
    return _load(files, source, tlp=source.default_tlp, report=LoadReport(errors=refused))


def _load(files: list[Path], source: Source, *, tlp: str, report: LoadReport) -> LoadReport:
    for path in files:
        try:
            document = parse_seed_file(path)
        except SeedFormatError as exc:
            report.errors.append(str(exc))
            continue
        with transaction.atomic():
            article, outcome = upsert_article(source, to_incoming(document, guid=path.name, tlp=tlp))
        report.outcomes[str(path)] = outcome
        report.article_ids[str(path)] = article.pk
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
