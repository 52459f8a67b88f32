"""The access matrix: every clearance against every TLP label, RED grants, anonymous.

A user must never learn that an article above their clearance exists — not from
the list, its count, the filters, the article page or an author page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.models import Article, ArticleGrant
from articles.tlp import TLP_ORDER
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db

# clearance -> labels readable without any grant
READABLE = {
    "clear": {"clear"},
    "green": {"clear", "green"},
    "amber": {"clear", "green", "amber"},
    "amber+strict": {"clear", "green", "amber", "amber+strict"},
    "red": {"clear", "green", "amber", "amber+strict"},
}


@pytest.fixture
def one_per_label(db):
    """One article per TLP label, each by its own author and with its own tag."""
    articles = {}
    for label in TLP_ORDER:
        author = AuthorFactory(name=f"{label} writer")
        articles[label] = ArticleFactory(
            title=f"Story marked {label}",
            tlp=label,
            authors=[author],
            tags=[f"tag-{label.replace('+', '-')}"],
        )
    return articles


def titles(response) -> set[str]:
    return {a.title for a in response.context["page"].items}


@pytest.mark.parametrize("clearance", TLP_ORDER)
def test_list_count_and_detail_follow_clearance(clearance, make_user, client, one_per_label):
    client.force_login(make_user(clearance))
    response = client.get(reverse("articles:list"))
    expected = READABLE[clearance]
    assert titles(response) == {f"Story marked {label}" for label in expected}
    assert response.context["count"] == len(expected)
    for label, article in one_per_label.items():
        status = client.get(article.get_absolute_url()).status_code
        assert status == (200 if label in expected else 404), (clearance, label)


@pytest.mark.parametrize("clearance", TLP_ORDER)
def test_author_page_of_an_unreadable_article_is_404(clearance, make_user, client, one_per_label):
    client.force_login(make_user(clearance))
    for label, article in one_per_label.items():
        author = article.ordered_authors[0]
        response = client.get(author.get_absolute_url())
        assert response.status_code == (200 if label in READABLE[clearance] else 404), (
            clearance,
            label,
        )
        if response.status_code == 200:
            assert titles(response) == {article.title}


@pytest.mark.parametrize("clearance", TLP_ORDER)
def test_filters_never_reveal_hidden_articles(clearance, make_user, client, one_per_label):
    client.force_login(make_user(clearance))
    for label in TLP_ORDER:
        by_tag = client.get(reverse("articles:list"), {"tag": f"tag-{label.replace('+', '-')}"})
        by_author = client.get(reverse("articles:list"), {"author": f"{label} writer"})
        by_tlp = client.get(reverse("articles:list"), {"tlp": label})
        visible = label in READABLE[clearance]
        for response in (by_tag, by_author):
            assert response.context["count"] == (1 if visible else 0), (clearance, label)
        # The TLP filter offers only labels up to the user's clearance. A label above it is a
        # form error (the filter is ignored, all readable articles show); RED without a grant
        # is a valid choice for RED-cleared users that matches nothing.
        offered = TLP_ORDER[: TLP_ORDER.index(clearance) + 1]
        expected = 1 if visible else (0 if label in offered else len(READABLE[clearance]))
        assert by_tlp.context["count"] == expected, (clearance, label)


def test_tlp_choices_stop_at_the_users_clearance(make_user, client):
    client.force_login(make_user("green"))
    form = client.get(reverse("articles:list")).context["filter"].form
    assert [value for value, _ in form.fields["tlp"].choices] == ["clear", "green"]


def test_red_needs_a_grant_even_with_red_clearance(make_user, client, one_per_label):
    reader = make_user("red")
    red = one_per_label["red"]
    client.force_login(reader)
    assert client.get(red.get_absolute_url()).status_code == 404
    ArticleGrant.objects.create(article=red, user=reader)
    assert client.get(red.get_absolute_url()).status_code == 200
    assert "Story marked red" in titles(client.get(reverse("articles:list")))


def test_a_grant_without_red_clearance_is_not_enough(make_user, client, one_per_label):
    reader = make_user("amber")
    ArticleGrant.objects.create(article=one_per_label["red"], user=reader)
    client.force_login(reader)
    assert client.get(one_per_label["red"].get_absolute_url()).status_code == 404


def test_a_grant_to_someone_else_does_not_count(make_user, client, one_per_label):
    ArticleGrant.objects.create(article=one_per_label["red"], user=make_user("red"))
    client.force_login(make_user("red"))
    assert client.get(one_per_label["red"].get_absolute_url()).status_code == 404


def test_visible_to_returns_nothing_for_anonymous_or_inactive_users(make_user, one_per_label):
    from django.contrib.auth.models import AnonymousUser

    assert not Article.objects.visible_to(AnonymousUser()).exists()
    assert not Article.objects.visible_to(None).exists()
    inactive = make_user("red")
    inactive.is_active = False
    assert not Article.objects.visible_to(inactive).exists()


@pytest.mark.parametrize("name", ["articles:list", "articles:detail", "articles:author", "admin:index"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name, one_per_label):
    article = one_per_label["clear"]
    kwargs = {
        "articles:detail": {"pk": article.pk},
        "articles:author": {"slug": article.ordered_authors[0].slug},
    }
    url = reverse(name, kwargs=kwargs.get(name))
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_admin_changelist_reads_through_the_same_visibility_rule(make_user, client, one_per_label):
    staff = make_user("amber", role="admin")
    client.force_login(staff)
    response = client.get(reverse("admin:articles_article_changelist"))
    shown = {a.title for a in response.context["cl"].result_list}
    assert shown == {f"Story marked {label}" for label in READABLE["amber"]}
    hidden = one_per_label["red"]
    assert client.get(reverse("admin:articles_article_change", args=[hidden.pk])).status_code in (
        302,
        404,
    )
