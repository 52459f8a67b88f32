"""Poll one source: claim it, fetch, parse, upsert each entry, record health.

Everything that can go wrong with a feed ends as a readable error on the
source (and a backed-off next poll), never as a crashed worker; entries that
parsed are kept even when others in the same feed are broken, and each entry
is saved under its own savepoint (new entries in batches that fall back to one
by one), so a bad one never takes good ones with it.
"""

from __future__ import annotations

import hashlib
import logging
import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.ingest.feeds import FeedEntry, FeedParseError, ParsedFeed, parse_feed
from articles.ingest.http import FetchError, fetch
from articles.ingest.seed_folders import SeedFolderRefused
from articles.ingest.seed_loader import load_seed_folder
from articles.ingest.upsert import IncomingArticle, Outcome, Result, upsert_articles
from articles.models import Source, SourceKind
from articles.sanitize import html_to_text

log = logging.getLogger(__name__)

TEASER_CHARS = 300
USER_AGENT = "IntelPortal/0.1 (+https://github.com/intelportal; feed collector)"


@dataclass
class PollReport:
    source: str
    status: str  # "ok", "not-modified", "failed", "busy", "nothing-to-poll"
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    filtered: int = 0
    skipped: int = 0
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    # Which articles the poll created, changed or found unchanged: stored on the source so
    # that pages count, per viewer, only the ones that viewer may read (``visible_to``).
    article_ids: dict[str, list[int]] = field(
        default_factory=lambda: {"new": [], "updated": [], "unchanged": []}
    )

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("new", "updated", "unchanged", "filtered", "skipped")}

    def count_article(self, outcome: Outcome, article_id: int) -> None:
        name = {Outcome.CREATED: "new", Outcome.UPDATED: "updated"}.get(outcome, "unchanged")
        setattr(self, name, getattr(self, name) + 1)
        self.article_ids[name].append(article_id)

    def line(self) -> str:
        if self.status == "failed":
            return f"{self.source}: FAILED — {self.error}"
        if self.status == "nothing-to-poll":
            return f"{self.source}: nothing to poll — {self.error}"
        if self.status == "busy":
            return f"{self.source}: {self.status}"
        counts = ", ".join(f"{v} {k}" for k, v in self.counts().items())
        suffix = f" ({len(self.warnings)} warning(s): {self.warnings[0]})" if self.warnings else ""
        return f"{self.source}: {self.status} — {counts}{suffix}"


