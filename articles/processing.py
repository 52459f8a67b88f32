"""Asynchronous processing of one article: claim it, compute, record the outcome.

The protocol, in the order things happen (the Celery tasks in ``articles/tasks.py``
are thin wrappers around :func:`process_article` and :func:`process_batch`):

1. **Request.** :func:`enqueue` and :func:`enqueue_batches` mark the article PENDING
   with ``processing_queued_at`` *before* a message is sent (after the commit, through
   :mod:`articles.dispatch`); a poll's new articles are inserted already in that state
   (:func:`pending_state`) and queued in batch messages by :func:`enqueue_inserted`. A
   message lost, or never sent because the broker was down, therefore leaves a visible
   request behind.
2. **Claim.** A conditional UPDATE takes a PENDING article, or a RUNNING one whose claim
   is older than ``PROCESSING_STALE_SECONDS``, to RUNNING with ``processing_claimed_at``
   and one more ``processing_attempts``: two workers never process it at once. A passing
   database error during the claim is retried on a fresh connection.
3. **Work, then one write.** The pipeline runs outside any transaction; the result is
   stored in one transaction that first re-checks the claim (:func:`_owned`). Every write
   after the claim is conditional on it, so a stale run never overwrites a newer one.
4. **Outcome.** DONE; or, for a passing database error (:data:`TRANSIENT_ERRORS`), the
   connection is replaced and the article goes back to PENDING. That run did not kill
   its worker, so its attempt is given back, but ``processing_retries`` counts it: after
   ``MAX_RETRIES`` of them in a row it is FAILED with kind INFRASTRUCTURE and a
   ``processing_retry_at``. Anything else is FAILED with kind PERMANENT and its reason.
   A release that meets a dead connection is retried on a fresh one.
5. **Worker death.** A killed worker leaves RUNNING behind; once the claim is stale it
   can be taken again, counting an attempt. After ``MAX_ATTEMPTS`` deaths the article is
   FAILED, PERMANENT: it is the article that kills its worker (memory, hard time limit).
6. **Sweeper.** :func:`articles.sweeper.requeue_lost` (beat, every
   ``REQUEUE_LOST_EVERY_SECONDS``) queues again, in batches: stale RUNNING claims;
   PENDING requests nobody has vouched for within the stale window (only while the
   broker's queue is short, so a deep backlog is not sent twice); and INFRASTRUCTURE
   failures whose retry time has come, ``MAX_REVIVALS`` times at most with a doubling
   backoff. A batch task vouches for the articles it still holds by refreshing their
   ``processing_queued_at`` as it goes, so they do not look lost.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import TypeVar

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import F, Q
from django.utils import timezone

from articles import dispatch
from articles.enrichment.pipeline import Pipeline, get_pipeline
from articles.findings import document_for, store_result
from articles.models import Article, FailureKind, ProcessingStatus, WatchEntity

log = logging.getLogger(__name__)
T = TypeVar("T")

WORDS_PER_MINUTE = 230
STATS_VERSION = "stats-1"
# Claims that ended with the worker gone (killed, out of memory, over the hard limit).
MAX_ATTEMPTS = 5
# Passing errors in a row before an article is FAILED (INFRASTRUCTURE) and left to the
# sweeper's slower schedule; it revives such an article MAX_REVIVALS times, waiting
# REVIVAL_BACKOFF_SECONDS × 2^(n-1) before the n-th.
MAX_RETRIES = 5
MAX_REVIVALS = 5
REVIVAL_BACKOFF_SECONDS = 120
# Tries of a claim or a release on a fresh connection before giving the error back.
DB_TRIES = 3
BATCH_SIZE = 50
# SQLite allows 32,766 parameters per statement and psycopg 65,535: bulk updates go in chunks.
CHUNK = 5000
# Errors worth retrying: the database went away or is busy. Integrity and data errors are
# bugs or bad data, and retrying them only delays the FAILED status people need to see.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


class TransientFailure(Exception):
    """Processing hit a passing error; the article is PENDING again unless ``retry`` is False."""

    def __init__(self, message: str, *, retries: int = 0, retry: bool = True) -> None:
        super().__init__(message)
        self.retries = retries
        self.retry = retry


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for offset in range(0, len(ids), CHUNK):
        yield ids[offset : offset + CHUNK]


def pending_state(now: datetime) -> dict[str, object]:
    """The fields that request processing (step 1): what :func:`mark_pending` writes, and
    what a bulk insert of new articles sets on its rows so they need no UPDATE after it."""
    return {
        "processing_status": ProcessingStatus.PENDING,
        "processing_error": "",
        "processing_claimed_at": None,
        "processing_queued_at": now,
        "processing_attempts": 0,
        "processing_retries": 0,
        "processing_failure_kind": FailureKind.NONE,
        "processing_retry_at": None,
    }


def mark_pending(article_ids: Iterable[int]) -> None:
    """Record that work is requested, *before* dispatch (a lost message is then visible)."""
    state = pending_state(timezone.now())
    for chunk in _chunks(list(article_ids)):
        Article.objects.filter(pk__in=chunk).update(**state)


def enqueue(article_ids: Iterable[int]) -> None:
    """Mark articles pending and queue one task each once the current transaction commits."""
    from articles.tasks import process_article_task

    ids = list(article_ids)
    if ids:
        mark_pending(ids)
        dispatch.send_on_commit(process_article_task, [(pk,) for pk in ids])


def enqueue_batches(article_ids: Iterable[int], batch_size: int = BATCH_SIZE) -> int:
    """Like :func:`enqueue`, for bulk work: one message per ``batch_size`` articles."""
    ids = list(article_ids)
    mark_pending(ids)
    send_batches(ids, batch_size)
    return len(ids)


def enqueue_inserted(article_ids: Iterable[int], batch_size: int = BATCH_SIZE) -> None:
    """Queue articles inserted already requested (their rows written with
    :func:`pending_state`, in the same transaction): one message per ``batch_size``
    articles once it commits. A poll's new articles come this way — one message, not one
    per article — and a message that is lost leaves them PENDING for the sweeper."""
    send_batches(list(article_ids), batch_size)


def send_batches(ids: list[int], batch_size: int = BATCH_SIZE) -> None:
    from articles.tasks import process_batch_task

    batches = [ids[offset : offset + batch_size] for offset in range(0, len(ids), batch_size)]
    dispatch.send_on_commit(process_batch_task, [(batch,) for batch in batches])


def _fresh_connection() -> None:
    """Drop this thread's database connection, so the next query opens a new one.

    Not inside a transaction a caller opened (a test, an eager task inside a request):
    that block owns the connection and sees the error itself.
    """
    if connection.in_atomic_block:
        return
    with contextlib.suppress(DatabaseError):
        connection.close()


def _on_fresh_connections(step: Callable[[], T], what: str) -> T:
    """Run ``step``; after a passing database error, again on a new connection."""
    for attempt in range(1, DB_TRIES + 1):
        try:
            return step()
        except TRANSIENT_ERRORS as exc:
            _fresh_connection()
            if attempt == DB_TRIES or connection.in_atomic_block:
                raise
            log.warning("%s: %s; trying again on a new connection", what, exc)
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


def claim(article_id: int) -> Article | None:
    """Take the article for processing; None when another worker has it or it is done.

    Raises :class:`TransientFailure` when the database stays unreachable (nothing changed).
    """
    now = timezone.now()  # one time for every try: it is how a try recognises its own claim
    try:
        return _on_fresh_connections(lambda: _claim_once(article_id, now), f"claiming article {article_id}")
    except TRANSIENT_ERRORS as exc:
        raise TransientFailure(f"could not claim article {article_id}: {exc}") from exc


def _claim_once(article_id: int, now: datetime) -> Article | None:
    stale_before = now - timedelta(seconds=settings.PROCESSING_STALE_SECONDS)
    claimable = Q(processing_status=ProcessingStatus.PENDING) | Q(
        processing_status=ProcessingStatus.RUNNING, processing_claimed_at__lt=stale_before
    )
    rows = Article.objects.filter(pk=article_id).filter(claimable)
    given_up = rows.filter(processing_attempts__gte=MAX_ATTEMPTS).update(
        processing_status=ProcessingStatus.FAILED,
        processing_claimed_at=None,
        processing_failure_kind=FailureKind.PERMANENT,
        processing_error=f"gave up after {MAX_ATTEMPTS} attempts: the worker stopped each time "
        "(out of memory or over the hard time limit?)",
    )
    if given_up:
        return None
    rows.update(
        processing_status=ProcessingStatus.RUNNING,
        processing_claimed_at=now,
        processing_attempts=F("processing_attempts") + 1,
    )
    # Also finds a claim an earlier try made just before its connection died.
    return Article.objects.filter(
        pk=article_id, processing_status=ProcessingStatus.RUNNING, processing_claimed_at=now
    ).first()


def process_article(article_id: int) -> str:
    """Process one article; returns what happened ("done", "skipped", "changed").

    Raises :class:`TransientFailure` for passing errors (the article is PENDING again, or
    FAILED for the sweeper after ``MAX_RETRIES``), and re-raises anything else after
    recording it on the article as FAILED.
    """
    article = claim(article_id)
    if article is None:
        log.info("article %s: not claimable (done, failed, or another worker has it)", article_id)
        return "skipped"
    try:
        return _process_claimed(article)
    except TRANSIENT_ERRORS as exc:
        _fresh_connection()
        retry = _release_transient(article, exc)
        raise TransientFailure(str(exc), retries=article.processing_retries + 1, retry=retry) from exc
    except SoftTimeLimitExceeded:
        _release(article, ProcessingStatus.FAILED, "took longer than the time limit", FailureKind.PERMANENT)
        raise
    except Exception as exc:
        _release(article, ProcessingStatus.FAILED, f"{type(exc).__name__}: {exc}", FailureKind.PERMANENT)
        raise


def process_batch(article_ids: list[int]) -> dict[str, int]:
    """Process several articles, each claimed and committed on its own; counts per outcome.

    A dead database connection costs one article a retry, not the rest of the batch: the
    connection is checked (and replaced) between articles. The articles still to come are
    vouched for (``processing_queued_at``) so the sweeper does not queue them twice.
    """
    outcomes: dict[str, int] = {}
    vouched_at = -math.inf
    for index, article_id in enumerate(article_ids):
        if not connection.in_atomic_block:  # else the caller's transaction owns the connection
            close_old_connections()
        if time.monotonic() - vouched_at > settings.PROCESSING_STALE_SECONDS / 3:
            _vouch_for(article_ids[index:])
            vouched_at = time.monotonic()
        try:
            outcome = process_article(article_id)
        except SoftTimeLimitExceeded:
            raise
        except TransientFailure as exc:
            log.warning("article %s: %s (left for a retry)", article_id, exc)
            outcome = "retry-later"
        except Exception:  # recorded on the article as FAILED; the batch goes on
            log.exception("article %s failed", article_id)
            outcome = "failed"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def _vouch_for(article_ids: list[int]) -> None:
    """Tell the sweeper these PENDING articles are in a live worker's hands, not lost."""
    try:
        Article.objects.filter(pk__in=article_ids, processing_status=ProcessingStatus.PENDING).update(
            processing_queued_at=timezone.now()
        )
    except TRANSIENT_ERRORS:
        _fresh_connection()  # only advice for the sweeper; the claim that follows will retry


