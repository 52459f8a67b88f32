"""Products with their CVEs and vendors, and hosts taken from URLs, on the article page;
the product's entity page and filter; the dashboard's new indicators leave derived hosts out."""

from __future__ import annotations

import pytest

from articles import processing
from articles.enrichment.pipeline import current_versions
from articles.management.commands.enrich import stale_ids
from articles.models import Entity, Mention
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "Attackers exploited CVE-2023-38831 in WinRAR to drop a loader. "
    "Fortinet patched FortiOS. The loader fetched http://evil-gate.example.com/x.php."
)


@pytest.fixture
def enriched(django_capture_on_commit_callbacks):
    article = ArticleFactory(body_text=TEXT, processing_status="pending", tlp="clear")
    with django_capture_on_commit_callbacks(execute=True):
        processing.enqueue([article.pk])
    return article


def test_a_product_is_stored_with_its_cve_and_cpe_name(enriched):
    winrar = Mention.objects.get(article=enriched, entity__kind="product", entity__name="WinRAR")
    assert winrar.cves == "CVE-2023-38831"
    assert winrar.entity.external_id == "rarlab:winrar"
    fortios = Mention.objects.get(article=enriched, entity__name="FortiOS")
    assert fortios.cves == ""  # the CVE is in another sentence
    assert Entity.objects.filter(kind="vendor", name="Fortinet").exists()


def test_article_page_shows_products_vendors_their_cves_and_hosts_as_hosts_of_their_url(
    enriched, login, analyst
):
    page = login(analyst).get(enriched.get_absolute_url()).content.decode()
    assert "<h3>Product</h3>" in page and "<h3>Vendor</h3>" in page
    assert "— CVE-2023-38831" in page
    assert "host of <code>hxxp://evil-gate.example[.]com/x.php</code>" in page


def test_a_product_has_an_entity_page_and_filters_the_list(enriched, login, analyst):
    client = login(analyst)
    winrar = Entity.objects.get(kind="product", name="WinRAR")
    assert enriched.title in client.get(winrar.get_absolute_url()).content.decode()
    listing = client.get("/articles/", {"entity": winrar.pk}).content.decode()
    assert enriched.title in listing


def test_articles_enriched_by_the_previous_entity_extractor_are_stale():
    before = current_versions() | {"entities": "1.2.0"}
    old = ArticleFactory(processing_status="done", processing_versions=before)
    fresh = ArticleFactory(processing_status="done", processing_versions=current_versions())
    assert old.pk in stale_ids() and fresh.pk not in stale_ids()
