"""The list row written in Python (articles/templatetags/article_rows.py) escapes and reads
like the template it replaced."""

from __future__ import annotations

import datetime as dt

import pytest

from articles.models import Article, Story
from articles.templatetags.article_rows import article_row
from tests.factories import ArticleFactory, AuthorFactory, SourceFactory

pytestmark = pytest.mark.django_db


def row_for(article: Article, **story) -> str:
    fetched = Article.objects.for_list().get(pk=article.pk)
    for name, value in story.items():
        setattr(fetched, name, value)
    return str(article_row(fetched))


def test_every_value_from_a_feed_is_escaped():
    hostile = '<img src=x onerror="alert(1)">'
    article = ArticleFactory(
        title=f"Title {hostile}",
        teaser=f"Teaser {hostile}",
        source=SourceFactory(name=f"Source {hostile}"),
        authors=[AuthorFactory(name=f"Author {hostile}")],
        tags=[f"tag {hostile}"],
    )
    html = row_for(article)
    assert "<img" not in html and "onerror=&quot;" in html
    assert html.count("&lt;img") == 5


def test_row_shows_labels_date_byline_story_teaser_and_tags():
    article = ArticleFactory(
        title="Row",
        tlp="amber+strict",
        category="malware",
        intel_level="tactical",
        published_at=dt.datetime(2026, 3, 7, 9, 30, tzinfo=dt.UTC),
        teaser="x" * 400,
        authors=[AuthorFactory(name="Ann"), AuthorFactory(name="Bob")],
        tags=["ransomware"],
        story=Story.objects.create(),
    )
    html = row_for(article, story_articles=3, story_sources=1)
    assert f'<a href="/stories/{article.story_id}/">+2 more reports</a>' in html
    assert '<span class="tlp tlp--amberstrict">TLP:AMBER+STRICT</span>' in html
    assert '<span class="kicker">Malware</span>' in html and '<span class="level">Tactical</span>' in html
    assert '<time datetime="2026-03-07T09:30:00+00:00">Mar 7, 2026</time>' in html
    assert ">Ann</a>, <a" in html and ">Bob</a>" in html
    assert "+2 more reports</a>" in html and "1 independent source ·" in html
    assert ("x" * 299 + "…") in html and "x" * 300 not in html
    assert 'class="tag" href="/articles/?tag=ransomware">ransomware</a>' in html
    lone = row_for(ArticleFactory(title="Alone", authors=[], teaser=""), story_articles=1, story_sources=1)
    assert "more report" not in lone and "row__teaser" not in lone and 'class="tags"' not in lone
