"""Saved searches: a person's search and filters under a name, with what is new in them.

Imported by ``workspace.models``; written only through ``workspace.saved_searches``
(saving, renaming, opening, counting) and ``workspace.digests`` (the e-mail digests).
The row stores the article list's query string, normalized (docs/workspace.md, "Saved
searches and digests"), never articles: what it matches is worked out each time from
``Article.objects.visible_to(owner)``, so a search can never show more than its owner may
read at that moment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

MAX_NAME_LENGTH = 100
MAX_QUERY_LENGTH = 2000


class Digest(models.TextChoices):
    NONE = "", "No e-mail"
    DAILY = "daily", "Daily e-mail"
    WEEKLY = "weekly", "Weekly e-mail"


class SavedSearch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=MAX_NAME_LENGTH)
    query = models.CharField(
        max_length=MAX_QUERY_LENGTH,
        help_text="The article list's query string: known filters only, sorted, no page cursor.",
    )
    summary = models.CharField(
        max_length=500, blank=True, help_text="The filters in words, as the list's chips showed them."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # "New" means arrived after this moment: set when saved, moved on each time it is opened.
    last_opened_at = models.DateTimeField(default=timezone.now)

    # The cached new-match count (workspace.saved_searches.with_new_counts): recounted at most
    # once per SAVED_SEARCH_COUNT_MINUTES, and at once when the owner's visibility changed.
    new_count = models.PositiveIntegerField(null=True, blank=True)
    new_count_capped = models.BooleanField(default=False)
    counted_at = models.DateTimeField(null=True, blank=True)
    counted_for = models.CharField(
        max_length=64, blank=True, help_text="The owner's visibility (clearance, RED grants) when counted."
    )

    # E-mail digest (workspace.digests): the period, the end of the window the last digest
    # covered, and the period it was claimed for (the claim that stops a second send).
    digest = models.CharField(max_length=8, choices=Digest.choices, default=Digest.NONE, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    digest_period = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            # Also the index of "my saved searches by name" (the sidebar, the page).
            models.UniqueConstraint(F("user"), Lower("name"), name="savedsearch_unique_user_name"),
        ]
        indexes = [
            # The digest dispatcher: searches of one period not yet claimed for this one.
            models.Index(
                fields=["digest", "digest_period"],
                condition=~models.Q(digest=""),
                name="savedsearch_digest_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"saved search {self.name!r} of user {self.user_id}"
