"""Asynchronous processing of one article: claim it, compute, record the outcome.

The Celery tasks in ``articles/tasks.py`` are thin wrappers around
:func:`process_article`. The claim is a conditional UPDATE, so two workers
never process the same article at once; every later write is conditional on
that same claim, so a stale run can never overwrite a newer one. An article
whose worker died mid-task (status stuck in RUNNING) becomes claimable again
after ``PROCESSING_STALE_SECONDS``; after ``MAX_ATTEMPTS`` such deaths it is
marked FAILED instead of being retried for ever.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Iterator
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from articles.enrichment.pipeline import Pipeline, get_pipeline
from articles.enrichment.types import Document
from articles.findings import store_result
from articles.models import Article, ProcessingStatus, WatchEntity

log = logging.getLogger(__name__)

WORDS_PER_MINUTE = 230
STATS_VERSION = "stats-1"
MAX_ATTEMPTS = 5
# SQLite allows 32,766 parameters per statement and psycopg 65,535: bulk updates go in chunks.
CHUNK = 5000
# Errors worth retrying: the database went away or is busy. Integrity and data errors are
# bugs or bad data, and retrying them only delays the FAILED status people need to see.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


class TransientFailure(Exception):
    """Processing hit a passing error; the article is PENDING again and may be retried."""


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for offset in range(0, len(ids), CHUNK):
        yield ids[offset : offset + CHUNK]


def mark_pending(article_ids: Iterable[int]) -> None:
    """Record that work is requested, *before* dispatch (a lost message is then visible)."""
    now = timezone.now()
    for chunk in _chunks(list(article_ids)):
        Article.objects.filter(pk__in=chunk).update(
            processing_status=ProcessingStatus.PENDING,
            processing_error="",
            processing_claimed_at=None,
            processing_queued_at=now,
            processing_attempts=0,
        )


def enqueue(article_ids: Iterable[int]) -> None:
    """Mark articles pending and queue one task each once the current transaction commits."""
    ids = list(article_ids)
    if ids:
        mark_pending(ids)
        _dispatch(ids)


def _dispatch(ids: list[int]) -> None:
    from articles.tasks import process_article_task

    for article_id in ids:
        # robust: a broker hiccup is logged, not raised; the article stays PENDING and the
        # sweeper (requeue_lost) queues it again later.
        transaction.on_commit(lambda pk=article_id: process_article_task.delay(pk), robust=True)


def enqueue_batches(article_ids: Iterable[int], batch_size: int = 50) -> int:
    """Like :func:`enqueue`, for bulk work: one message per ``batch_size`` articles."""
    from articles.tasks import process_batch_task

    ids = list(article_ids)
    mark_pending(ids)
    for offset in range(0, len(ids), batch_size):
        batch = ids[offset : offset + batch_size]
        transaction.on_commit(lambda batch=batch: process_batch_task.delay(batch), robust=True)
    return len(ids)


def claim(article_id: int) -> Article | None:
    """Take the article for processing; None when another worker has it or it is done."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.PROCESSING_STALE_SECONDS)
    claimable = Q(processing_status=ProcessingStatus.PENDING) | Q(
        processing_status=ProcessingStatus.RUNNING, processing_claimed_at__lt=stale_before
    )
    rows = Article.objects.filter(pk=article_id).filter(claimable)
    given_up = rows.filter(processing_attempts__gte=MAX_ATTEMPTS).update(
        processing_status=ProcessingStatus.FAILED,
        processing_claimed_at=None,
        processing_error=f"gave up after {MAX_ATTEMPTS} attempts: the worker stopped each time "
        "(out of memory or over the hard time limit?)",
    )
    if given_up:
        return None
    taken = rows.update(
        processing_status=ProcessingStatus.RUNNING,
        processing_claimed_at=now,
        processing_attempts=F("processing_attempts") + 1,
    )
    if not taken:
        return None
    return Article.objects.get(pk=article_id)


def process_article(article_id: int) -> str:
    """Process one article; returns what happened ("done", "skipped", "changed").

    Raises :class:`TransientFailure` for passing errors (the article is PENDING again),
    and re-raises anything else after recording it on the article as FAILED.
    """
    article = claim(article_id)
    if article is None:
        log.info("article %s: not claimable (done, failed, or another worker has it)", article_id)
        return "skipped"
    try:
        return _process_claimed(article)
    except TRANSIENT_ERRORS as exc:
        _release(article, ProcessingStatus.PENDING, f"transient error, will retry: {exc}")
        raise TransientFailure(str(exc)) from exc
    except SoftTimeLimitExceeded:
        _release(article, ProcessingStatus.FAILED, "took longer than the time limit")
        raise
    except Exception as exc:
        _release(article, ProcessingStatus.FAILED, f"{type(exc).__name__}: {exc}")
        raise


