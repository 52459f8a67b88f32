"""Claims, stale runs and the sweeper: no run overwrites a newer one, nothing loops for ever."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from articles import processing
from articles.models import Article, FailureKind, ProcessingStatus, Source
from articles.sweeper import requeue_lost
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def pending(**kwargs) -> Article:
    article = ArticleFactory(processing_status="done", **kwargs)
    processing.mark_pending([article.pk])
    return article


def test_a_stale_runs_failure_does_not_overwrite_a_newer_claim(settings):
    settings.PROCESSING_STALE_SECONDS = 1
    article = pending()
    first = processing.claim(article.pk)
    Article.objects.filter(pk=article.pk).update(
        processing_claimed_at=timezone.now() - dt.timedelta(seconds=5)
    )
    first.processing_claimed_at = Article.objects.get(pk=article.pk).processing_claimed_at
    second = processing.claim(article.pk)  # the first worker looked dead; a second took over
    assert second is not None
    processing._release(first, ProcessingStatus.FAILED, "old run failed late")
    article.refresh_from_db()
    assert article.processing_status == ProcessingStatus.RUNNING and article.processing_error == ""


def test_an_article_that_kills_its_worker_every_time_ends_failed(settings):
    settings.PROCESSING_STALE_SECONDS = 1
    article = pending()
    for _ in range(processing.MAX_ATTEMPTS):
        assert processing.claim(article.pk) is not None
        # the worker dies: the claim goes stale and the sweeper re-queues it
        Article.objects.filter(pk=article.pk).update(
            processing_claimed_at=timezone.now() - dt.timedelta(seconds=5)
        )
        assert requeue_lost() == 1
    assert processing.claim(article.pk) is None
    article.refresh_from_db()
    assert article.processing_status == ProcessingStatus.FAILED
    assert "gave up after 5 attempts" in article.processing_error
    assert article.processing_failure_kind == FailureKind.PERMANENT  # no automatic retry
    assert requeue_lost() == 0


def test_the_sweeper_leaves_fresh_requests_alone_and_requeues_old_ones(settings):
    settings.PROCESSING_STALE_SECONDS = 60
    fresh = pending()
    old = pending()
    Article.objects.filter(pk=old.pk).update(processing_queued_at=timezone.now() - dt.timedelta(minutes=5))
    assert requeue_lost() == 1
    fresh.refresh_from_db()
    old.refresh_from_db()
    assert old.processing_queued_at > fresh.processing_queued_at


def test_the_sweeper_does_not_touch_an_article_claimed_since_it_looked(settings):
    settings.PROCESSING_STALE_SECONDS = 60
    article = pending()
    Article.objects.filter(pk=article.pk).update(
        processing_queued_at=timezone.now() - dt.timedelta(minutes=5)
    )
    claimed = processing.claim(article.pk)
    assert claimed is not None
    assert requeue_lost() == 0
    assert Article.objects.get(pk=article.pk).processing_status == ProcessingStatus.RUNNING


def test_a_database_error_that_is_not_transient_fails_at_once(monkeypatch):
    from django.db import IntegrityError

    article = pending(body_text="Some text.")

    def broken(*args, **kwargs):
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(processing, "store_result", broken)
    with pytest.raises(IntegrityError):
        processing.process_article(article.pk)
    article.refresh_from_db()
    assert (
        article.processing_status == ProcessingStatus.FAILED and "duplicate key" in article.processing_error
    )


def test_a_transient_error_leaves_the_article_pending_for_a_retry(monkeypatch):
    from django.db import OperationalError

    article = pending(body_text="Some text.")

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(processing, "store_result", busy)
    with pytest.raises(processing.TransientFailure):
        processing.process_article(article.pk)
    article.refresh_from_db()
    assert article.processing_status == ProcessingStatus.PENDING and "will retry" in article.processing_error


def test_bulk_requests_larger_than_one_statement_are_chunked(monkeypatch):
    monkeypatch.setattr(processing, "CHUNK", 2)
    articles = [ArticleFactory(processing_status="done") for _ in range(5)]
    processing.mark_pending([a.pk for a in articles])
    assert set(Article.objects.values_list("processing_status", flat=True)) == {"pending"}


def test_beat_queues_a_due_source_once_while_it_waits(monkeypatch):
    from articles import tasks

    sent = []
    monkeypatch.setattr(tasks.poll_source_task, "apply_async", lambda args, **kw: sent.append(args))
    Source.objects.create(name="due", kind="rss", url="https://feeds.example/x.xml")
    assert tasks.poll_due_sources_task() == 1
    assert tasks.poll_due_sources_task() == 0  # still waiting in the queue: not queued again
    assert len(sent) == 1
