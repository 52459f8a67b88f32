from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

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

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["enabled", "next_poll_at"], name="source_due_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def can_poll(self) -> bool:
        """Whether polling has anything to fetch: manual sources and the folder-less source
        that ``load_seeds`` creates would only record a bogus failure."""
        if self.kind == SourceKind.MANUAL:
            return False
        return bool(self.folder) if self.kind == SourceKind.SEED_FOLDER else bool(self.url)

    @property
    def is_feed(self) -> bool:
        return self.kind in FEED_KINDS

    def keyword_list(self, field: str) -> list[str]:
        return [line.strip().lower() for line in getattr(self, field).splitlines() if line.strip()]
