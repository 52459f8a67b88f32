"""Asynchronous processing of one article: claim it, compute, record the outcome.

The Celery task in ``articles/tasks.py`` is a thin wrapper around
:func:`process_article`. The claim is a conditional UPDATE, so two workers
never process the same article at once, and an article whose worker died
mid-task (status stuck in RUNNING) becomes claimable again after
``PROCESSING_STALE_SECONDS``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.enrichment.pipeline import Pipeline, get_pipeline
from articles.enrichment.types import Document
from articles.findings import store_result
from articles.models import Article, ProcessingStatus, WatchEntity

log = logging.getLogger(__name__)

WORDS_PER_MINUTE = 230
STATS_VERSION = "stats-1"


def mark_pending(article_ids: Iterable[int]) -> None:
    """Record that work is queued, *before* dispatch (a lost message is then visible)."""
    Article.objects.filter(pk__in=list(article_ids)).update(
        processing_status=ProcessingStatus.PENDING, processing_error="", processing_claimed_at=None
    )


def enqueue(article_ids: Iterable[int]) -> None:
    """Mark articles pending and queue one task each once the current transaction commits."""
    from articles.tasks import process_article_task

    ids = list(article_ids)
    if not ids:
        return
    mark_pending(ids)
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
    taken = (
        Article.objects.filter(pk=article_id)
        .filter(claimable)
        .update(processing_status=ProcessingStatus.RUNNING, processing_claimed_at=now)
    )
    if not taken:
        return None
    return Article.objects.get(pk=article_id)


def process_article(article_id: int) -> str:
    """Process one article; returns what happened ("done", "skipped", "changed")."""
    article = claim(article_id)
    if article is None:
        log.info("article %s: not claimable (done, or another worker has it)", article_id)
        return "skipped"
    stats = compute_stats(article)
    # The slow part runs outside any transaction: no lock is held while it computes.
    result = current_pipeline().run(
        Document(text=article.enrichment_text, title=article.title, metadata={"source": article.source_id})
    )
    with transaction.atomic():
        current = (
            Article.objects.select_for_update()
            .filter(pk=article_id, processing_status=ProcessingStatus.RUNNING)
            .filter(processing_claimed_at=article.processing_claimed_at)
            .first()
        )
        if current is None:
            # The article changed (and was re-queued) while we worked; that newer task wins.
            return "changed"
        store_result(current, result)
        Article.objects.filter(pk=article_id).update(
            **stats,
            processing_status=ProcessingStatus.DONE,
            processing_error="",
            processed_at=timezone.now(),
            processing_versions={"stats": STATS_VERSION, **result.versions},
        )
    return "done"


def current_pipeline() -> Pipeline:
    """This worker's pipeline; rebuilt (entities only) when admins change the watch list."""
    from articles.enrichment.entities import WatchEntity as WatchName

    watch = [
        WatchName(name=w.name, aliases=w.alias_list)
        for w in WatchEntity.objects.filter(enabled=True).order_by("name")
    ]
    return get_pipeline(watch)


def record_failure(article_id: int, reason: str, *, will_retry: bool) -> None:
    status = ProcessingStatus.PENDING if will_retry else ProcessingStatus.FAILED
    Article.objects.filter(pk=article_id).update(
        processing_status=status, processing_error=reason[:2000], processing_claimed_at=None
    )


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
    """Re-queue articles whose work was lost: stale RUNNING claims and old PENDING rows.

    A worker killed mid-task leaves RUNNING behind; a broker restart can drop a
    queued message and leave PENDING. Both are safe to queue again because
    processing is idempotent and claims are conditional.
    """
    stale_before = timezone.now() - timedelta(seconds=settings.PROCESSING_STALE_SECONDS)
    lost = Article.objects.filter(
        Q(processing_status=ProcessingStatus.RUNNING, processing_claimed_at__lt=stale_before)
        | Q(processing_status=ProcessingStatus.PENDING, updated_at__lt=stale_before)
    ).values_list("pk", flat=True)[:limit]
    ids = list(lost)
    if ids:
        log.warning("re-queueing %d articles whose processing was lost", len(ids))
        with transaction.atomic():
            enqueue(ids)
    return len(ids)
