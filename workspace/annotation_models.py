"""Notes on articles: a highlighted passage (or the whole article) and what an analyst wrote.

Imported by ``workspace.models``; written only through ``workspace.annotations``.
An annotation belongs to its article (deleted with it) and is read only through
``workspace.annotations.visible_annotations``, which starts from the articles the reader
may read: a note never outlives its article's visibility.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from workspace.anchoring import Selector

MAX_NOTE_LENGTH = 10_000


class Annotation(models.Model):
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # A reply belongs to a shared note's thread; it has no passage of its own.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    shared = models.BooleanField(default=False, help_text="Shared with everyone who may read the article.")
    body = models.TextField(max_length=MAX_NOTE_LENGTH, help_text="Markdown, as written.")
    body_html = models.TextField(editable=False, help_text="The Markdown rendered and sanitized.")
    # W3C Web Annotation selectors, over the article's annotatable text (workspace.anchoring).
    # An empty quote: a note on the whole article.
    quote_exact = models.TextField(blank=True)
    quote_prefix = models.CharField(max_length=64, blank=True)
    quote_suffix = models.CharField(max_length=64, blank=True)
    position_start = models.PositiveIntegerField(null=True, blank=True)
    position_end = models.PositiveIntegerField(null=True, blank=True)
    deleted = models.BooleanField(default=False, help_text="Removed by its author; kept for its replies.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The article page's side list: one article's notes in order.
            models.Index(fields=["article", "created_at"], name="annotation_article_idx"),
            # "My notes", newest first.
            models.Index(fields=["author", "-updated_at"], name="annotation_author_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(shared=True), name="annotation_reply_is_shared"
            ),
        ]

    def __str__(self) -> str:
        return f"note {self.pk} by {self.author_id} on article {self.article_id}"

    @property
    def selector(self) -> Selector:
        return Selector(self.quote_exact, self.quote_prefix, self.quote_suffix, self.position_start)

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None
