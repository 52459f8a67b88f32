"""People correct a classification; the correction is recorded and survives re-enrichment."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles import processing
from articles.models import Article, ClassificationOverride
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
REPORT = "Emotet loaders again hit banks; the group sent phishing mails from 185.220.101.47 to staff."


@pytest.fixture
def enriched(django_capture_on_commit_callbacks):
    article = ArticleFactory(body_text=REPORT, processing_status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        processing.enqueue([article.pk])
    article.refresh_from_db()
    return article


def test_an_analyst_corrects_the_classification_and_it_is_recorded(enriched, client, analyst):
    client.force_login(analyst)
    response = client.post(
        reverse("articles:classify", args=[enriched.pk]),
        {"category": "breach", "intel_level": enriched.intel_level, "priority": "critical"},
        follow=True,
    )
    assert "Corrected: category" in response.content.decode()
    enriched.refresh_from_db()
    assert (enriched.category, enriched.priority) == ("breach", "critical")
    recorded = {(o.field, o.new_value, o.user_id) for o in ClassificationOverride.objects.all()}
    assert recorded == {("category", "breach", analyst.pk), ("priority", "critical", analyst.pk)}


def test_the_correction_survives_re_enrichment(enriched, client, analyst, django_capture_on_commit_callbacks):
    client.force_login(analyst)
    client.post(
        reverse("articles:classify", args=[enriched.pk]),
        {"category": "breach", "intel_level": "strategic", "priority": "low"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        processing.enqueue([enriched.pk])
    enriched.refresh_from_db()
    assert (enriched.category, enriched.intel_level, enriched.priority) == ("breach", "strategic", "low")


def test_a_forged_value_is_refused_and_nothing_changes(enriched, client, analyst):
    client.force_login(analyst)
    before = (enriched.category, enriched.intel_level, enriched.priority)
    response = client.post(
        reverse("articles:classify", args=[enriched.pk]),
        {"category": "<script>", "intel_level": "tactical", "priority": "low"},
        follow=True,
    )
    assert "was not changed" in response.content.decode()
    enriched.refresh_from_db()
    assert (enriched.category, enriched.intel_level, enriched.priority) == before
    assert not ClassificationOverride.objects.exists()


def test_nobody_corrects_an_article_they_cannot_read(client, make_user):
    hidden = ArticleFactory(tlp="red")
    client.force_login(make_user("amber"))
    url = reverse("articles:classify", args=[hidden.pk])
    assert (
        client.post(url, {"category": "breach", "intel_level": "tactical", "priority": "low"}).status_code
        == 404
    )
    assert Article.objects.get(pk=hidden.pk).category == ""


def test_removing_an_automatic_tag_keeps_it_from_coming_back(
    enriched, analyst, django_capture_on_commit_callbacks
):
    from articles import overrides
    from articles.models import ArticleTag

    link = (
        ArticleTag.objects.filter(article=enriched, added_by_enricher="entities")
        .select_related("tag")
        .first()
    )
    assert link is not None, "the report should carry an automatic malware tag"
    name = link.tag.name
    overrides.remove_tag(link, analyst)
    with django_capture_on_commit_callbacks(execute=True):
        processing.enqueue([enriched.pk])
    assert not ArticleTag.objects.filter(article=enriched, tag__name=name).exists()
