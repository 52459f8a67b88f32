"""Domain vocabulary for reading articles.

``ArticleQuerySet.visible_to`` is the one gate every view, count, filter,
feed, export and task uses to read articles on behalf of a person. Nothing
else in the code base decides who may see what.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q

from articles.tlp import TLP, labels_up_to

if TYPE_CHECKING:
    from accounts.models import User


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

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by("-published_at", "-id")

    def for_list(self) -> ArticleQuerySet:
        """What a list row shows, fetched in a constant number of queries."""
        from articles.models import ArticleAuthor, ArticleTag

        return self.select_related("source").prefetch_related(
            models.Prefetch(
                "article_authors",
                queryset=ArticleAuthor.objects.select_related("author").order_by("position"),
            ),
            models.Prefetch(
                "article_tags",
                queryset=ArticleTag.objects.select_related("tag").order_by("tag__name"),
            ),
        )

    def by_author(self, author) -> ArticleQuerySet:
        return self.filter(article_authors__author=author)

    def needs_processing(self) -> ArticleQuerySet:
        from articles.models import ProcessingStatus

        return self.filter(processing_status=ProcessingStatus.PENDING)
