"""Side doors and crashes found in review, each pinned by a test.

Access: a page link, the admin's delete confirmation and the admin's tag, entity
and indicator lists must not reveal articles above the reader's clearance.
Input: absurd dates and ids are form errors or 404s, never a 500.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.models import Entity, Indicator, Mention, Sighting
from tests.factories import ArticleFactory, AuthorFactory, SourceFactory

pytestmark = pytest.mark.django_db
FAR_CURSOR = "4102444800000000.999999"


@pytest.fixture
def secret(db):
    """A RED article (no grants) by its own author, mentioning its own entity and IOC."""
    author = AuthorFactory(name="Hidden Hand")
    article = ArticleFactory(
        title="Secret RED report",
        tlp="red",
        authors=[author],
        tags=['misp-galaxy:threat-actor="Secret Crew"'],
    )
    entity = Entity.objects.create(kind="threat-actor", name="Secret Crew")
    Mention.objects.create(
        article=article, entity=entity, start=0, end=6, matched="Secret", enricher="e", enricher_version="1"
    )
    indicator = Indicator.objects.create(type="domain", value="secret-c2.example")
    Sighting.objects.create(
        article=article,
        indicator=indicator,
        start=0,
        end=6,
        matched="secret",
        enricher="i",
        enricher_version="1",
    )
    return article, author, entity


@pytest.mark.parametrize("param", ["after", "before"])
def test_entity_and_author_pages_with_a_page_link_are_404_when_only_hidden_articles_name_them(
    client, make_user, secret, param
):
    _, author, entity = secret
    client.force_login(make_user("clear"))
    assert client.get(entity.get_absolute_url(), {param: FAR_CURSOR}).status_code == 404
    assert client.get(author.get_absolute_url(), {param: FAR_CURSOR}).status_code == 404


def test_admin_delete_confirmation_does_not_list_hidden_article_titles(client, make_user, secret):
    article, author, _ = secret
    client.force_login(make_user("green", role="admin"))
    for url in (
        reverse("admin:articles_source_delete", args=[article.source_id]),
        reverse("admin:articles_author_delete", args=[author.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Secret RED report" not in page, url


def test_admin_lists_of_tags_entities_and_indicators_hide_those_of_hidden_articles(client, make_user, secret):
    client.force_login(make_user("green", role="admin"))
    for name, secret_text in [
        ("admin:articles_tag_changelist", "Secret Crew"),
        ("admin:articles_entity_changelist", "Secret Crew"),
        ("admin:articles_indicator_changelist", "secret-c2.example"),
    ]:
        assert secret_text not in client.get(reverse(name)).content.decode(), name


def test_the_source_filter_offers_only_sources_with_readable_articles(client, make_user, secret):
    ArticleFactory(source=SourceFactory(name="Open wire"))
    client.force_login(make_user("clear"))
    form = client.get(reverse("articles:list")).context["filter"].form
    assert [label for value, label in form.fields["source"].choices if value] == ["Open wire"]


@pytest.mark.parametrize(
    "params",
    [
        {"published_to": "9999-12-31"},
        {"published_from": "0001-01-01"},
        {"entity": "1e30"},
        {"entity": "99999999999999999999"},
        {"entity": "-3"},
    ],
)
def test_absurd_dates_and_ids_are_form_errors_not_crashes(client, make_user, params):
    ArticleFactory(title="still listed")
    client.force_login(make_user("clear"))
    response = client.get(reverse("articles:list"), params)
    assert response.status_code == 200
    assert [a.title for a in response.context["page"].items] == ["still listed"]
    assert 'class="error"' in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/stories/99999999999999999999/",
        "/articles/99999999999999999999/",
        "/entities/1234567890123456789012/",
    ],
)
def test_huge_ids_in_urls_are_404(client, make_user, path):
    client.force_login(make_user("clear"))
    assert client.get(path).status_code == 404
