"""Per-user triage state: what each person has read and starred, and when they last looked.

Both tables are personal bookkeeping, written only through ``workspace.actions`` (read
marks and stars) and ``workspace.visits`` (list visits). They are not audited: they change
nothing anyone else sees.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReadingState(models.Model):
    """One user's relation to one article: read (when), starred (when).

    A row exists only while one of the two is set; clearing both deletes it, so the table
    holds what people did, not every (user, article) pair.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    starred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Also the index for "which of these page's articles has this user read or
            # starred": WHERE user_id = … AND article_id IN (…), one probe per row.
            models.UniqueConstraint(fields=["user", "article"], name="readingstate_unique_user_article"),
        ]
        indexes = [
            # "My starred, newest first": only starred rows, already in star order.
            models.Index(
                fields=["user", "-starred_at"],
                condition=Q(starred_at__isnull=False),
                name="readingstate_starred_idx",
            ),
        ]

    def __str__(self) -> str:
        flags = [word for word, at in (("read", self.read_at), ("starred", self.starred_at)) if at]
        return f"user {self.user_id} on article {self.article_id}: {', '.join(flags) or 'nothing'}"


class ListVisit(models.Model):
    """When a user last looked at the article list, and where their previous visit ended.

    A visit is a run of list views with no gap longer than ``workspace.visits.VISIT_GAP``
    (30 minutes). ``new_since`` is the last list view of the previous visit: what arrived
    after it is "new since your last visit" for the whole of the current one.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_list_view_at = models.DateTimeField()
    new_since = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"user {self.user_id}: last list view {self.last_list_view_at:%Y-%m-%d %H:%M}"


from workspace.annotation_models import Annotation  # noqa: E402  (one app, models in two modules)
from workspace.saved_search_models import SavedSearch  # noqa: E402

__all__ = ["Annotation", "ListVisit", "ReadingState", "SavedSearch"]