def claim(source_id: int, *, force: bool = False) -> Source | None:
    """Take the source for polling; None when another worker has it, when it has nothing
    to poll (``Source.objects.pollable``), or (unless forced) when it is disabled or not
    due yet."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.POLL_CLAIM_STALE_SECONDS)
    free = Q(polling_started_at__isnull=True) | Q(polling_started_at__lt=stale)
    # Beat may queue a source twice while a worker is busy; unless forced, the second
    # message must find it no longer due rather than poll it again right after the first.
    rows = Source.objects.pollable() if force else Source.objects.due(now)
    if not rows.filter(pk=source_id).filter(free).update(polling_started_at=now):
        return None
    return Source.objects.get(pk=source_id)


def poll(source_id: int, *, force: bool = False) -> PollReport:
    """Poll one source now. ``force`` polls a disabled source too (an admin's "poll now")."""
    source = claim(source_id, force=force)
    if source is None:
        unclaimed = Source.objects.filter(pk=source_id).first()
        if unclaimed is not None and not unclaimed.can_poll:
            return PollReport(
                source=unclaimed.name, status="nothing-to-poll", error=unclaimed.nothing_to_poll_reason
            )
        return PollReport(source=unclaimed.name if unclaimed else f"#{source_id}", status="busy")
    report = PollReport(source=source.name, status="ok")
    try:
        if source.kind == SourceKind.SEED_FOLDER:
            _poll_folder(source, report)
        else:
            _poll_feed(source, report)
    except (FetchError, FeedParseError) as exc:
        report.status, report.error = "failed", str(exc)
        error_kind = getattr(exc, "kind", "parse")
    except SeedFolderRefused as exc:
        report.status, report.error = "failed", f"Refused to read the seed folder: {exc}."
        error_kind = "seed-folder"
    except Exception as exc:  # a bug must not leave the source claimed or crash the worker
        log.exception("polling %s failed unexpectedly", source.name)
        report.status, report.error = "failed", f"unexpected error ({type(exc).__name__}: {exc})"
        error_kind = "internal"
    else:
        error_kind = ""
    _record(source, report, error_kind)
    if report.status == "failed":
        # A warning, not the task's INFO "succeeded": a source that fails is something to look at.
        log.warning("polling source %r (#%s) failed: %s", source.name, source.pk, report.error)
    return report


def _poll_feed(source: Source, report: PollReport) -> None:
    result = fetch(
        source.url,
        etag=source.etag or None,
        last_modified=source.last_modified or None,
        timeout=settings.FETCH_TIMEOUT_SECONDS,
        max_bytes=settings.FETCH_MAX_BYTES,
        max_redirects=settings.FETCH_MAX_REDIRECTS,
        allow_networks=settings.FETCH_ALLOW_NETWORKS,
        user_agent=USER_AGENT,
    )
    if result.not_modified:
        report.status = "not-modified"
        return
    parsed = parse_feed(result.body, url=source.url, content_type=result.headers.get("content-type"))
    report.warnings.extend(parsed.errors)
    ingest_entries(source, parsed, report)
    # Validators are stored only after every entry is safely in: after a crash or a
    # skipped entry the next poll fetches the whole feed again (no 304), so nothing that
    # failed once is lost for good.
    if not report.skipped:
        Source.objects.filter(pk=source.pk).update(
            etag=result.etag or "", last_modified=result.last_modified or ""
        )


ENTRIES_PER_COMMIT = 100


def ingest_entries(source: Source, parsed: ParsedFeed, report: PollReport) -> None:
    """Upsert the entries, committing every ``ENTRIES_PER_COMMIT``.

    :func:`~articles.ingest.upsert.upsert_articles` looks each chunk's existing articles
    up at once and inserts its new entries together, under savepoints that keep a bad
    entry from taking good ones with it. Grouping commits matters for speed (a commit
    per entry is an fsync per entry, and made PostgreSQL ingestion several times slower),
    and so does batching: a query or two per poll rather than some thirty per entry.
    """
    include = source.keyword_list("include_keywords")
    exclude = source.keyword_list("exclude_keywords")
    now = timezone.now()
    wanted = [e for e in parsed.entries if _passes_filters(e, include, exclude)]
    report.filtered += len(parsed.entries) - len(wanted)
    for offset in range(0, len(wanted), ENTRIES_PER_COMMIT):
        entries = wanted[offset : offset + ENTRIES_PER_COMMIT]
        results: list[Result | None] = []  # None: what upsert_articles says, in order
        incomings: list[IncomingArticle] = []
        for entry in entries:
            try:
                incomings.append(to_incoming(entry, now=now))
            except Exception as exc:  # one bad entry must not lose the others
                results.append(exc)
            else:
                results.append(None)
        with transaction.atomic():
            saved = iter(upsert_articles(source, incomings))
        for entry, result in zip(entries, results, strict=True):
            _count(source, entry, result if result is not None else next(saved), report)


def _count(source: Source, entry: FeedEntry, result: Result, report: PollReport) -> None:
    if isinstance(result, Exception):
        log.warning("entry %r of %s skipped: %s", entry.guid, source.name, result)
        report.skipped += 1
        # Shown on the source's pages to staff of any clearance: the entry's title or the
        # error's text could be an AMBER or RED article's words, so only the kind of failure.
        report.warnings.append(
            f"an entry was skipped ({type(result).__name__}); the worker log names it and says why"
        )
        return
    article, outcome = result
    report.count_article(outcome, article.pk)


def to_incoming(entry: FeedEntry, *, now) -> IncomingArticle:
    # Without content, ``entry.text`` is the summary's text already.
    summary_text = html_to_text(entry.summary_html) if entry.content_html else entry.text
    body_html = entry.content_html or entry.summary_html
    body_text = entry.text
    # A feed that has only a summary: that summary is the body; no separate summary.
    summary = summary_text if entry.content_html and summary_text and summary_text != body_text else ""
    digest = hashlib.sha256(
        "\x1f".join([entry.title, entry.link, *entry.authors, entry.content_hash]).encode("utf-8")
    ).hexdigest()
    return IncomingArticle(
        guid=entry.guid[:500],
        title=(entry.title or "(untitled)")[:1000],
        url=entry.link[:2000],
        published_at=entry.published or now,
        published_estimated=entry.published is None,
        content_hash=digest,
        teaser=_teaser(summary_text or body_text),
        summary=summary,
        body_html=body_html,
        body_text=body_text,
        authors=[a[:200] for a in entry.authors],
        tags=entry.categories[:30],
    )


def _teaser(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= TEASER_CHARS:
        return text
    return text[:TEASER_CHARS].rsplit(" ", 1)[0] + "…"


def _passes_filters(entry: FeedEntry, include: list[str], exclude: list[str]) -> bool:
    if not include and not exclude:
        return True
    haystack = f"{entry.title}\n{entry.text}\n{' '.join(entry.categories)}".lower()
    if include and not any(word in haystack for word in include):
        return False
    return not any(word in haystack for word in exclude)


def _poll_folder(source: Source, report: PollReport) -> None:
    """Read the folder, confined to SEED_FOLDERS_ROOT again now (it may have become a link)."""
    loaded = load_seed_folder(source, root=settings.SEED_FOLDERS_ROOT)
    for path, outcome in loaded.outcomes.items():
        report.count_article(outcome, loaded.article_ids[path])
    report.skipped = len(loaded.errors)
    report.warnings.extend(loaded.errors)


def next_poll_delay(source: Source, failures: int) -> timedelta:
    """The interval on success; exponential backoff with jitter after failures, capped."""
    base = timedelta(minutes=source.poll_interval_minutes)
    if failures:
        base = min(base * (2 ** min(failures, 16)), timedelta(minutes=settings.POLL_MAX_BACKOFF_MINUTES))
    # Jitter spreads sources that were added together, so they do not all poll at once.
    return base * random.uniform(0.85, 1.15)  # noqa: S311 (not security-sensitive)


def _record(source: Source, report: PollReport, error_kind: str) -> None:
    now = timezone.now()
    failed = report.status == "failed"
    failures = source.consecutive_failures + 1 if failed else 0
    changes = {
        "polling_started_at": None,
        "poll_queued_at": None,
        "last_polled_at": now,
        "consecutive_failures": failures,
        "next_poll_at": now + next_poll_delay(source, failures),
        "last_result": {
            "status": report.status,
            **report.counts(),
            "article_ids": report.article_ids,
            "warnings": report.warnings[:20],
        },
    }
    if failed:
        changes.update(last_error=report.error[:4000], last_error_kind=error_kind, last_error_at=now)
    else:
        changes.update(last_success_at=now, last_error="", last_error_kind="")
    Source.objects.filter(pk=source.pk).update(**changes)
