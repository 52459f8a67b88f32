"""Celery tasks of the workspace: thin wrappers that take ids and call ``workspace.digests``
(which states the protocol: dispatch, claim, content at send time, retries)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from workspace import digests

log = logging.getLogger(__name__)
MAX_SEND_RETRIES = 6  # 30 s doubling to 16 min: about half an hour of a mail server being away


@shared_task
def dispatch_digests_task(period: str) -> int:
    """Queue one send per saved search whose ``period`` digest is due and unclaimed (beat)."""
    now = timezone.now()
    key = digests.period_key(period, now)
    due = digests.due_search_ids(period, now)
    for search_id in due:
        send_digest_task.delay(search_id, period, key)
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
