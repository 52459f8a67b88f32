from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.text import slugify


class Tag(models.Model):
    """A free label (``ransomware``) or a taxonomy machine tag (``tlp:amber``)."""

    name = models.CharField(max_length=255, unique=True)
    slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = self._free_slug()
        super().save(*args, **kwargs)

    @staticmethod
    def slug_for(name: str) -> str:
        """The slug a tag called ``name`` starts from (a clash gets "-2", "-3", …)."""
        return slugify(name.replace(":", "-"), allow_unicode=True)[:240] or "tag"

    def _free_slug(self) -> str:
        # "tlp:amber" and "tlp-amber" slugify alike; the second one gets a suffix.
        base = Tag.slug_for(self.name)
        candidate, n = base, 1
        while Tag.objects.filter(slug=candidate).exclude(pk=self.pk).exists():
            n += 1
            candidate = f"{base}-{n}"
        return candidate


class ArticleTag(models.Model):
    """A tag on an article, with who (a person) or what (an enricher) put it there."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="article_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="article_tags")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_by_enricher = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The article's published_at, copied by database triggers (migration 0013) so the tag
    # filter can walk this table's index newest-first (docs/architecture.md, "Scale").
    published_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "tag"], name="articletag_unique_per_article"),
        ]
        indexes = [models.Index(fields=["tag", "-published_at", "-article"], name="articletag_newest_idx")]

    def __str__(self) -> str:
        return f"{self.tag} on {self.article_id}"