def _process_claimed(article: Article) -> str:
    stats = compute_stats(article)
    # The slow part runs outside any transaction: no lock is held while it computes.
    result = current_pipeline().run(document_for(article))  # every section, see findings.py
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
            processing_retries=0,
            processing_failure_kind=FailureKind.NONE,
            processing_retry_at=None,
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


def _release(article: Article, status: str, reason: str, kind: str = FailureKind.NONE, **fields) -> None:
    """Record the outcome of a failed run, unless a newer run has taken the article since.

    Retried on a fresh connection; if the database stays away the article stays RUNNING
    and the sweeper takes it back once the claim is stale.
    """

    def write() -> None:
        _owned(article).update(
            processing_status=status,
            processing_error=reason[:2000],
            processing_claimed_at=None,
            processing_failure_kind=kind,
            **fields,
        )

    try:
        _on_fresh_connections(write, f"releasing article {article.pk}")
    except TRANSIENT_ERRORS as exc:
        log.error("article %s stays RUNNING until its claim is stale: %s", article.pk, exc)


def _release_transient(article: Article, exc: Exception) -> bool:
    """PENDING again, the attempt given back; FAILED (INFRASTRUCTURE) after MAX_RETRIES.

    Returns whether an immediate retry makes sense.
    """
    retries = article.processing_retries + 1
    attempt_given_back = {"processing_attempts": F("processing_attempts") - 1, "processing_retries": retries}
    if retries % MAX_RETRIES:
        # Celery's retry re-sends it within seconds; a fresh queued time keeps the sweeper
        # from sending it a second time meanwhile.
        _release(
            article,
            ProcessingStatus.PENDING,
            f"transient error, will retry: {exc}",
            processing_queued_at=timezone.now(),
            **attempt_given_back,
        )
        return True
    revivals_left = MAX_REVIVALS - (retries // MAX_RETRIES - 1)
    if revivals_left > 0:
        wait = REVIVAL_BACKOFF_SECONDS * 2 ** (retries // MAX_RETRIES - 1)
        reason = f"{retries} passing errors, the last: {exc}. The sweeper tries again in {wait} s."
        retry_at = timezone.now() + timedelta(seconds=wait)
    else:
        reason = (
            f"gave up after {retries} passing errors, the last: {exc}. "
            "Run `manage.py enrich --stale` once the database is healthy."
        )
        retry_at = None
    _release(
        article,
        ProcessingStatus.FAILED,
        reason,
        FailureKind.INFRASTRUCTURE,
        processing_retry_at=retry_at,
        **attempt_given_back,
    )
    return False


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


__all__ = [
    "MAX_ATTEMPTS",
    "MAX_RETRIES",
    "TransientFailure",
    "claim",
    "enqueue",
    "enqueue_batches",
    "enqueue_inserted",
    "mark_pending",
    "pending_state",
    "process_article",
    "process_batch",
]
