"""Derived hosts and normalization notes are stored with their sightings, and articles
enriched by the previous indicator extractor are re-enriched by `enrich --stale`."""

from __future__ import annotations

import pytest

from articles import processing
from articles.enrichment.pipeline import current_versions
from articles.management.commands.enrich import stale_ids
from articles.models import Sighting
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_urls_host_is_stored_as_a_derived_sighting_and_a_note_is_kept(django_capture_on_commit_callbacks):
    article = ArticleFactory(
        body_text="The loader fetched http://198.51.100.61/x.php and beaconed to 010.001.002.003.",
        processing_status="pending",
    )
    with django_capture_on_commit_callbacks(execute=True):
        processing.enqueue([article.pk])

    rows = {
        (s.indicator.type, s.indicator.value, s.matched, s.derived_from, s.note)
        for s in Sighting.objects.filter(article=article).select_related("indicator")
    }
    assert rows == {
        ("url", "http://198.51.100.61/x.php", "http://198.51.100.61/x.php", "", ""),
        ("ipv4", "198.51.100.61", "198.51.100.61", "http://198.51.100.61/x.php", ""),
        ("ipv4", "10.1.2.3", "010.001.002.003", "", "leading zeros removed; octets read as decimal"),
    }
    # A blocklist of what the author wrote leaves the derived host out.
    written = Sighting.objects.filter(article=article).as_written()
    assert {s.indicator.value for s in written} == {"http://198.51.100.61/x.php", "10.1.2.3"}
    derived = Sighting.objects.filter(article=article).derived()
    assert [s.indicator.value for s in derived] == ["198.51.100.61"]


def test_articles_enriched_by_the_previous_indicator_extractor_are_stale():
    before = {k: v for k, v in current_versions().items() if k != "attack_ids"} | {"indicators": "1.1.0"}
    old = ArticleFactory(processing_status="done", processing_versions=before)
    fresh = ArticleFactory(processing_status="done", processing_versions=current_versions())

    assert old.pk in stale_ids() and fresh.pk not in stale_ids()
