from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.text import slugify

from articles import bylines
from articles.enrichment.vocabulary import CATEGORIES, INTEL_LEVELS, PRIORITIES
from articles.querysets import ArticleQuerySet
from articles.tlp import TLP
from articles.urlpaths import reverse_one


class Author(models.Model):
    """A person credited on articles (a byline, not a portal user)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse_one("articles:author", slug=self.slug)

    @staticmethod
    def slug_for(name: str) -> str:
        return slugify(name, allow_unicode=True)[:220] or "author"


class ProcessingStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class FailureKind(models.TextChoices):
    """Why processing FAILED, which decides whether the sweeper tries again by itself."""

    NONE = "", "—"
    # The article itself (bad data, a bug, over the time limit, killing its worker every
    # time): running it again gives the same result, so a person decides.
    PERMANENT = "permanent", "Permanent"
    # The database or the broker kept failing: the sweeper queues it again after a backoff.
    INFRASTRUCTURE = "infrastructure", "Infrastructure"


class Article(models.Model):
    source = models.ForeignKey("articles.Source", on_delete=models.PROTECT, related_name="articles")
    # Identity within the source: a feed's GUID, a seed's file name. Upserts key on it.
    guid = models.CharField(max_length=500)
    url = models.URLField(
        max_length=2000, blank=True, help_text="canonical link (tracking parameters removed)"
    )

    title = models.CharField(max_length=1000)
    teaser = models.TextField(blank=True)
    executive_summary = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    body_html = models.TextField(blank=True, help_text="Sanitized HTML, safe to render.")
    body_text = models.TextField(blank=True, help_text="Plain text; finding offsets point here.")
    authors = models.ManyToManyField(Author, through="ArticleAuthor", related_name="articles")

    published_at = models.DateTimeField()
    published_estimated = models.BooleanField(
        default=False, help_text="the source gave no date; this is when the portal first saw it"
    )
    ingested_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    content_hash = models.CharField(max_length=64)
    language = models.CharField(max_length=16, blank=True)
    word_count = models.PositiveIntegerField(default=0)
    reading_minutes = models.PositiveIntegerField(default=0)

    # Classification. TLP drives access; the rest is proposed by enrichment.
    tlp = models.CharField(max_length=16, choices=TLP.choices, default=TLP.CLEAR)
    category = models.CharField(max_length=32, choices=CATEGORIES, blank=True)
    intel_level = models.CharField(max_length=16, choices=INTEL_LEVELS, blank=True)
    priority = models.CharField(max_length=16, choices=PRIORITIES, blank=True)
    # What enrichment wrote from its findings (people's edits live in ClassificationOverride).
    assessment = models.TextField(blank=True)
    classification_reasons = models.JSONField(default=list, blank=True)
    auto_summary = models.TextField(blank=True, help_text="extractive summary, for articles without one")
    keywords = models.JSONField(default=list, blank=True)

    # Asynchronous processing, written before dispatch and claimed by the worker.
    processing_status = models.CharField(
        max_length=16, choices=ProcessingStatus.choices, default=ProcessingStatus.PENDING
    )
    processing_error = models.TextField(blank=True)
    processing_queued_at = models.DateTimeField(null=True, blank=True)
    processing_claimed_at = models.DateTimeField(null=True, blank=True)
    # Claims since the work was last requested: a worker that dies on an article every time
    # (out of memory, hard time limit) must not be retried for ever.
    processing_attempts = models.PositiveSmallIntegerField(default=0)
    # Passing database errors since the work was last requested (not worker deaths).
    processing_retries = models.PositiveSmallIntegerField(default=0)
    processing_failure_kind = models.CharField(
        max_length=16, choices=FailureKind.choices, blank=True, default=FailureKind.NONE
    )
    # An infrastructure failure is queued again by the sweeper after this moment.
    processing_retry_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    processing_versions = models.JSONField(default=dict, blank=True)

    # Stories: the same story from several sources is one story (see articles/stories.py).
    story = models.ForeignKey(
        "articles.Story", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    fingerprint = models.BigIntegerField(null=True, blank=True, help_text="64-bit SimHash of the text")

    # PostgreSQL full-text search; NULL on SQLite, which searches with LIKE instead.
    search_vector = SearchVectorField(null=True, editable=False)

    grants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ArticleGrant",
        through_fields=("article", "user"),
        related_name="granted_articles",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [("reenrich_article", "Can re-run enrichment on an article")]
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="article_unique_guid_per_source"),
        ]
        indexes = [
            # Newest-first keyset pagination: WHERE (published_at, id) < (…) ORDER BY … DESC.
            models.Index(fields=["-published_at", "-id"], name="article_newest_idx"),
            # The visibility filter combined with newest-first ordering.
            models.Index(fields=["tlp", "-published_at", "-id"], name="article_tlp_newest_idx"),
            models.Index(fields=["source", "-published_at"], name="article_source_newest_idx"),
            models.Index(
                fields=["processing_status", "processing_claimed_at"], name="article_processing_idx"
            ),
            # A story's versions in order, and its first report (the list's one-row-per-story).
            models.Index(fields=["story", "published_at", "id"], name="article_story_idx"),
            # Exact-duplicate detection by canonical link.
            models.Index(fields=["url"], name="article_url_idx"),
            # Exact-duplicate detection by text. A plain index: db_index=True on a CharField
            # also builds a varchar_pattern_ops ("_like") copy for LIKE queries nobody runs.
            models.Index(fields=["content_hash"], name="article_content_hash_idx"),
            # A label's articles in the order they were added (findings written, else taken
            # in): TAXII collections page through them (api.exports.taxii), and without it
            # every page sorted the whole label first (1.6 s at 100k articles).
            models.Index("tlp", Coalesce("processed_at", "ingested_at"), "id", name="article_tlp_added_idx"),
            # Arrivals since a moment: "new since your last visit", saved searches' new
            # matches and their digests. Few articles arrive between two visits, but without
            # it the count read every article published in the week before (9 ms at 1M, on
            # every list view).
            models.Index(fields=["ingested_at"], name="article_ingested_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse_one("articles:detail", pk=self.pk)

    @property
    def enrichment_text(self) -> str:
        """The article's main plain text (for story fingerprints); findings point into every
        section instead, see ``articles.findings.article_sections``."""
        return self.body_text or self.summary or self.teaser

    @property
    def ordered_authors(self) -> list:
        """Authors in byline order: the plain values ``with_byline`` attached (articles/
        bylines.py) when present, else the authors, from the related manager."""
        attached = self.__dict__.get(bylines.AUTHORS_ATTR)
        if attached is not None:
            return attached
        return [link.author for link in self.article_authors.all()]

    @property
    def tags_sorted(self) -> list:
        """Tags by name: ``with_byline``'s plain values when present, else the tags."""
        attached = self.__dict__.get(bylines.TAGS_ATTR)
        if attached is not None:
            return attached
        return sorted((link.tag for link in self.article_tags.all()), key=lambda tag: tag.name)


class ArticleAuthor(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="article_links")
    position = models.PositiveSmallIntegerField()
    # The article's published_at, copied by database triggers (migration 0013) so the author
    # filter can walk this table's index newest-first (docs/architecture.md, "Scale").
    published_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="articleauthor_unique_position"),
            models.UniqueConstraint(fields=["article", "author"], name="articleauthor_unique_author"),
        ]
        indexes = [
            models.Index(fields=["author", "-published_at", "-article"], name="articleauthor_newest_idx")
        ]

    def __str__(self) -> str:
        return f"{self.author} on article {self.article_id}"


class ArticleGrant(models.Model):
    """An explicit permission for one user to read one RED article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="article_grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="articlegrant_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} may read {self.article_id}"
