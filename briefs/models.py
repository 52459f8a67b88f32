"""The brief as editors assemble it: the brief, its sections, items and key judgments.

Rows change only through ``briefs.composition`` (assembly) and ``briefs.workflow`` (status),
which check permission, the brief's ``version`` (optimistic concurrency) and write the
audit trail. What readers see of a published brief is its frozen snapshot
(``briefs.publication_models``), not these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from articles.tlp import TLP
from briefs.querysets import BriefQuerySet


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class Kind(models.TextChoices):
    WEEKLY = "weekly", "Weekly brief"
    SPECIAL = "special", "Special brief"


class Confidence(models.TextChoices):
    LOW = "low", "Low confidence"
    MODERATE = "moderate", "Moderate confidence"
    HIGH = "high", "High confidence"


class Brief(models.Model):
    """One revision of a brief. A correction is a new row (``revision`` + 1, ``corrects``
    the published one); the corrected revision stays readable and says it was corrected."""

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.WEEKLY)
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    revision = models.PositiveSmallIntegerField(default=1)
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    executive_summary = models.TextField(blank=True)
    # The label editors chose as a floor; ``tlp`` is never lower than it or any item's.
    tlp_floor = models.CharField(max_length=16, choices=TLP.choices, default=TLP.CLEAR)
    tlp = models.CharField(
        max_length=16,
        choices=TLP.choices,
        default=TLP.CLEAR,
        help_text="Computed: see composition.recompute_tlp.",
    )
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Every change to the brief or its parts moves it by one, conditionally on the value the
    # editor's form was rendered with: a second editor's stale form is refused, not applied.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = BriefQuerySet.as_manager()

    class Meta:
        ordering = ["-iso_year", "-iso_week", "-revision", "-pk"]
        constraints = [
            # One weekly brief per ISO week and revision; special briefs are not limited.
            models.UniqueConstraint(
                fields=["iso_year", "iso_week", "revision"],
                condition=Q(kind="weekly"),
                name="brief_one_weekly_per_week_revision",
            ),
            models.CheckConstraint(
                condition=Q(iso_week__gte=1, iso_week__lte=53), name="brief_iso_week_range"
            ),
        ]
        indexes = [
            # The reader's list: published, newest first.
            models.Index(fields=["status", "-published_at"], name="brief_published_idx"),
        ]

    def __str__(self) -> str:
        # Without the title: the audit trail keeps this as the object's name, and admins of
        # any clearance read the trail; a title can say what a restricted brief is about.
        revision = f", revision {self.revision}" if self.revision > 1 else ""
        return f"{self.get_kind_display()} {self.week_label}{revision} (#{self.pk})"

    @property
    def heading(self) -> str:
        """The title as pages show it (to readers cleared for the brief)."""
        revision = f" (revision {self.revision})" if self.revision > 1 else ""
        return f"{self.title}{revision}"

    @property
    def week_label(self) -> str:
        return f"{self.iso_year}-W{self.iso_week:02d}"


class BriefSection(models.Model):
    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0)
    # The article category the section was made for ("" once renamed or made by hand).
    category = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class BriefItem(models.Model):
    """An article, or a whole story (``whole_story``: every report of the article's story
    the editor may read), with the editor's commentary."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(BriefSection, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    whole_story = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    commentary = models.TextField(blank=True, max_length=4000)
    # The most restrictive label among the articles the item cites, when last computed.
    tlp = models.CharField(max_length=16, choices=TLP.choices, default=TLP.CLEAR)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["brief", "article"], name="briefitem_unique_article")]

    def __str__(self) -> str:
        return f"item {self.pk} of brief {self.brief_id}"


class KeyJudgment(models.Model):
    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="judgments")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=2000)
    confidence = models.CharField(max_length=16, choices=Confidence.choices, default=Confidence.MODERATE)
    supported_by = models.ManyToManyField(BriefItem, blank=True, related_name="judgments")

    class Meta:
        ordering = ["number", "pk"]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


from briefs.publication_models import Delivery, FeedToken, PublishedCitation, PublishedSnapshot  # noqa: E402

__all__ = [
    "Brief",
    "BriefItem",
    "BriefSection",
    "Delivery",
    "FeedToken",
    "KeyJudgment",
    "PublishedCitation",
    "PublishedSnapshot",
]
