"""Writing and reading the audit trail.

``record`` (one event) and ``record_for_articles`` (one per article, in bulk) are the only
ways events are written; callers pass the request when there is one (the actor and the
client address come from it). ``visible_events`` applies
the article visibility rule to events that name an article.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from audit.models import AuditEvent


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address, for the audit trail and for sign-in throttling.

    The peer's address (REMOTE_ADDR) unless TRUSTED_PROXY_COUNT says that many reverse
    proxies stand in front of the portal: then each of them appended the address it saw
    to X-Forwarded-For, and the one the outermost proxy appended is the client. Entries
    further left were written by the client and are never trusted. (gunicorn's
    ``forwarded_allow_ips`` only vouches for the scheme; it does not change REMOTE_ADDR.)
    """
    if request is None:
        return None
    peer = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < proxies:
        return peer  # did not come through every proxy: only the peer is known
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return peer


def _actor_of(actor, request: HttpRequest | None):
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    return actor


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor=None,
    obj: Model | None = None,
    article_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str = "",
    username: str = "",
) -> AuditEvent:
    """Append one event. ``obj`` names the object acted on; ``article_id`` ties the event
    to an article for visibility (taken from ``obj`` when it is an article)."""
    actor = _actor_of(actor, request)
    if obj is not None and article_id is None and obj._meta.label_lower == "articles.article":
        article_id = obj.pk
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=(actor.get_username() if actor is not None else username)[:150],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        article_id=article_id,
        before=before or {},
        after=after or {},
        client_address=client_address(request),
        detail=detail,
    )


def record_for_articles(
    action: str,
    article_ids: Iterable[int],
    *,
    request: HttpRequest | None = None,
    actor=None,
    detail: str = "",
) -> int:
    """One event per article, written in one statement (bulk actions on many articles);
    each event follows its own article's visibility."""
    actor = _actor_of(actor, request)
    events = [
        AuditEvent(
            actor=actor,
            actor_username=actor.get_username() if actor is not None else "",
            action=action,
            object_type="articles.article",
            object_id=str(pk),
            article_id=pk,
            client_address=client_address(request),
            detail=detail,
        )
        for pk in article_ids
    ]
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)


def visible_events(user) -> QuerySet[AuditEvent]:
    """Events ``user`` may read: all that name no article, and those naming an article
    they may read (an event about a deleted article is hidden from everyone)."""
    from articles.models import Article

    readable = Article.objects.visible_to(user).values("pk")
    return AuditEvent.objects.filter(Q(article_id__isnull=True) | Q(article_id__in=readable))


def prune(now: dt.datetime | None = None) -> int:
    """Delete events older than AUDIT_RETENTION_DAYS (0 keeps them for ever)."""
    days = settings.AUDIT_RETENTION_DAYS
    if not days:
        return 0
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted
