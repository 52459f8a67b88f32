"""One article as a row of a list (the article list, an author's or an entity's page).

The row was an included template; at 25 rows a page it was the largest part of a list
page's Python time (~10 ms of ~25 at a million articles: variable lookups, three
``get_FOO_display`` calls, two date filters and a ``{% url %}`` per row;
docs/architecture.md, "Scale"). :func:`article_row` writes the same markup with
``articles.markup.format_markup``, which escapes every value as the template did. Change the markup here;
``static/css/portal.css`` styles it (``.row``, ``.row__meta``, ``.dateline``…).
"""

from __future__ import annotations

import functools

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from articles.enrichment.vocabulary import CATEGORIES, INTEL_LEVELS
from articles.markup import format_markup, join_markup
from articles.templatetags.tag_labels import clip, tag_link
from articles.tlp import TLP
from articles.urlpaths import reverse_one

register = template.Library()

TLP_LABELS = dict(TLP.choices)
CATEGORY_LABELS = dict(CATEGORIES)
INTEL_LEVEL_LABELS = dict(INTEL_LEVELS)
TEASER_LENGTH = 300


def short_date(when) -> str:
    """``dateformat.format(when, "M j, Y")`` ("Jan 5, 2026"), which parses its format and
    looks up the month's name on every call (~30 µs; a page has 25 rows)."""
    return f"{_month_abbreviations(get_language())[when.month - 1]} {when.day}, {when.year:04d}"


@functools.lru_cache(maxsize=32)
def _month_abbreviations(language: str | None) -> tuple[str, ...]:
    return tuple(str(MONTHS_3[month]).title() for month in range(1, 13))  # as dateformat's "M"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@register.simple_tag
def article_row(article) -> SafeString:
    """The row for ``article``: fetched with ``for_list()`` (source, authors and tags come
    from its prefetch) and, on the article list, ``one_per_story()`` (the story's size)."""
    published = timezone.localtime(article.published_at)
    meta = [
        format_markup(
            '<span class="tlp tlp--{}">{}</span>', article.tlp.replace("+", ""), TLP_LABELS[article.tlp]
        )
    ]
    if article.category:
        meta.append(
            format_markup(
                '<span class="kicker">{}</span>', CATEGORY_LABELS.get(article.category, article.category)
            )
        )
    if article.intel_level:
        label = INTEL_LEVEL_LABELS.get(article.intel_level, article.intel_level)
        meta.append(format_markup('<span class="level">{}</span>', label))
    authors = join_markup(
        ", ",
        '<a href="{}">{}</a>',
        ((author.get_absolute_url(), author.name) for author in article.ordered_authors),
    )
    parts = [
        format_markup(
            '<article class="row">\n  <div class="row__meta">{}</div>', SafeString("\n    ".join(meta))
        ),
        format_markup(
            '  <h2 class="row__title"><a href="{}">{}</a></h2>', article.get_absolute_url(), article.title
        ),
        format_markup(
            '  <p class="dateline">\n    <time datetime="{}">{}</time>{}{}\n    · {}\n  </p>',
            published.isoformat(),
            short_date(published),
            " · " if authors else "",
            authors,
            article.source.name,
        ),
    ]
    size = getattr(article, "story_articles", None)
    if size and size > 1:
        parts.append(
            format_markup(
                '  <p class="story-badge"><a href="{}">+{}</a>\n    · {} · first reported by {}</p>',
                reverse_one("articles:story", pk=article.story_id),
                _plural(size - 1, "more report"),
                _plural(article.story_sources, "independent source"),
                article.source.name,
            )
        )
    snippet = getattr(article, "snippet", None)  # a search's matching text (articles/search/snippets.py)
    if snippet:
        parts.append(format_markup('  <p class="row__teaser row__snippet">{}</p>', snippet))
    elif article.teaser:
        parts.append(format_markup('  <p class="row__teaser">{}</p>', clip(article.teaser, TEASER_LENGTH)))
    tags = article.tags_sorted
    if tags:
        parts.append(
            format_markup('  <p class="tags">{}</p>', SafeString("".join(tag_link(tag) for tag in tags)))
        )
    controls = getattr(article, "row_controls", "")  # other apps' buttons (articles/hooks.py)
    if controls:
        parts.append(format_markup('  <div class="row__controls">{}</div>', controls))
    parts.append(SafeString("</article>"))
    return SafeString("\n".join(parts))
