"""The asynchronous path with a real Celery worker process and a real Redis broker."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from articles.models import Article, ProcessingStatus
from tests.conftest import require_service
from tests.worker import Worker, broker, flush_redis, redis_reachable, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_worker(tmp_path):
    require_service("Redis", redis_reachable())
    flush_redis()
    worker = Worker(tmp_path / "worker.log").start()
    with broker():
        yield worker
    worker.stop()


def test_loaded_seed_is_processed_by_a_real_worker_through_redis(redis_worker):
    call_command("load_seeds")
    article = Article.objects.get()
    assert article.processing_status == ProcessingStatus.PENDING  # written before dispatch

    def processed():
        article.refresh_from_db()
        return article.processing_status == ProcessingStatus.DONE

    wait_for(processed, timeout=60, what="the worker to process the seed article", worker=redis_worker)
    assert article.word_count > 100
    assert article.reading_minutes == 1
    assert article.language == "en"
    from articles.enrichment.pipeline import current_versions
    from articles.models import Mention

    assert article.processing_versions == {"stats": "stats-1", **current_versions()}
    assert {("vendor", "Microsoft"), ("country", "Japan")} == set(
        Mention.objects.filter(article=article).values_list("entity__kind", "entity__name")
    )
    assert article.intel_level == "strategic"
    assert "process_article_task" in redis_worker.log()


REPORT = (
    "APT28, also known as Fancy Bear, exploited CVE-2023-23397 against Ukrainian energy firms. "
    "The implant beaconed to hxxp://update-check[.]info/api and 185.220.101[.]47, dropped "
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 and ran PowerShell (T1059.001). "
)


def test_a_worker_killed_mid_batch_and_restarted_leaves_every_article_enriched_once(tmp_path):
    """SIGKILL a worker while it works through batches; a fresh worker finishes the job.

    The killed worker's unacknowledged messages come back after the (shortened)
    visibility timeout; articles it finished are skipped because their claim is
    no longer open, and the one it was on — left RUNNING — is found by the beat
    sweeper (requeue_lost) once its claim is stale, and queued again.
    """
    from articles import processing
    from articles.enrichment.pipeline import get_pipeline
    from articles.enrichment.types import Document
    from articles.models import Mention, Sighting
    from tests.factories import ArticleFactory

    require_service("Redis", redis_reachable())
    flush_redis()
    total = 60
    articles = [
        ArticleFactory(
            title=f"Report {n}", body_text=(REPORT * 25) + f" Case {n}.", processing_status="pending"
        )
        for n in range(total)
    ]
    fast_recovery = {
        "BROKER_VISIBILITY_TIMEOUT": "4",
        "PROCESSING_STALE_SECONDS": "3",
        "REQUEUE_LOST_EVERY_SECONDS": "2",
    }
    first = Worker(tmp_path / "first.log", extra_env=fast_recovery).start()
    done = Article.objects.filter(processing_status=ProcessingStatus.DONE)
    with broker():
        from django.db import transaction

        with transaction.atomic():
            processing.enqueue_batches([a.pk for a in articles], batch_size=10)
        wait_for(
            lambda: done.count() >= 3, timeout=90, what="the first articles to be enriched", worker=first
        )
        first.kill()
        finished_before_kill = done.count()
        assert finished_before_kill < total, "the worker finished everything before it could be killed"

        second = Worker(tmp_path / "second.log", extra_env=fast_recovery, beat=True).start()
        try:
            wait_for(
                lambda: done.count() == total, timeout=90, what="every article to be enriched", worker=second
            )
        finally:
            second.stop()

    expected = get_pipeline().run(Document(text=articles[0].body_text, title=articles[0].title))
    for article in articles:
        assert Mention.objects.filter(article=article).count() == len(
            {(f.kind, f.name, f.start, f.end) for f in expected.entities}
        )
        assert Sighting.objects.filter(article=article).count() == len(
            {(f.type, f.value, f.start, f.end) for f in expected.indicators}
        )
