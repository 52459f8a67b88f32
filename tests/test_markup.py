"""articles.markup writes what Django's format_html writes, and with_byline's plain values
are what the related managers hold."""

from __future__ import annotations

import pytest
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from articles.markup import attributes, format_markup, join_markup
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory

HOSTILE = [
    '<script>alert("x")</script>',
    "O'Brien & <Partners>",
    'a"b',
    "",
    0,
    12345,
    None,
    3.5,
    mark_safe("<b>trusted</b>"),
    SafeString("<i>safe</i>"),
    gettext_lazy("Articles <lazy>"),
    "émoji 🛰️ ‮rtl",
]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_format_markup_escapes_exactly_as_format_html(value):
    template = '<a href="{}" title="{}">{}</a>'
    assert format_markup(template, value, value, value) == format_html(template, value, value, value)
    assert format_markup("<p>{x}</p>", x=value) == format_html("<p>{x}</p>", x=value)
    assert isinstance(format_markup("{}", value), SafeString)


def test_markup_output_nests_without_double_escaping():
    inner = format_markup("<b>{}</b>", "<x>")
    assert format_markup("<p>{}</p>", inner) == "<p><b>&lt;x&gt;</b></p>"


def test_join_markup_is_format_html_join():
    rows = [("/a?x=1&y=2", "<A>"), ("/b", mark_safe("<em>B</em>"))]
    assert join_markup(", ", '<a href="{}">{}</a>', rows) == format_html_join(
        ", ", '<a href="{}">{}</a>', rows
    )
    assert join_markup(", ", "{}", []) == ""


def test_attributes_is_flatatt_without_false_values():
    attrs = {"id": 'a"<b>', "checked": True, "disabled": False, "title": None, "data-n": 3}
    assert attributes(attrs) == flatatt({"id": 'a"<b>', "checked": True, "data-n": 3})
    assert attributes({}) == ""


@pytest.mark.django_db
def test_with_byline_attaches_what_the_related_managers_hold(django_assert_num_queries):
    authors = [AuthorFactory(name="Zed Writer"), AuthorFactory(name="Ann Author")]
    first = ArticleFactory(title="One", authors=authors, tags=["b-tag", "A-tag", "c"])
    ArticleFactory(title="Two")
    plain = {
        a.pk: ([x.name for x in a.ordered_authors], [t.name for t in a.tags_sorted])
        for a in Article.objects.all()
    }
    with django_assert_num_queries(3):  # articles (with their source), author links, tag links
        rows = list(Article.objects.order_by("pk").with_byline())
        attached = {
            a.pk: ([x.name for x in a.ordered_authors], [t.name for t in a.tags_sorted]) for a in rows
        }
    assert attached == plain
    assert attached[first.pk] == (["Zed Writer", "Ann Author"], ["A-tag", "b-tag", "c"])
    author = rows[0].ordered_authors[0]
    assert author.get_absolute_url() == first.ordered_authors[0].get_absolute_url()


@pytest.mark.django_db
def test_bylines_follow_clones_and_skip_values_queries():
    ArticleFactory(title="One", authors=[AuthorFactory(name="Ann Author")], tags=["x"])
    qs = Article.objects.with_byline().filter(title="One").order_by("pk")
    (article,) = list(qs)
    assert [a.name for a in article.ordered_authors] == ["Ann Author"]
    assert list(qs.values_list("title", flat=True)) == ["One"]  # a values query gets no bylines


def test_short_date_is_djangos_date_format():
    import datetime as dt

    from django.utils import dateformat

    from articles.templatetags.article_rows import short_date

    for when in [dt.datetime(2026, m, d, 13, 5, tzinfo=dt.UTC) for m in range(1, 13) for d in (1, 9, 28)] + [
        dt.datetime(987, 5, 4, tzinfo=dt.UTC)
    ]:
        assert short_date(when) == dateformat.format(when, "M j, Y")


def test_a_tag_link_is_escaped_and_follows_the_script_prefix():
    from django.urls import clear_script_prefix, set_script_prefix

    from articles.bylines import BylineTag
    from articles.templatetags.tag_labels import tag_link

    tag = BylineTag(1, 'misp-galaxy:threat-actor="<APT> & co"', "apt-co")
    first = tag_link(tag)
    assert "&lt;APT&gt; &amp; co (threat actor)" in first and "<APT>" not in first
    set_script_prefix("/portal/")
    try:
        assert 'href="/portal/articles/?tag=apt-co"' in tag_link(tag)
    finally:
        clear_script_prefix()
    assert tag_link(tag) == first
