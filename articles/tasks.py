"""Celery tasks: thin wrappers that take primary keys and call the domain code.

Failure bookkeeping (FAILED with a reason, PENDING again for passing errors) lives
in ``articles/processing.py``, so the single and the batch task behave alike.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_init
from django.conf import settings
from django.utils import timezone

from articles import dispatch, processing

log = logging.getLogger(__name__)
BATCH_SOFT_TIME_LIMIT = 1800  # a batch of 50 takes seconds; this only stops a runaway


@worker_init.connect
def preload_pipeline(**kwargs) -> None:
    """Load galaxies, warning lists and automata once, in the worker's main process.

    The pool's processes are forked from it afterwards and share those pages, so the
    first task does not pay the load and N processes do not cost N copies up front.
    """
    from django.db import connections

    try:
        processing.current_pipeline()
    except Exception:  # the worker must start even if, say, migrations have not run yet
        log.exception("could not preload the enrichment pipeline; it will load on first use")
    finally:
        connections.close_all()  # never share a database connection across fork


@shared_task(
    bind=True,
    max_retries=processing.MAX_RETRIES,
    acks_late=True,
    soft_time_limit=max(1, settings.ENRICH_TIME_LIMIT_SECONDS * 5 // 6),
    time_limit=settings.ENRICH_TIME_LIMIT_SECONDS,
)
def process_article_task(self, article_id: int) -> str:
    try:
        return processing.process_article(article_id)
    except processing.TransientFailure as exc:
        # The article records its own count; when it is FAILED (for the sweeper's slower
        # schedule) or Celery's retries run out, it stays where the sweeper finds it.
        if exc.retry and self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=min(300, 2 ** (self.request.retries + 1))) from exc
        raise


@shared_task(acks_late=True, soft_time_limit=BATCH_SOFT_TIME_LIMIT, time_limit=BATCH_SOFT_TIME_LIMIT + 60)
def process_batch_task(article_ids: list[int]) -> dict[str, int]:
    """Process several articles in one message; each is claimed and committed on its own,
    so a worker killed mid-batch loses at most the article it was on (and the sweeper
    re-queues that one). A passing error leaves its article PENDING for the sweeper."""
    return processing.process_batch(article_ids)


@shared_task
def requeue_lost_task() -> int:
    from articles.sweeper import requeue_lost

    return requeue_lost()


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def poll_source_task(source_id: int, force: bool = False) -> str:
    from articles.ingest.collector import poll

    report = poll(source_id, force=force)
    return report.line()


@shared_task
def poll_due_sources_task() -> int:
    """Beat, every minute: queue one poll per due source that is not already queued.

    ``poll_queued_at`` stops a busy queue from filling with copies of the same poll; a
    queued poll that never ran (lost message) is queued again after the claim timeout.
    """
    from articles.models import Source

    now = timezone.now()
    ids = list(Source.objects.queueable(now).values_list("pk", flat=True))
    if ids:
        Source.objects.queueable(now).filter(pk__in=ids).update(poll_queued_at=now)
    # A broker outage is reported once; the polls marked queued are queued again after
    # POLL_CLAIM_STALE_SECONDS, like any lost message.
    dispatch.send(poll_source_task, [(source_id,) for source_id in ids])
    return len(ids)
