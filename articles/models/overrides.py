"""A person's corrections, which re-enrichment must respect."""

from __future__ import annotations

from django.conf import settings
from django.db import models

CLASSIFICATION_FIELDS = ("category", "intel_level", "priority")


class ClassificationOverride(models.Model):
    """Who changed which classification field of an article, when, from what to what.

    The newest row per (article, field) is in force: enrichment still proposes,
    but never overwrites a field a person has set.
    """

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="overrides")
    field = models.CharField(max_length=32, choices=[(f, f) for f in CLASSIFICATION_FIELDS])
    old_value = models.CharField(max_length=32, blank=True)
    new_value = models.CharField(max_length=32)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["article", "field"], name="override_article_field_idx")]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value or '—'} → {self.new_value}"


class SuppressedTag(models.Model):
    """A tag a person removed from an article; enrichment will not add it back."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="suppressed_tags")
    tag = models.ForeignKey("articles.Tag", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "tag"], name="suppressedtag_unique")]

    def __str__(self) -> str:
        return f"{self.tag} suppressed on {self.article_id}"
