"""Enrichment results in the database: idempotent, versioned, respectful of people's edits."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse

from articles import processing
from articles.enrichment.types import Classification, EnrichmentResult, EntityFinding
from articles.findings import store_result
from articles.models import (
    Article,
    ArticleEntity,
    ArticleTag,
    ClassificationOverride,
    Entity,
    Indicator,
    Mention,
    ProcessingStatus,
    Sighting,
    SuppressedTag,
    Tag,
    WatchEntity,
)
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

REPORT = (
    "APT28, also known as Fancy Bear, used CVE-2023-23397 against Ukrainian targets. "
    "The implant beaconed to hxxp://update-check[.]info/api and 185.220.101[.]47. "
    "Analysts mapped the activity to T1059.001 (PowerShell). Sample SHA-256: "
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08."
)


@pytest.fixture
def enrich(django_capture_on_commit_callbacks):
    """Queue the article the way the portal does; tests run the real task eagerly on commit."""

    def run(article: Article) -> Article:
        with django_capture_on_commit_callbacks(execute=True):
            processing.enqueue([article.pk])
        article.refresh_from_db()
        return article

    return run


def rows(article: Article) -> tuple:
    mentions = sorted(
        Mention.objects.filter(article=article).values_list("entity__name", "start", "end", "matched")
    )
    sightings = sorted(
        Sighting.objects.filter(article=article).values_list("indicator__value", "start", "end", "defanged")
    )
    tags = sorted(ArticleTag.objects.filter(article=article).values_list("tag__name", flat=True))
    return mentions, sightings, tags


@pytest.fixture
def report(enrich):
    return enrich(ArticleFactory(title="APT28 campaign", body_text=REPORT, processing_status="pending"))


def test_a_threat_report_is_enriched_with_evidence_spans(report):
    assert report.processing_status == ProcessingStatus.DONE
    values = {
        s.indicator.value: s for s in Sighting.objects.filter(article=report).select_related("indicator")
    }
    assert {"http://update-check.info/api", "185.220.101.47", "CVE-2023-23397"} <= set(values)
    url = values["http://update-check.info/api"]
    assert url.defanged and REPORT[url.start : url.end] == "hxxp://update-check[.]info/api"
    names = {m.entity.name: m for m in Mention.objects.filter(article=report).select_related("entity")}
    assert "APT28" in names
    for mention in names.values():
        assert REPORT[mention.start : mention.end] == mention.matched
    technique = Entity.objects.get(kind="attack-pattern", external_id="T1059.001")
    assert Mention.objects.filter(article=report, entity=technique).exists()
    assert report.intel_level == "tactical"
    assert report.assessment and report.classification_reasons
    assert report.processing_versions["indicators"] and report.processing_versions["entities"]
    assert 'misp-galaxy:threat-actor="APT28"' in rows(report)[2]
    # One ArticleEntity per entity, counting its spans (the entity filter and page read these).
    spans = Counter(Mention.objects.filter(article=report).values_list("entity_id", flat=True))
    assert dict(ArticleEntity.objects.filter(article=report).values_list("entity_id", "mentions")) == spans


def test_enriching_twice_gives_the_same_rows(report, enrich):
    before = rows(report)
    counts = (Entity.objects.count(), Indicator.objects.count(), Tag.objects.count())
    enrich(report)
    assert rows(report) == before
    assert (Entity.objects.count(), Indicator.objects.count(), Tag.objects.count()) == counts


def test_a_newer_enricher_version_replaces_the_old_findings(report):
    Mention.objects.filter(article=report).update(enricher_version="0.0.1")
    old = rows(report)
    result = _result_with(
        entities=[EntityFinding("malware", "Emotet", "Emotet", 0, 6, "misp-galaxy:malpedia")]
    )
    result.versions = {"entities": "9.9.9", "indicators": "9.9.9"}
    store_result(report, result)
    assert list(Mention.objects.filter(article=report).values_list("entity__name", "enricher_version")) == [
        ("Emotet", "9.9.9")
    ]
    assert rows(report) != old
    assert list(ArticleEntity.objects.filter(article=report).values_list("entity__name", "mentions")) == [
        ("Emotet", 1)
    ]
    assert not Sighting.objects.filter(article=report).exists()


def test_a_persons_classification_override_survives_re_enrichment(report, analyst, enrich):
    ClassificationOverride.objects.create(
        article=report, field="category", old_value=report.category, new_value="breach", user=analyst
    )
    Article.objects.filter(pk=report.pk).update(category="breach")
    enriched = enrich(report)
    assert enriched.category == "breach"
    assert enriched.intel_level == "tactical"  # not overridden: enrichment still sets it


def test_a_removed_enricher_tag_is_not_added_back(report, analyst, enrich):
    tag = Tag.objects.get(name='misp-galaxy:threat-actor="APT28"')
    ArticleTag.objects.filter(article=report, tag=tag).delete()
    SuppressedTag.objects.create(article=report, tag=tag, user=analyst)
    enrich(report)
    assert tag.name not in rows(report)[2]


def test_watch_entities_from_the_admin_are_found(enrich):
    WatchEntity.objects.create(name="Contoso Widgets", aliases="Contoso\nCWI")
    article = ArticleFactory(body_text="A supplier, Contoso, was breached last week; CWI confirmed it.")
    enrich(article)
    found = list(Mention.objects.filter(article=article).values_list("entity__name", "matched"))
    assert ("Contoso Widgets", "Contoso") in found and ("Contoso Widgets", "CWI") in found


def test_a_failing_enrichment_is_recorded_on_the_article_with_its_reason(monkeypatch, article):
    def broken(*args, **kwargs):
        raise ValueError("galaxy data is corrupt")

    monkeypatch.setattr(processing, "store_result", broken)
    with pytest.raises(ValueError):
        processing.enqueue([article.pk])
        from articles.tasks import process_article_task

        process_article_task.apply(args=[article.pk], throw=True)
    article.refresh_from_db()
    assert article.processing_status == ProcessingStatus.FAILED
    assert "galaxy data is corrupt" in article.processing_error


def test_article_page_shows_assessment_grouped_findings_and_defanged_indicators(report, client, analyst):
    client.force_login(analyst)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Assessment" in page and report.assessment[:40] in page
    assert "update-check[.]info" in page  # shown defanged
    assert 'data-copy="http://update-check.info/api"' in page  # copied refanged
    assert "T1059.001" in page
    assert '<mark class="finding' in page


def test_entity_page_lists_visible_articles_only(report, client, make_user):
    apt28 = Entity.objects.get(kind="threat-actor", name="APT28")
    hidden = ArticleFactory(title="hidden", tlp="red", body_text=REPORT)
    Mention.objects.create(
        article=hidden, entity=apt28, start=0, end=5, matched="APT28", enricher="e", enricher_version="1"
    )
    ArticleEntity.objects.create(article=hidden, entity=apt28)
    client.force_login(make_user("amber"))
    response = client.get(apt28.get_absolute_url())
    assert [a.title for a in response.context["page"].items] == ["APT28 campaign"]
    client.force_login(make_user("clear", username="low"))
    Article.objects.filter(pk=report.pk).update(tlp="green")
    assert client.get(apt28.get_absolute_url()).status_code == 404


def test_list_filters_by_entity_indicator_type_and_has_indicators(report, client, analyst):
    plain = ArticleFactory(title="plain", body_text="Nothing technical here.")
    client.force_login(analyst)
    apt28 = Entity.objects.get(kind="threat-actor", name="APT28")

    def titles(**params):
        return {a.title for a in client.get(reverse("articles:list"), params).context["page"].items}

    assert titles(entity=apt28.pk) == {"APT28 campaign"}
    assert titles(indicator_type="ipv4") == {"APT28 campaign"}
    assert titles(indicator_type="email") == set()
    assert titles(has_indicators="true") == {"APT28 campaign"}
    assert titles(has_indicators="false") == {plain.title}


def test_only_editors_and_admins_may_re_enrich(report, client, make_user, django_capture_on_commit_callbacks):
    url = reverse("articles:reenrich", args=[report.pk])
    client.force_login(make_user("amber", role="analyst"))
    assert client.post(url).status_code == 403
    client.force_login(make_user("amber", role="editor"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert client.get(url).status_code == 405  # a GET never changes anything


def test_re_enrich_needs_a_csrf_token(report, make_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("amber", role="editor"))
    assert strict.post(reverse("articles:reenrich", args=[report.pk])).status_code == 403


def _result_with(entities=(), indicators=()) -> EnrichmentResult:
    return EnrichmentResult(
        indicators=list(indicators),
        entities=list(entities),
        classification=Classification("malware", "operational", "medium", ["r"]),
        assessment="a",
        summary="s",
        keywords=[],
        versions={},
    )
