"""The sweeper: what comes back (and when), and what is not sent twice."""

from __future__ import annotations

import datetime as dt

import pytest
import redis
from django.utils import timezone

from articles import processing
from articles.models import Article, FailureKind, ProcessingStatus
from articles.sweeper import requeue_lost
from tests.conftest import require_service
from tests.db_faults import CLAIM
from tests.factories import ArticleFactory
from tests.worker import own_broker, redis_server_available

FIVE_MINUTES_AGO = dt.timedelta(minutes=5)


def failed(kind: str, retry_in: dt.timedelta | None) -> Article:
    return ArticleFactory(
        processing_status=ProcessingStatus.FAILED,
        processing_failure_kind=kind,
        processing_retry_at=timezone.now() + retry_in if retry_in is not None else None,
        processing_error="5 passing errors, the last: server closed the connection",
    )


@pytest.mark.django_db
def test_an_infrastructure_failure_comes_back_once_its_retry_time_has_come():
    article = failed(FailureKind.INFRASTRUCTURE, retry_in=dt.timedelta(minutes=2))
    assert requeue_lost() == 0
    Article.objects.filter(pk=article.pk).update(processing_retry_at=timezone.now() - dt.timedelta(seconds=1))
    assert requeue_lost() == 1
    article.refresh_from_db()
    assert article.processing_status == ProcessingStatus.PENDING
    assert article.processing_failure_kind == FailureKind.NONE and article.processing_retry_at is None


@pytest.mark.django_db
def test_a_permanent_failure_and_one_out_of_revivals_wait_for_a_person():
    failed(FailureKind.PERMANENT, retry_in=-dt.timedelta(minutes=1))
    failed(FailureKind.INFRASTRUCTURE, retry_in=None)
    assert requeue_lost() == 0


@pytest.mark.django_db
def test_a_batch_vouches_for_the_articles_it_still_holds(settings):
    """Its later articles are not stale while it works through the first ones."""
    from django.db import connection

    settings.PROCESSING_STALE_SECONDS = 60
    articles = [ArticleFactory(body_text="Emotet is back.", processing_status="done") for _ in range(3)]
    processing.mark_pending([a.pk for a in articles])
    Article.objects.update(processing_queued_at=timezone.now() - FIVE_MINUTES_AGO)
    claims: list[str] = []
    swept: list[int] = []

    def sweep_before_the_second_claim(execute, sql, params, many, context):
        if CLAIM.search(sql):
            claims.append(sql)
            if len(claims) == 2:
                swept.append(requeue_lost())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(sweep_before_the_second_claim):
        assert processing.process_batch([a.pk for a in articles]) == {"done": 3}
    assert swept == [0]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_requests_still_waiting_in_the_queue_are_not_sent_again_until_it_drains(tmp_path, settings):
    require_service("redis-server", redis_server_available())
    settings.PROCESSING_STALE_SECONDS = 60
    articles = [ArticleFactory(processing_status="done") for _ in range(100)]
    with own_broker(tmp_path) as server:
        processing.enqueue_batches([a.pk for a in articles])  # two messages; no worker takes them
        Article.objects.update(processing_queued_at=timezone.now() - FIVE_MINUTES_AGO)
        assert requeue_lost(limit=100) == 0  # old, but they are all still in the queue

        redis.Redis.from_url(server.url).flushall()  # the broker lost its data
        assert requeue_lost(limit=60) == 60
        assert requeue_lost(limit=60) == 0  # those 60 now wait in the queue
        queued = redis.Redis.from_url(server.url).llen("celery")
    assert queued == 2  # in batches: 50 + 10
