"""The sweeper: queue again the processing work that was lost (step 6 in ``processing.py``).

Beat runs it every ``REQUEUE_LOST_EVERY_SECONDS``. What counts as lost, and why a
PENDING request is only re-sent while the broker's queue is short, is explained on
:func:`requeue_lost`; the rest of the protocol is in :mod:`articles.processing`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from articles import dispatch
from articles.models import Article, FailureKind, ProcessingStatus
from articles.processing import BATCH_SIZE, send_batches

log = logging.getLogger(__name__)


def requeue_lost(limit: int | None = None) -> int:
    """Queue again, in batches, work that was lost; returns how many articles.

    Stale RUNNING claims (a killed worker) and INFRASTRUCTURE failures due for another
    try come first. Old PENDING requests (a message lost with the broker, or never sent)
    fill the room left under ``limit`` by what already waits in the broker's queue: a
    request still waiting there is not lost, and sending it twice only slows the drain.
    Each update is conditional on the state that was selected, so an article a worker
    claims in the meantime is left alone. Attempt and retry counts are kept, so an
    article that fails every time still ends FAILED rather than looping.
    """
    limit = settings.REQUEUE_LOST_MAX_PER_SWEEP if limit is None else limit
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.PROCESSING_STALE_SECONDS)
    lost_running = Q(processing_status=ProcessingStatus.RUNNING, processing_claimed_at__lt=stale_before)
    due_failure = Q(
        processing_status=ProcessingStatus.FAILED,
        processing_failure_kind=FailureKind.INFRASTRUCTURE,
        processing_retry_at__lte=now,
    )
    lost_pending = Q(processing_status=ProcessingStatus.PENDING) & (
        Q(processing_queued_at__lt=stale_before) | Q(processing_queued_at__isnull=True)
    )
    candidates = list(Article.objects.filter(lost_running | due_failure).values_list("pk", flat=True)[:limit])
    waiting = dispatch.queued_messages()
    room = limit - len(candidates) - (waiting or 0) * BATCH_SIZE
    if room > 0:
        # Oldest request first: what the last sweep sent (and still waits in the queue) comes last.
        oldest_first = F("processing_queued_at").asc(nulls_first=True)
        candidates += (
            Article.objects.filter(lost_pending).order_by(oldest_first).values_list("pk", flat=True)[:room]
        )
    if not candidates:
        return 0
    with transaction.atomic():
        Article.objects.filter(lost_running | due_failure | lost_pending, pk__in=candidates).update(
            processing_status=ProcessingStatus.PENDING,
            processing_claimed_at=None,
            processing_queued_at=now,
            processing_failure_kind=FailureKind.NONE,
            processing_retry_at=None,
        )
        ours = list(
            Article.objects.filter(
                pk__in=candidates, processing_status=ProcessingStatus.PENDING, processing_queued_at=now
            ).values_list("pk", flat=True)
        )
        send_batches(ours)
    if ours:
        log.warning(
            "re-queued %d articles whose processing was lost or failed for a passing reason", len(ours)
        )
    return len(ours)