def _process_claimed(article: Article) -> str:
    stats = compute_stats(article)
    # The slow part runs outside any transaction: no lock is held while it computes.
    result = current_pipeline().run(
        Document(text=article.enrichment_text, title=article.title, metadata={"source": article.source_id})
    )
    with transaction.atomic():
        current = _owned(article).select_for_update().first()
        if current is None:
            # The article changed (and was re-queued) while we worked; that newer task wins.
            return "changed"
        store_result(current, result)
        Article.objects.filter(pk=article.pk).update(
            **stats,
            processing_status=ProcessingStatus.DONE,
            processing_error="",
            processed_at=timezone.now(),
            processing_versions={"stats": STATS_VERSION, **result.versions},
        )
    return "done"


def _owned(article: Article):
    """The article row, only while this run's claim is still the one in force."""
    return Article.objects.filter(
        pk=article.pk,
        processing_status=ProcessingStatus.RUNNING,
        processing_claimed_at=article.processing_claimed_at,
    )


def _release(article: Article, status: str, reason: str) -> None:
    """Record the outcome of a failed run, unless a newer run has taken the article since."""
    _owned(article).update(
        processing_status=status, processing_error=reason[:2000], processing_claimed_at=None
    )


def give_up(article_id: int, reason: str) -> None:
    """After the last retry of a transient error: FAILED, if nothing newer has happened."""
    Article.objects.filter(pk=article_id, processing_status=ProcessingStatus.PENDING).update(
        processing_status=ProcessingStatus.FAILED, processing_error=reason[:2000]
    )


def current_pipeline() -> Pipeline:
    """This worker's pipeline; rebuilt (entities only) when admins change the watch list."""
    from articles.enrichment.entities import WatchEntity as WatchName

    watch = [
        WatchName(name=w.name, aliases=w.alias_list)
        for w in WatchEntity.objects.filter(enabled=True).order_by("name")
    ]
    return get_pipeline(watch)


def compute_stats(article: Article) -> dict:
    text = "\n".join(part for part in (article.title, article.summary, article.body_text) if part)
    words = len(text.split())
    return {
        "word_count": words,
        "reading_minutes": max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else 0,
        "language": detect_language(text),
    }


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, or "" when it cannot be told."""
    from langdetect import DetectorFactory, LangDetectException, detect

    DetectorFactory.seed = 0  # langdetect is random by default; the same text gets the same answer
    sample = text[:5000]
    if len(sample.split()) < 3:
        return ""
    try:
        return detect(sample)
    except LangDetectException:
        return ""


def requeue_lost(limit: int = 500) -> int:
    """Re-queue articles whose work was lost: stale RUNNING claims and old PENDING requests.

    A worker killed mid-task leaves RUNNING behind; a broker restart can drop a
    queued message and leave PENDING. Each update is conditional on the state that
    was selected, so an article a worker claims in the meantime is left alone.
    Re-queueing keeps the attempt count, so an article that kills its worker every
    time ends FAILED rather than looping.
    """
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.PROCESSING_STALE_SECONDS)
    lost_running = Q(processing_status=ProcessingStatus.RUNNING, processing_claimed_at__lt=stale_before)
    lost_pending = Q(processing_status=ProcessingStatus.PENDING) & (
        Q(processing_queued_at__lt=stale_before) | Q(processing_queued_at__isnull=True)
    )
    candidates = list(
        Article.objects.filter(lost_running | lost_pending).values_list("pk", flat=True)[:limit]
    )
    if not candidates:
        return 0
    with transaction.atomic():
        Article.objects.filter(lost_running | lost_pending, pk__in=candidates).update(
            processing_status=ProcessingStatus.PENDING, processing_claimed_at=None, processing_queued_at=now
        )
        ours = list(
            Article.objects.filter(
                pk__in=candidates, processing_status=ProcessingStatus.PENDING, processing_queued_at=now
            ).values_list("pk", flat=True)
        )
        _dispatch(ours)
    if ours:
        log.warning("re-queued %d articles whose processing was lost", len(ours))
    return len(ours)


__all__ = [
    "MAX_ATTEMPTS",
    "TransientFailure",
    "claim",
    "enqueue",
    "enqueue_batches",
    "give_up",
    "mark_pending",
    "process_article",
    "requeue_lost",
]
