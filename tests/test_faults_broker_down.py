"""Queueing with the broker down: said once and plainly, fast, and nothing is lost.

The articles are PENDING with their request time before any message is sent, so the
sweeper sends them once the broker is back; the commands only have to say so.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

import pytest
import redis
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from articles import dispatch
from articles.models import Article, ProcessingStatus
from articles.sweeper import requeue_lost
from articles.tasks import process_article_task
from tests.conftest import require_service
from tests.factories import ArticleFactory, SourceFactory
from tests.worker import RedisServer, broker, free_port, redis_server_available

pytestmark = pytest.mark.django_db(transaction=True)

SEED = """Mar 3, 2026 • Ann Author
Report number {n}
Its teaser.
Summary
A summary.
Published Analysis
APT28 exploited CVE-2023-23397 in report {n}.
"""


@pytest.fixture
def broker_down():
    """Tasks go to a Redis address where nothing listens; the outage is forgotten after."""
    port = free_port()
    with broker(f"redis://127.0.0.1:{port}/0"):
        yield port
    dispatch.forget_outage()


def test_enrich_with_the_broker_down_says_so_once_fails_fast_and_exits_1(broker_down, caplog, tmp_path):
    articles = ArticleFactory.create_batch(100, processing_status="done")
    started = time.monotonic()
    with pytest.raises(CommandError) as failure:
        call_command("enrich", "--all", "--batch-size", "1")  # 100 messages
    elapsed = time.monotonic() - started

    assert failure.value.returncode == 1
    assert "broker is unreachable" in str(failure.value)
    assert "100 article(s) are marked pending" in str(failure.value)
    assert elapsed < 5, f"took {elapsed:.1f} s: one connection attempt per message?"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], "said more than once"
    assert set(Article.objects.values_list("processing_status", flat=True)) == {ProcessingStatus.PENDING}

    # The broker returns; the sweeper (another process, with no memory of the outage)
    # sends the requests once they are older than the stale window.
    require_service("redis-server", redis_server_available())
    server = RedisServer(tmp_path, port=broker_down).start()
    try:
        dispatch.forget_outage()
        Article.objects.update(processing_queued_at=timezone.now() - dt.timedelta(minutes=5))
        assert requeue_lost() == len(articles)
        assert redis.Redis.from_url(server.url).llen("celery") == 2  # in batches of 50
    finally:
        server.kill()


def test_load_seeds_with_the_broker_down_loads_everything_and_says_enrichment_waits(
    broker_down, tmp_path, capsys, caplog
):
    for n in range(30):
        (tmp_path / f"{n:03}_report.txt").write_text(SEED.format(n=n), encoding="utf-8")
    started = time.monotonic()
    call_command("load_seeds", str(tmp_path))  # no error: the load itself succeeded
    elapsed = time.monotonic() - started

    out, err = capsys.readouterr()
    assert "30 created" in out
    assert err.count("broker is unreachable") == 1 and "enrichment of the loaded articles starts" in err
    assert "Traceback" not in err
    assert elapsed < 10, f"took {elapsed:.1f} s: one connection attempt per article?"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert Article.objects.filter(processing_status=ProcessingStatus.PENDING).count() == 30


def test_poll_now_during_a_broker_outage_says_so_instead_of_queued(broker_down, login, admin_user):
    dispatch.send(process_article_task, [(1,)])  # a send fails: the outage is now known
    source = SourceFactory(name="Wire", url="https://feeds.example/rss.xml")
    response = login(admin_user).post(reverse("articles:sources-poll", args=[source.pk]), follow=True)
    page = response.content.decode()
    assert "the message broker is unreachable" in page
    assert "was queued" not in page
