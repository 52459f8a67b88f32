"""A page of articles' authors and tags, in two queries, as plain values.

Rows of a list print each article's authors (name, link) and tags (label, link) and
nothing else of them. ``prefetch_related`` fetched the same rows but built, for every
article, a related manager, a queryset and model instances for each link and each author
or tag: ~300 model instances and ~90 queryset clones per page, a quarter of a list page's
Python time (docs/architecture.md, "Scale"). :func:`attach` reads the two link tables with
``values_list`` and hangs plain lists on the articles; ``Article.ordered_authors`` and
``Article.tags_sorted`` return them when present and fall back to the related managers
otherwise (an article fetched on its own).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from articles.urlpaths import reverse_one

AUTHORS_ATTR = "_byline_authors"
TAGS_ATTR = "_byline_tags"


@dataclass(frozen=True, slots=True)
class BylineAuthor:
    """What a row shows of an author: the name, linking to the author's page."""

    pk: int
    name: str
    slug: str

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse_one("articles:author", slug=self.slug)


@dataclass(frozen=True, slots=True)
class BylineTag:
    """What a row shows of a tag (``tag_labels.tag_link`` reads ``name`` and ``slug``)."""

    pk: int
    name: str
    slug: str

    def __str__(self) -> str:
        return self.name


def attach(articles: Sequence) -> None:
    """Give each of ``articles`` its authors in byline order and its tags by name."""
    if not articles:
        return
    from articles.models import ArticleAuthor, ArticleTag

    ids = [article.pk for article in articles]
    authors: dict[int, list[BylineAuthor]] = defaultdict(list)
    author_rows = (
        ArticleAuthor.objects.filter(article_id__in=ids)
        .order_by("article_id", "position")
        .values_list("article_id", "author_id", "author__name", "author__slug")
    )
    for article_id, pk, name, slug in author_rows:
        authors[article_id].append(BylineAuthor(pk, name, slug))
    tags: dict[int, list[BylineTag]] = defaultdict(list)
    tag_rows = (
        ArticleTag.objects.filter(article_id__in=ids)
        .order_by()
        .values_list("article_id", "tag_id", "tag__name", "tag__slug")
    )
    for article_id, pk, name, slug in tag_rows:
        tags[article_id].append(BylineTag(pk, name, slug))
    for article in articles:
        setattr(article, AUTHORS_ATTR, authors.get(article.pk, []))
        # Sorted here, as Article.tags_sorted sorts (by code point, not the database's collation).
        setattr(article, TAGS_ATTR, sorted(tags.get(article.pk, ()), key=_name))


def _name(tag: BylineTag) -> str:
    return tag.name
