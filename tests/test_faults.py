"""Faults during a real run lose nothing and duplicate nothing.

Real workers on a Redis of the test's own and on the PostgreSQL test database. While
they work through the articles, one worker is SIGKILLed mid-batch, Redis is killed and
restarted empty (every queued message is gone), and every database connection is
terminated with ``pg_terminate_backend``. With short recovery settings every article
must end DONE, with exactly the findings a clean run in this process gives them.
"""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from articles import processing
from articles.models import Article, ArticleTag, Entity, Indicator, Mention, ProcessingStatus, Sighting
from tests.conftest import require_service
from tests.db_faults import require_postgresql, terminate_everyone_else
from tests.factories import ArticleFactory
from tests.worker import RedisServer, Worker, broker, redis_server_available, wait_for

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

TOTAL = 80
# Recovery in seconds, not minutes; the visibility timeout stays long, so what comes back
# comes back through the sweeper (stale claims, unvouched requests), not by redelivery.
FAST_RECOVERY = {
    "PROCESSING_STALE_SECONDS": "3",
    "REQUEUE_LOST_EVERY_SECONDS": "1",
    "BROKER_VISIBILITY_TIMEOUT": "3600",
}
ARTICLE_FIELDS = (
    "processing_status",
    "processing_versions",
    "word_count",
    "reading_minutes",
    "language",
    "category",
    "intel_level",
    "priority",
    "assessment",
    "classification_reasons",
    "auto_summary",
    "keywords",
)


def report(n: int) -> str:
    paragraph = (
        f"APT28, also known as Fancy Bear, exploited CVE-2023-{23000 + n} against Ukrainian energy firms. "
        f"The implant beaconed to hxxp://update-{n}-check[.]info/api and 185.220.101[.]{n % 250}, dropped "
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 and ran PowerShell (T1059.001). "
    )
    return "\n\n".join([paragraph] * 20)


def findings(article_ids: list[int]) -> dict[int, dict]:
    """Everything processing wrote, per article, without row ids (new on every run)."""

    def rows(model, pk: int, ignore: tuple[str, ...] = ("id",)) -> list:
        values = model.objects.filter(article_id=pk).values()
        return sorted(tuple(sorted((k, v) for k, v in row.items() if k not in ignore)) for row in values)

    return {
        pk: {
            "article": Article.objects.filter(pk=pk).values(*ARTICLE_FIELDS).get(),
            "mentions": rows(Mention, pk),
            "sightings": rows(Sighting, pk),
            "tags": rows(ArticleTag, pk, ignore=("id", "created_at")),
        }
        for pk in article_ids
    }


def test_killed_workers_a_wiped_broker_and_terminated_connections_lose_and_duplicate_nothing(tmp_path):
    require_postgresql()
    require_service("redis-server", redis_server_available())
    ids = [
        ArticleFactory(title=f"Report {n}", body_text=report(n), processing_status="done").pk
        for n in range(TOTAL)
    ]
    redis_server = RedisServer(tmp_path).start()
    env = {**FAST_RECOVERY, "REDIS_URL": redis_server.url}
    doomed = Worker(tmp_path / "doomed.log", extra_env=env).start()
    steady = Worker(tmp_path / "steady.log", extra_env=env, beat=True).start()
    workers = [doomed, steady]
    done = Article.objects.filter(processing_status=ProcessingStatus.DONE)
    try:
        with broker(redis_server.url):
            with transaction.atomic():
                processing.enqueue_batches(ids, batch_size=5)
            wait_for(lambda: done.count() >= 10, timeout=60, what="the first articles", worker=doomed)
            faults_at = time.monotonic()
            doomed.kill()  # SIGKILL, mid-batch: a RUNNING claim and unacknowledged messages
            redis_server.kill()
            redis_server.start()  # back, and empty: every queued message is lost
            terminated = terminate_everyone_else()
            done_at_faults = done.count()
            assert done_at_faults < TOTAL, "everything was done before the faults; make the run longer"
            workers.append(Worker(tmp_path / "replacement.log", extra_env=env).start())

            def all_done_cutting_connections_until_one_is_cut() -> bool:
                # Idle workers hold no connection (the broker was just wiped), so keep cutting
                # connections until one a worker was using has been cut.
                nonlocal terminated
                if not terminated:
                    terminated = terminate_everyone_else()
                return done.count() == TOTAL

            wait_for(
                all_done_cutting_connections_until_one_is_cut,
                timeout=60,
                what="every article to be DONE",
                worker=steady,
            )
            recovered_in = time.monotonic() - faults_at
    finally:
        for worker in workers:
            worker.stop()
        redis_server.kill()
    assert terminated >= 1  # the steady worker's connection, at least

    after_faults = findings(ids)
    entities, indicators = Entity.objects.count(), Indicator.objects.count()
    # The clean run: the same articles processed again from scratch, here, with no faults.
    processing.mark_pending(ids)
    assert {processing.process_article(pk) for pk in ids} == {"done"}
    assert findings(ids) == after_faults
    assert (Entity.objects.count(), Indicator.objects.count()) == (entities, indicators)
    print(f"{TOTAL - done_at_faults} articles left at the faults were done {recovered_in:.1f} s later")
