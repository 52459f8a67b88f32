"""What a published brief froze and where it went.

``PublishedSnapshot`` is the brief as published (its data, and its Markdown): pages, the
Markdown download, e-mail and feeds render it, so later edits to the articles change
nothing a reader sees. ``PublishedCitation`` lists the articles it cites, so every reader
check can ask "may this person read every one of them now?" in the database
(``BriefQuerySet.readable_by``). ``Delivery`` is one e-mail to one person; ``FeedToken``
is a reader's secret feed address.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from articles.tlp import TLP


class PublishedSnapshot(models.Model):
    brief = models.OneToOneField("briefs.Brief", on_delete=models.CASCADE, related_name="snapshot")
    tlp = models.CharField(max_length=16, choices=TLP.choices)
    # True only when the brief and every article it cites were TLP:CLEAR when published:
    # the condition for the public page and feed (checked again at each request).
    all_clear = models.BooleanField(default=False)
    data = models.JSONField(help_text="Everything the pages render, frozen at publication.")
    markdown = models.TextField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"snapshot of brief {self.brief_id}"


class PublishedCitation(models.Model):
    brief = models.ForeignKey("briefs.Brief", on_delete=models.CASCADE, related_name="citations")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brief", "article"], name="citation_unique")]

    def __str__(self) -> str:
        return f"brief {self.brief_id} cites article {self.article_id}"


class Delivery(models.Model):
    """One brief sent (or refused) to one person by e-mail."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    REFUSED = "refused"
    FAILED = "failed"
    STATUSES = [
        (PENDING, "Waiting to be sent"),
        (SENDING, "Being sent"),
        (SENT, "Sent"),
        (REFUSED, "Refused"),
        (FAILED, "Failed"),
    ]

    brief = models.ForeignKey("briefs.Brief", on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # How the recipient was named: "user" or the group's name.
    named_as = models.CharField(max_length=160, blank=True)
    address = models.CharField(max_length=254, blank=True)
    status = models.CharField(max_length=16, choices=STATUSES, default=PENDING)
    reason = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["brief", "recipient"], name="delivery_brief_recipient_idx")]

    def __str__(self) -> str:
        return f"brief {self.brief_id} to user {self.recipient_id}: {self.status}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """The secret part of a reader's Atom feed address. Whoever has it reads the feed as
    that reader (their clearance now), so it can be replaced from the brief list."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"feed token of user {self.user_id}"
