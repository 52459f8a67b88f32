"""What enrichment found in articles, each finding with its evidence span.

Entities and indicators are shared across articles (one row per canonical
thing); a Mention or a Sighting ties one to one span of one section of one
article's text (title, teaser, executive summary, summary or body; offsets are
relative to that section), with the enricher and version that produced it.
Unique constraints on (article, thing, section, start, end) make duplicate
findings impossible even if two workers ever raced.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from articles.enrichment.sections import SECTION_LABELS, SECTION_NAMES
from articles.enrichment.vocabulary import ENTITY_KINDS, INDICATOR_LABELS, INDICATOR_TYPES
from articles.urlpaths import reverse_one

INDICATOR_TYPE_CHOICES = [(t, INDICATOR_LABELS[t]) for t in INDICATOR_TYPES]
SECTION_CHOICES = [(name, SECTION_LABELS[name]) for name in SECTION_NAMES]


def section_field() -> models.CharField:
    return models.CharField(
        max_length=20,
        choices=SECTION_CHOICES,
        default="body",
        help_text="the article text start/end point into",
    )


class Entity(models.Model):
    kind = models.CharField(max_length=32, choices=ENTITY_KINDS)
    name = models.CharField(max_length=300)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="ATT&CK ID for techniques, CPE vendor:product for products"
    )
    uuid = models.CharField(max_length=64, blank=True, help_text="MISP galaxy cluster UUID")
    ref = models.CharField(max_length=100, blank=True, help_text="where the name comes from")

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "entities"
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="entity_unique_kind_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.external_id})" if self.external_id else self.name

    def get_absolute_url(self) -> str:
        return reverse_one("articles:entity", pk=self.pk)


class Mention(models.Model):
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="mentions")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    section = section_field()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    matched = models.CharField(max_length=300)
    cves = models.CharField(
        max_length=300, blank=True, help_text="a product's CVE IDs in the same sentence, space-separated"
    )
    enricher = models.CharField(max_length=50)
    enricher_version = models.CharField(max_length=20)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "entity", "section", "start", "end"], name="mention_unique_span"
            ),
        ]
        indexes = [models.Index(fields=["entity", "article"], name="mention_entity_article_idx")]

    def __str__(self) -> str:
        return f"{self.entity} at {self.section} {self.start}-{self.end} of {self.article_id}"


class ArticleEntity(models.Model):
    """An entity an article mentions, one row per article and entity (the spans are Mentions).

    Written with the mentions (``articles.findings.store_result``). The entity filter and
    the entity page read a page of these newest-first off ``(entity, -published_at,
    -article)``; a join on Mention would repeat an article once per span.
    """

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="article_entities")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="article_links")
    mentions = models.PositiveIntegerField(default=1, help_text="how many spans of the article name it")
    # The article's published_at, copied by database triggers (migration 0013).
    published_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "entity"], name="articleentity_unique")]
        indexes = [
            models.Index(fields=["entity", "-published_at", "-article"], name="articleentity_newest_idx")
        ]

    def __str__(self) -> str:
        return f"{self.entity} in article {self.article_id}"


class Indicator(models.Model):
    type = models.CharField(max_length=16, choices=INDICATOR_TYPE_CHOICES)
    value = models.CharField(max_length=2000, help_text="refanged and normalized")
    benign = models.CharField(
        max_length=200, blank=True, help_text="the MISP warning list that names this value as known benign"
    )

    class Meta:
        ordering = ["type", "value"]
        constraints = [models.UniqueConstraint(fields=["type", "value"], name="indicator_unique_type_value")]
        # Newest first within a type: the API's indicator list filtered by type walks it and
        # stops at a page (without it, the walk passes every indicator of the other types).
        indexes = [
            models.Index(fields=["type", "-id"], name="indicator_type_newest_idx"),
            # the few on a warning list, newest first (the API's benign=true walks only them)
            models.Index(fields=["-id"], condition=~Q(benign=""), name="indicator_benign_newest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type}:{self.value}"


class SightingQuerySet(models.QuerySet):
    def as_written(self) -> SightingQuerySet:
        """Indicators the author wrote, without the hosts taken from their URLs and e-mails."""
        return self.filter(derived_from="")

    def derived(self) -> SightingQuerySet:
        """Hosts taken from a URL or an e-mail address (``derived_from`` names which)."""
        return self.exclude(derived_from="")


class Sighting(models.Model):
    """One occurrence of an indicator in one article's text."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="sightings")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="sightings")
    section = section_field()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    matched = models.CharField(max_length=2000)
    defanged = models.BooleanField(default=False)
    derived_from = models.CharField(
        max_length=2000,
        blank=True,
        help_text="the URL or e-mail address this host was taken from; empty when written alone",
    )
    note = models.CharField(max_length=200, blank=True, help_text="what normalization changed, for a reader")
    enricher = models.CharField(max_length=50)
    enricher_version = models.CharField(max_length=20)

    objects = SightingQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "indicator", "section", "start", "end"], name="sighting_unique_span"
            ),
        ]
        indexes = [
            models.Index(fields=["indicator", "article"], name="sighting_indicator_article_idx"),
            # hosts taken from URLs and e-mails: where the API's derived=true starts
            models.Index(
                fields=["indicator", "article"],
                condition=~Q(derived_from=""),
                name="sighting_derived_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} at {self.section} {self.start}-{self.end} of {self.article_id}"


class WatchEntity(models.Model):
    """A name admins want found in every article: their company, suppliers, products."""

    name = models.CharField(max_length=200, unique=True)
    aliases = models.TextField(blank=True, help_text="one alias per line")
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "watch entities"

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.aliases.splitlines() if line.strip())
