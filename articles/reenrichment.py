"""Re-enrichment asked for by a person: one place that queues it and records who asked.

The article page's button and the admin action call ``request_reenrichment``; the caller
has already limited the ids to articles the person may read (``visible_to``), and this
function queues exactly those. ``manage.py enrich`` (an operator on the server, possibly
over a million articles) queues in batches and records one event without a count.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest

from articles import processing
from audit.actions import Action
from audit.services import record_for_articles


def request_reenrichment(article_ids: Iterable[int], *, user=None, request: HttpRequest | None = None) -> int:
    """Queue enrichment of ``article_ids`` (after commit) and audit one event per article."""
    ids = list(article_ids)
    if not ids:
        return 0
    with transaction.atomic():
        processing.enqueue(ids)
        record_for_articles(Action.REENRICH, ids, request=request, actor=user)
    return len(ids)
