"""Changing an article's TLP from its page: analysts raise, editors lower, every change recorded."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from audit.actions import Action
from audit.models import AuditEvent
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def relabel(client: Client, article: Article, tlp: str):
    return client.post(reverse("articles:relabel", args=[article.pk]), {"tlp": tlp}, follow=True)


def label_of(article: Article) -> str:
    return Article.objects.values_list("tlp", flat=True).get(pk=article.pk)


def test_analyst_raises_green_to_amber_and_the_change_is_recorded(analyst):
    article = ArticleFactory(tlp="green")
    response = relabel(signed_in(analyst), article, "amber")
    assert label_of(article) == "amber"
    assert "TLP changed: TLP:GREEN → TLP:AMBER." in response.content.decode()
    event = AuditEvent.objects.get(action=Action.TLP, article_id=article.pk)
    assert (event.actor, event.before, event.after) == (analyst, {"tlp": "green"}, {"tlp": "amber"})
    assert "analyst: GREEN → AMBER" in response.content.decode()  # the history on the page


def test_analyst_cannot_lower_a_label(analyst):
    article = ArticleFactory(tlp="amber")
    response = relabel(signed_in(analyst), article, "green")
    assert label_of(article) == "amber"
    assert "Only an editor can lower an article&#x27;s TLP." in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.TLP).exists()


def test_editor_lowers_amber_to_clear(editor):
    article = ArticleFactory(tlp="amber")
    relabel(signed_in(editor), article, "clear")
    assert label_of(article) == "clear"


def test_nobody_raises_above_their_own_clearance_or_to_red_from_the_page(make_user, admin_user):
    green = make_user("green", "analyst")
    article = ArticleFactory(tlp="clear")
    relabel(signed_in(green), article, "amber")
    assert label_of(article) == "clear"
    relabel(signed_in(admin_user), article, "red")
    assert label_of(article) == "clear"  # RED is set in the admin, with its grants


def test_an_article_the_user_cannot_read_is_a_404_and_unchanged(make_user):
    green = make_user("green", "analyst")
    article = ArticleFactory(tlp="amber")
    response = signed_in(green).post(reverse("articles:relabel", args=[article.pk]), {"tlp": "amber+strict"})
    assert response.status_code == 404 and label_of(article) == "amber"


def test_a_forged_label_is_refused_with_a_message(analyst):
    article = ArticleFactory(tlp="green")
    response = relabel(signed_in(analyst), article, "purple")
    assert label_of(article) == "green"
    assert "pick one of the labels offered" in response.content.decode()


def test_the_post_needs_a_csrf_token(analyst):
    article = ArticleFactory(tlp="green")
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    response = client.post(reverse("articles:relabel", args=[article.pk]), {"tlp": "amber"})
    assert response.status_code == 403 and label_of(article) == "green"


def test_the_page_offers_only_the_labels_the_reader_may_pick(analyst, editor):
    article = ArticleFactory(tlp="green")
    url = reverse("articles:detail", args=[article.pk])
    analyst_page = signed_in(analyst).get(url).content.decode()
    assert 'value="amber"' in analyst_page and 'value="clear"' not in analyst_page
    editor_page = signed_in(editor).get(url).content.decode()
    assert 'value="clear"' in editor_page and 'value="red"' not in editor_page


def test_a_new_label_survives_re_enrichment(analyst):
    from articles.processing import mark_pending, process_article

    article = ArticleFactory(tlp="green")
    relabel(signed_in(analyst), article, "amber")
    mark_pending([article.pk])
    assert process_article(article.pk) == "done"
    assert label_of(article) == "amber"


def test_an_account_without_a_role_cannot_relabel_or_correct(db):
    from accounts.models import User

    reader = User.objects.create_user("readonly", clearance="amber")
    article = ArticleFactory(tlp="green", category="malware")
    client = signed_in(reader)
    response = relabel(client, article, "amber+strict")
    assert label_of(article) == "green" and "may read but not relabel" in response.content.decode()
    client.post(reverse("articles:classify", args=[article.pk]), {"category": "vulnerability"})
    assert Article.objects.get(pk=article.pk).category == "malware"
