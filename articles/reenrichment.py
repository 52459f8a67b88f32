"""Re-enrichment asked for by a person: one place that queues it and records who asked.

The article page's button, the admin action and ``manage.py enrich`` all call
``request_reenrichment``; the caller has already limited the ids to articles the
person may read (``visible_to``), and this function queues exactly those.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest

from articles import processing
from audit.actions import Action
from audit.models import AuditEvent
from audit.services import client_address


def request_reenrichment(article_ids: Iterable[int], *, user=None, request: HttpRequest | None = None) -> int:
    """Queue enrichment of ``article_ids`` (after commit) and audit one event per article."""
    ids = list(article_ids)
    if not ids:
        return 0
    actor = user if user is not None else getattr(request, "user", None)
    actor = actor if actor is not None and actor.is_authenticated else None
    address = client_address(request)
    with transaction.atomic():
        processing.enqueue(ids)
        # One row per article so each event follows its own article's visibility.
        AuditEvent.objects.bulk_create(
            AuditEvent(
                actor=actor,
                actor_username=actor.get_username() if actor else "",
                action=Action.REENRICH,
                object_type="articles.article",
                object_id=str(pk),
                article_id=pk,
                client_address=address,
            )
            for pk in ids
        )
    return len(ids)
