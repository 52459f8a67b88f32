"""Celery tasks: thin wrappers that take primary keys and call the domain code."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_init
from django.db import DatabaseError, InterfaceError

from articles import processing

TRANSIENT_ERRORS = (DatabaseError, InterfaceError, ConnectionError, TimeoutError)
log = logging.getLogger(__name__)


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


@shared_task(bind=True, max_retries=5, acks_late=True)
def process_article_task(self, article_id: int) -> str:
    try:
        return processing.process_article(article_id)
    except SoftTimeLimitExceeded:
        processing.record_failure(article_id, "took longer than the time limit", will_retry=False)
        raise
    except TRANSIENT_ERRORS as exc:
        will_retry = self.request.retries < self.max_retries
        processing.record_failure(article_id, f"transient error: {exc}", will_retry=will_retry)
        if will_retry:
            raise self.retry(exc=exc, countdown=min(300, 2 ** (self.request.retries + 1))) from exc
        raise
    except Exception as exc:
        # A bug or bad data: record it on the article for people to see, and do not retry.
        processing.record_failure(article_id, f"{type(exc).__name__}: {exc}", will_retry=False)
        raise


@shared_task
def requeue_lost_task() -> int:
    return processing.requeue_lost()


@shared_task(acks_late=True)
def process_batch_task(article_ids: list[int]) -> dict[str, int]:
    """Process several articles in one message; each is claimed and committed on its own,
    so a worker killed mid-batch loses at most the article it was on (and the sweeper
    re-queues that one)."""
    outcomes: dict[str, int] = {}
    for article_id in article_ids:
        try:
            outcome = processing.process_article(article_id)
        except Exception as exc:  # one bad article must not stop the batch
            processing.record_failure(article_id, f"{type(exc).__name__}: {exc}", will_retry=False)
            outcome = "failed"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def poll_source_task(source_id: int, force: bool = False) -> str:
    from articles.ingest.collector import poll

    report = poll(source_id, force=force)
    return report.line()


@shared_task
def poll_due_sources_task() -> int:
    """Beat, every minute: queue one poll per due source (the claim stops double polls)."""
    from articles.ingest.collector import due_sources

    ids = list(due_sources().filter(polling_started_at__isnull=True).values_list("pk", flat=True))
    for source_id in ids:
        poll_source_task.delay(source_id)
    return len(ids)
