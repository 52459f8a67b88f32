"""`manage.py enrich`: queue articles by ID, all, or stale ones."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from articles.enrichment.pipeline import current_versions
from articles.models import Article, ProcessingStatus
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def run(*args, capture):
    with capture(execute=True):
        call_command("enrich", *map(str, args))


def test_ids_are_enriched(django_capture_on_commit_callbacks):
    article = ArticleFactory(body_text="Emotet is back.", processing_status="pending")
    run(article.pk, capture=django_capture_on_commit_callbacks)
    article.refresh_from_db()
    assert article.processing_status == ProcessingStatus.DONE
    assert article.processing_versions["entities"] == current_versions()["entities"]


def test_stale_picks_failed_pending_and_old_versions_only(django_capture_on_commit_callbacks, capsys):
    fresh = ArticleFactory(processing_status="done", processing_versions=current_versions())
    old = ArticleFactory(
        processing_status="done", processing_versions={**current_versions(), "entities": "0.1"}
    )
    failed = ArticleFactory(processing_status="failed")
    run("--stale", capture=django_capture_on_commit_callbacks)
    assert "queued 2 article(s)" in capsys.readouterr().out
    fresh.refresh_from_db()
    assert fresh.processed_at is None  # not touched
    for article in (old, failed):
        article.refresh_from_db()
        assert article.processing_status == ProcessingStatus.DONE and article.processed_at


def test_all_queues_everything(django_capture_on_commit_callbacks, capsys):
    ArticleFactory.create_batch(3)
    run("--all", capture=django_capture_on_commit_callbacks)
    assert "queued 3 article(s)" in capsys.readouterr().out
    assert set(Article.objects.values_list("processing_status", flat=True)) == {"done"}


@pytest.mark.parametrize("args", [(), ("--all", "--stale"), ("1", "--all")])
def test_exactly_one_selection_is_required(args):
    with pytest.raises(CommandError, match="exactly one"):
        call_command("enrich", *args)


def test_unknown_ids_are_named():
    with pytest.raises(CommandError, match="no article with ID 424242"):
        call_command("enrich", "424242")
