"""Celery tasks of the workspace: thin wrappers that take ids. The digests' protocol (dispatch,
claim, content at send time, retries) is stated in ``workspace.digests``; the saved-search
counts' bounds in ``workspace.saved_searches``."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from articles import dispatch
from workspace import digests, saved_searches
from workspace.models import SavedSearch

log = logging.getLogger(__name__)
MAX_SEND_RETRIES = 6  # 30 s doubling to 16 min: about half an hour of a mail server being away


@shared_task
def dispatch_digests_task(period: str) -> int:
    """Queue one send per saved search whose ``period`` digest is due and unclaimed (beat)."""
    now = timezone.now()
    key = digests.period_key(period, now)
    due = digests.due_search_ids(period, now)
    # A broker outage is logged once and sends nothing; the next beat run queues them again.
    dispatch.send(send_digest_task, [(search_id, period, key) for search_id in due])
    return len(due)


@shared_task(bind=True, acks_late=True, max_retries=MAX_SEND_RETRIES, soft_time_limit=60, time_limit=90)
def send_digest_task(self, search_id: int, period: str, key: str) -> str:
    try:
        return digests.send_digest(search_id, period, key)
    except digests.TransientSendError as exc:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=min(960, 30 * 2**self.request.retries)) from exc
        # Out of retries: the claim is back, so the next dispatch tries this period again.
        log.error("digest %s for %s not sent after %d retries: %s", search_id, key, self.max_retries, exc)
        raise


@shared_task(acks_late=True, soft_time_limit=30, time_limit=60)
def recount_saved_search_task(search_id: int) -> int | None:
    """Count a saved search's new matches that were too slow to count in a page view."""
    search = SavedSearch.objects.select_related("user").filter(pk=search_id).first()
    if search is None:
        return None
    owner = search.user
    key = saved_searches.visibility_key(owner)
    return saved_searches.recount(
        search, owner, key, settings.SAVED_SEARCH_BACKGROUND_COUNT_MS, timezone.now()
    )
