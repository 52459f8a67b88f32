"""Domain vocabulary for reading articles.

``ArticleQuerySet.visible_to`` is the one gate every view, count, filter,
feed, export and task uses to read articles on behalf of a person. Nothing
else in the code base decides who may see what.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.query import ModelIterable

from articles.tlp import TLP, labels_up_to

if TYPE_CHECKING:
    from accounts.models import User


# The alias a queryset sorts newest-first by when it is not the article's own published_at
# (``newest_first_by``); ``articles.pagination`` orders and pages by it.
NEWEST_AT = "newest_at"

# Columns the article list's rows never read (tests/test_article_list.py counts queries,
# so a template that starts reading one shows up there as one query per row).
ROW_UNUSED_COLUMNS = (
    "body_html",
    "body_text",
    "search_vector",
    "executive_summary",
    "summary",
    "assessment",
    "classification_reasons",
    "auto_summary",
    "keywords",
    "processing_error",
    "processing_versions",
)


class ArticleQuerySet(models.QuerySet):
    def visible_to(self, user: User | None) -> ArticleQuerySet:
        """Articles ``user`` may read: TLP up to their clearance; RED only with a grant."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        from articles.models import ArticleGrant

        allowed = Q(tlp__in=labels_up_to(user.clearance))
        if user.clearance == TLP.RED:
            granted = Exists(ArticleGrant.objects.filter(article=OuterRef("pk"), user=user))
            allowed |= Q(tlp=TLP.RED) & granted
        return self.filter(allowed)

    def for_list(self) -> ArticleQuerySet:
        """What a list row shows, fetched in a constant number of queries, without the
        columns a row never shows: bodies and the search vector are ~10 KB a row, most
        of what a page would otherwise read (docs/architecture.md, "Scale")."""
        return self.with_byline().defer(*ROW_UNUSED_COLUMNS)

    def with_byline(self) -> ArticleQuerySet:
        """Articles with their source, authors and tags, in a constant number of queries:
        the source joined, authors and tags attached as plain values once the rows are
        fetched (``articles.bylines``; a prefetch cost a quarter of a list page)."""
        clone = self.select_related("source")
        clone._attach_bylines = True
        return clone

    # Set by with_byline(); carried through clones; acted on in _fetch_all.
    _attach_bylines = False

    def _clone(self):
        clone = super()._clone()
        clone._attach_bylines = self._attach_bylines
        return clone

    def _fetch_all(self) -> None:
        fetched = self._result_cache is not None
        super()._fetch_all()
        if self._attach_bylines and not fetched and self._iterable_class is ModelIterable:
            from articles import bylines

            bylines.attach(self._result_cache)

    def one_per_story(self) -> ArticleQuerySet:
        """Keep each story's first report in this queryset, annotated with the story's size.

        ``story_articles`` and ``story_sources`` count only rows of this same queryset,
        so they never include an article the reader cannot see (or has filtered out).
        """
        from django.db.models import Count, IntegerField, Subquery

        same_story = self.filter(story=OuterRef("story")).order_by()
        earlier = same_story.filter(
            Q(published_at__lt=OuterRef("published_at"))
            | Q(published_at=OuterRef("published_at"), pk__lt=OuterRef("pk"))
        )
        sizes = same_story.values("story")
        return self.exclude(Exists(earlier)).annotate(
            story_articles=Subquery(sizes.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            story_sources=Subquery(
                sizes.annotate(n=Count("source", distinct=True)).values("n"), output_field=IntegerField()
            ),
        )

    def by_author(self, author) -> ArticleQuerySet:
        return self.filter(article_authors__author=author).newest_first_by("article_authors")

    def mentioning(self, entity) -> ArticleQuerySet:
        return self.filter(article_entities__entity=entity).newest_first_by("article_entities")

    def newest_first_by(self, relation: str) -> ArticleQuerySet:
        """Sort newest-first by the copy of ``published_at`` on ``relation``'s link rows.

        Call it right after filtering through ``relation`` to one author, tag or entity: the alias
        reuses that join, so the page is read off the link's (target, -published_at,
        -article) index. The copy equals the article's own date (triggers, migration 0013).
        """
        return self.alias(**{NEWEST_AT: F(f"{relation}__published_at")})

    def sorts_by_link(self) -> bool:
        return NEWEST_AT in self.query.annotations
