"""A database connection that dies under processing costs a retry, never an article.

Each test terminates this process's real PostgreSQL connection (``pg_terminate_backend``)
right before one statement of the processing code; see ``tests/db_faults.py``.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from articles import processing
from articles.models import Article, FailureKind, ProcessingStatus
from articles.sweeper import requeue_lost
from tests.conftest import require_service
from tests.db_faults import CLAIM, WATCH_LIST, connection_terminated_before, require_postgresql
from tests.factories import ArticleFactory
from tests.worker import own_broker, redis_server_available

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TEXT = "APT28 exploited CVE-2023-23397 and beaconed to 185.220.101[.]47 from Ukraine."


@pytest.fixture(autouse=True)
def postgresql_and_a_quiet_broker(tmp_path):
    """PostgreSQL, and messages sent to a Redis of our own instead of running eagerly."""
    require_postgresql()
    require_service("redis-server", redis_server_available())
    with own_broker(tmp_path):
        yield


def pending(n: int = 1) -> list[Article]:
    articles = [ArticleFactory(body_text=f"{TEXT} Case {i}.", processing_status="done") for i in range(n)]
    processing.mark_pending([a.pk for a in articles])
    return articles


def status(article: Article) -> str:
    article.refresh_from_db()
    return article.processing_status


def test_a_claim_whose_connection_was_terminated_is_retried_on_a_new_one():
    (article,) = pending()
    with connection_terminated_before(CLAIM) as killed:
        claimed = processing.claim(article.pk)
    assert killed, "the fault was not injected"
    assert claimed is not None and status(article) == ProcessingStatus.RUNNING
    assert claimed.processing_attempts == 1


def test_a_connection_terminated_mid_batch_costs_the_rest_of_the_batch_nothing():
    articles = pending(3)
    with connection_terminated_before(CLAIM, skip=1) as killed:
        outcomes = processing.process_batch([a.pk for a in articles])
    assert killed
    assert outcomes == {"done": 3}
    assert [status(a) for a in articles] == [ProcessingStatus.DONE] * 3


def test_a_run_whose_connection_dies_goes_back_to_pending_not_running():
    (article,) = pending()
    with connection_terminated_before(WATCH_LIST), pytest.raises(processing.TransientFailure):
        processing.process_article(article.pk)
    article.refresh_from_db()
    assert article.processing_status == ProcessingStatus.PENDING
    assert "will retry" in article.processing_error
    # The worker did not die, so the run does not count towards the attempt cap.
    assert (article.processing_attempts, article.processing_retries) == (0, 1)
    assert processing.process_article(article.pk) == "done"


def test_five_passing_errors_in_a_row_end_failed_for_infrastructure_not_as_a_dying_worker():
    (article,) = pending()
    with connection_terminated_before(WATCH_LIST, times=processing.MAX_RETRIES + 1):
        for _ in range(processing.MAX_RETRIES):
            with pytest.raises(processing.TransientFailure):
                processing.process_article(article.pk)
        assert processing.process_article(article.pk) == "skipped"
    article.refresh_from_db()
    assert article.processing_status == ProcessingStatus.FAILED
    assert article.processing_failure_kind == FailureKind.INFRASTRUCTURE
    assert "worker stopped" not in article.processing_error
    assert "5 passing errors" in article.processing_error
    assert article.processing_retry_at is not None


def test_an_article_the_database_keeps_failing_is_revived_a_bounded_number_of_times():
    (article,) = pending()
    revivals = 0
    with connection_terminated_before(WATCH_LIST, times=1000):
        while True:
            for _ in range(processing.MAX_RETRIES):
                with pytest.raises(processing.TransientFailure):
                    processing.process_article(article.pk)
            article.refresh_from_db()
            assert article.processing_status == ProcessingStatus.FAILED
            if article.processing_retry_at is None:
                break
            Article.objects.filter(pk=article.pk).update(processing_retry_at=timezone.now())
            assert requeue_lost() == 1
            revivals += 1
    assert revivals == processing.MAX_REVIVALS
    assert "enrich --stale" in article.processing_error
    assert requeue_lost() == 0
