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
    assert article.processing_versions == {"stats": "stats-1"}
    assert "process_article_task" in redis_worker.log()
