"""articles/hooks.py: other apps add to the article pages without articles importing them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import hooks
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(monkeypatch):
    """Hooks registered for one test only."""
    registry = {name: [] for name in hooks.HOOK_NAMES}
    monkeypatch.setattr(hooks, "_registry", registry)
    return registry


@pytest.fixture
def reader(client, make_user):
    client.force_login(make_user("green"))
    return client


def test_an_unknown_hook_name_is_an_error_at_registration(registered):
    with pytest.raises(ValueError, match="unknown article hook 'article_rows'"):
        hooks.register("article_rows")


def test_row_controls_come_from_one_call_per_page_with_every_visible_row(registered, reader):
    calls = []

    @hooks.register("article_list_rows")
    def stars(request, articles):
        calls.append(sorted(a.title for a in articles))
        return {a.pk: format_html('<button data-star="{}">☆ {}</button>', a.pk, a.title) for a in articles}

    ArticleFactory(title="<b>open</b>", tlp="green")
    ArticleFactory(title="secret", tlp="amber")
    page = reader.get("/articles/").content.decode()
    assert calls == [["<b>open</b>"]]  # the AMBER article never reaches the hook
    assert '<div class="row__controls"><button data-star="' in page
    assert "☆ &lt;b&gt;open&lt;/b&gt;" in page  # the hook's format_html escaped the title


def test_author_pages_get_the_row_controls_too(registered, reader):
    @hooks.register("article_list_rows")
    def marker(request, articles):
        return {a.pk: format_html("<i>controls</i>") for a in articles}

    author = AuthorFactory(name="Ann")
    ArticleFactory(tlp="clear", authors=[author])
    assert "<i>controls</i>" in reader.get(author.get_absolute_url()).content.decode()


def test_sidebar_toolbar_and_detail_panels_are_placed_in_the_pages(registered, reader):
    hooks.register("article_list_sidebar")(lambda request: mark_safe("<p>saved searches</p>"))
    hooks.register("article_list_toolbar")(
        lambda request, articles: format_html("<p>{} on this page</p>", len(articles))
    )
    hooks.register("article_detail_panels")(
        lambda request, article: format_html("<p>notes on {}</p>", article.title)
    )
    article = ArticleFactory(title="Report", tlp="clear")
    listing = reader.get("/articles/").content.decode()
    assert "<p>saved searches</p>" in listing and "<p>1 on this page</p>" in listing
    detail = reader.get(reverse("articles:detail", args=[article.pk])).content.decode()
    assert "<p>notes on Report</p>" in detail


def test_without_hooks_a_row_has_no_controls_block(registered, reader):
    ArticleFactory(tlp="clear")
    assert "row__controls" not in reader.get("/articles/").content.decode()
