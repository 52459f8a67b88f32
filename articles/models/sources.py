from __future__ import annotations

from django.db import models

from articles.tlp import TLP


class SourceKind(models.TextChoices):
    RSS = "rss", "RSS"
    ATOM = "atom", "Atom"
    JSON = "json", "JSON Feed"
    SEED_FOLDER = "seed-folder", "Seed folder"
    MANUAL = "manual", "Manual entry"


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
    url = models.URLField(max_length=2000, blank=True)
    enabled = models.BooleanField(default=True)
    poll_interval_minutes = models.PositiveIntegerField(default=60)
    default_tlp = models.CharField(max_length=16, choices=TLP.choices, default=TLP.CLEAR)
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default=Reliability.F)

    # Health, written by the collector.
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # HTTP validators for conditional GET.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
