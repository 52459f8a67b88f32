from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, Count, ExpressionWrapper, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.tlp import TLP


class SourceKind(models.TextChoices):
    RSS = "rss", "RSS"
    ATOM = "atom", "Atom"
    RDF = "rdf", "RDF (RSS 1.0)"
    JSON = "json", "JSON Feed"
    SEED_FOLDER = "seed-folder", "Seed folder"
    MANUAL = "manual", "Manual entry"


FEED_KINDS = {SourceKind.RSS, SourceKind.ATOM, SourceKind.RDF, SourceKind.JSON}


class Reliability(models.TextChoices):
    """Admiralty (NATO) source reliability scale."""

    A = "A", "A — Completely reliable"
    B = "B", "B — Usually reliable"
    C = "C", "C — Fairly reliable"
    D = "D", "D — Not usually reliable"
    E = "E", "E — Unreliable"
    F = "F", "F — Reliability cannot be judged"


# Days counted by the "items, 7 days" column of the admin and the health page.
RECENT_DAYS = 7


def _has_something_to_fetch() -> Q:
    """THE rule for "can this source be polled?": a feed with an address, or a seed folder
    with a folder. Manual sources, and the folder-less "Seed files" source that
    ``load_seeds`` creates, have nothing to fetch (an empty folder is never the current
    directory). Everything that decides about polling asks this, through the queryset."""
    has_folder = Q(kind=SourceKind.SEED_FOLDER) & ~Q(folder="")
    has_url = Q(kind__in=FEED_KINDS) & ~Q(url="")
    return has_folder | has_url


class SourceQuerySet(models.QuerySet):
    def pollable(self) -> SourceQuerySet:
        """Sources with something to fetch, whether or not they are enabled or due."""
        return self.filter(_has_something_to_fetch())

    def due(self, now: dt.datetime | None = None) -> SourceQuerySet:
        """Pollable, enabled sources whose next poll time has come (empty: due now)."""
        now = now or timezone.now()
        return (
            self.pollable()
            .filter(enabled=True)
            .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        )

    def queueable(self, now: dt.datetime) -> SourceQuerySet:
        """Due sources that are neither being polled nor already waiting in the queue."""
        stale = now - timedelta(seconds=settings.POLL_CLAIM_STALE_SECONDS)
        return (
            self.due(now)
            .filter(polling_started_at__isnull=True)
            .filter(Q(poll_queued_at__isnull=True) | Q(poll_queued_at__lt=stale))
        )

    def with_pollable(self) -> SourceQuerySet:
        """Annotate ``is_pollable`` (the same rule as :meth:`pollable`), so a list of sources
        can show a "Poll now" button or a schedule per row without a query per row."""
        return self.annotate(
            is_pollable=ExpressionWrapper(_has_something_to_fetch(), output_field=BooleanField())
        )

    def with_recent_item_counts(self, user) -> SourceQuerySet:
        """Annotate ``recent_items``: articles published in the last week that ``user`` may read.

        One correlated subquery (served by the source + published_at index) rather than a
        query per row; counted through ``visible_to`` because a count is also a way to
        learn that restricted articles exist.
        """
        from articles.models.articles import Article

        since = timezone.now() - timedelta(days=RECENT_DAYS)
        recent = (
            Article.objects.visible_to(user)
            .filter(source=OuterRef("pk"), published_at__gte=since)
            .order_by()
            .values("source")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(recent_items=Coalesce(Subquery(recent, output_field=IntegerField()), 0))


class Source(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=SourceKind.choices, default=SourceKind.MANUAL)
    url = models.URLField(max_length=2000, blank=True, help_text="feed URL")
    folder = models.CharField(
        max_length=1000, blank=True, help_text="watched folder, for seed-folder sources"
    )
    enabled = models.BooleanField(default=True)
    poll_interval_minutes = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)]
    )
    include_keywords = models.TextField(
        blank=True, help_text="one per line; when set, only entries mentioning one of them are kept"
    )
    exclude_keywords = models.TextField(
        blank=True, help_text="one per line; entries mentioning one are dropped"
    )
    default_tlp = models.CharField(max_length=16, choices=TLP.choices, default=TLP.CLEAR)
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default=Reliability.F)

    # Health, written by the collector.
    next_poll_at = models.DateTimeField(null=True, blank=True, help_text="empty: due now")
    polling_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When beat last queued a poll that has not run yet: stops it queueing the same source
    # every minute while workers are busy.
    poll_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_kind = models.CharField(max_length=32, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_result = models.JSONField(default=dict, blank=True, help_text="counts of the last poll")
    consecutive_failures = models.PositiveIntegerField(default=0)
    # HTTP validators for conditional GET.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["enabled", "next_poll_at"], name="source_due_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def can_poll(self) -> bool:
        """Whether this row passes :meth:`SourceQuerySet.pollable` (the one rule), read from
        the ``with_pollable`` annotation when the row has it, else asked of the database."""
        if "is_pollable" in self.__dict__:
            return bool(self.__dict__["is_pollable"])
        return self.pk is not None and Source.objects.pollable().filter(pk=self.pk).exists()

    @property
    def is_scheduled(self) -> bool:
        """Whether beat will poll it on its own: "due now", "in 20 minutes" or "not scheduled"
        are chosen from this, on every page that shows a schedule."""
        return self.enabled and self.can_poll

    @property
    def nothing_to_poll_reason(self) -> str:
        """Why :attr:`can_poll` is false, in words (not a second copy of the rule: only read
        once the rule said no)."""
        if self.kind == SourceKind.MANUAL:
            return "a manual source has nothing to poll"
        if self.kind == SourceKind.SEED_FOLDER:
            return "it has no folder to read"
        return "it has no feed address"

    @property
    def is_feed(self) -> bool:
        return self.kind in FEED_KINDS

    def keyword_list(self, field: str) -> list[str]:
        return [line.strip().lower() for line in getattr(self, field).splitlines() if line.strip()]
