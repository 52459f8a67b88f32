"""The dashboard at /: what is new, starred, noted, the week's entities and indicators, health."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleEntity, Entity, Indicator, Sighting, Source
from tests.factories import ArticleFactory
from workspace import actions, annotations
from workspace.models import ListVisit

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def days_ago(n: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


def sight(article, indicator) -> None:
    Sighting.objects.create(
        article=article,
        indicator=indicator,
        section="body",
        start=0,
        end=1,
        matched="x",
        enricher="test",
        enricher_version="1",
    )


def test_signing_in_lands_on_the_dashboard(make_user):
    from tests.factories import PASSWORD

    user = make_user("green")
    response = Client().post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response["Location"] == reverse("dashboard") == "/"


def test_starred_and_noted_articles_show_but_only_while_readable(make_user):
    from articles.models import Article

    user = make_user("amber")
    starred, noted = ArticleFactory(title="Starred one", tlp="amber"), ArticleFactory(title="Noted one")
    actions.star(user, [starred.pk])
    annotations.create_note(noted, user, "remember this", shared=False)
    page = signed_in(user).get("/").content.decode()
    assert "Starred one" in page and "Noted one" in page
    Article.objects.filter(pk=starred.pk).update(tlp="amber+strict")
    assert "Starred one" not in signed_in(user).get("/").content.decode()


def test_new_since_the_last_visit_lists_unread_arrivals(make_user):
    user = make_user("green")
    ListVisit.objects.create(user=user, last_list_view_at=days_ago(1), new_since=days_ago(1))
    ArticleFactory(title="Fresh report", tlp="green", published_at=days_ago(0.1))
    ArticleFactory(title="Hidden fresh", tlp="amber", published_at=days_ago(0.1))
    page = signed_in(user).get("/").content.decode()
    assert "Fresh report" in page and "Hidden fresh" not in page
    assert "1 unread article since" in page


def test_the_weeks_entities_and_new_indicators_count_only_readable_articles(make_user):
    user = make_user("green")
    apt, secret = (
        Entity.objects.create(kind="threat-actor", name="APT28"),
        Entity.objects.create(kind="threat-actor", name="Secret Actor"),
    )
    for _ in range(2):
        ArticleEntity.objects.create(
            article=ArticleFactory(tlp="green", published_at=days_ago(1)), entity=apt
        )
    ArticleEntity.objects.create(article=ArticleFactory(tlp="amber", published_at=days_ago(1)), entity=secret)
    old_article = ArticleFactory(tlp="green", published_at=days_ago(30))
    known, fresh, hidden = (
        Indicator.objects.create(type="ipv4", value="198.51.100.1"),
        Indicator.objects.create(type="ipv4", value="198.51.100.2"),
        Indicator.objects.create(type="ipv4", value="198.51.100.3"),
    )
    week_article = ArticleFactory(tlp="green", published_at=days_ago(2))
    sight(old_article, known)
    sight(week_article, known)
    sight(week_article, fresh)
    sight(ArticleFactory(tlp="amber", published_at=days_ago(2)), hidden)
    page = signed_in(user).get("/").content.decode()
    assert "APT28" in page and "2 articles" in page and "Secret Actor" not in page
    assert "198.51.100.2" in page and "198.51.100.1" not in page and "198.51.100.3" not in page


def test_health_is_for_editors_and_admins_only(make_user, editor, admin_user):
    Source.objects.create(name="Broken feed", url="https://feed.example/rss", consecutive_failures=3)
    ArticleFactory(tlp="green", processing_status="failed")
    analyst_page = signed_in(make_user("green", "analyst")).get("/").content.decode()
    assert "Enrichment and collection" not in analyst_page
    editor_page = signed_in(editor).get("/").content.decode()
    assert "Enrichment and collection" in editor_page and "1 article whose enrichment failed" in editor_page
    admin_page = signed_in(admin_user).get("/").content.decode()
    assert "Broken feed" in admin_page and "3 failures in a row" in admin_page


def test_the_dashboard_needs_a_sign_in():
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_query_count_does_not_grow_with_data(make_user, django_assert_max_num_queries):
    user = make_user("green")
    client = signed_in(user)
    entity = Entity.objects.create(kind="country", name="Peru")

    def add(n):
        for _ in range(n):
            article = ArticleFactory(tlp="green", published_at=days_ago(1))
            actions.star(user, [article.pk])
            annotations.create_note(article, user, "n", shared=False)
            ArticleEntity.objects.create(article=article, entity=entity)

    add(2)
    with django_assert_max_num_queries(40) as few:
        client.get("/")
    baseline = len(few.captured_queries)
    add(15)
    with django_assert_max_num_queries(baseline):
        client.get("/")


def test_saved_searches_show_with_their_new_matches(make_user):
    from workspace import saved_searches

    user = make_user("green")
    saved_searches.save_search(user, "Phishing watch", "q=phishing")
    ArticleFactory(title="phishing wave", tlp="green", teaser="phishing", published_at=days_ago(0))
    ArticleFactory(title="phishing secret", tlp="amber", teaser="phishing", published_at=days_ago(0))
    page = signed_in(user).get("/").content.decode()
    assert "Phishing watch" in page and "(1 new)" in page


def test_a_host_taken_from_a_url_is_not_a_new_indicator_of_its_own(make_user):
    user = make_user("green")
    url = Indicator.objects.create(type="url", value="http://198.51.100.7/gate.php")
    host = Indicator.objects.create(type="ipv4", value="198.51.100.7")
    article = ArticleFactory(tlp="green", published_at=days_ago(1))
    sight(article, url)
    Sighting.objects.create(
        article=article,
        indicator=host,
        start=7,
        end=20,
        matched="198.51.100.7",
        derived_from=url.value,
        enricher="indicators",
        enricher_version="test",
    )
    page = signed_in(user).get("/").content.decode()
    assert "gate.php" in page and ">198.51.100.7<" not in page
