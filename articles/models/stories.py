"""Stories: one event reported by several sources, grouped so it is read once."""

from __future__ import annotations

from django.db import models

from articles.urlpaths import reverse_one


class Story(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return f"story {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse_one("articles:story", pk=self.pk)


class SimilarityKey(models.Model):
    """One LSH key of an article's text: articles sharing a key are near-duplicate candidates."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="similarity_keys")
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key"], name="similaritykey_key_idx")]
        constraints = [models.UniqueConstraint(fields=["article", "key"], name="similaritykey_unique")]

    def __str__(self) -> str:
        return f"{self.key} of {self.article_id}"
