"""Celery tasks of the briefs: thin wrappers that take ids. The protocol is in
``briefs.delivery``."""

from __future__ import annotations

import logging

from celery import shared_task

from articles import dispatch
from briefs import delivery

log = logging.getLogger(__name__)
MAX_SEND_RETRIES = 6  # 30 s doubling to 16 min, like the digests


@shared_task(bind=True, acks_late=True, max_retries=MAX_SEND_RETRIES, soft_time_limit=60, time_limit=90)
def send_delivery_task(self, delivery_id: int) -> str:
    try:
        return delivery.deliver(delivery_id)
    except delivery.TransientSendError as exc:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=min(960, 30 * 2**self.request.retries)) from exc
        log.error("brief delivery %s not sent after %d retries: %s", delivery_id, self.max_retries, exc)
        delivery.give_up(delivery_id, str(exc))
        raise


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def requeue_pending_deliveries_task() -> int:
    """Beat: send again the deliveries whose message was lost (a broker outage at request
    time, a wiped queue). Harmless when the message was not lost: the claim sends once."""
    pending = delivery.lost_delivery_ids()
    dispatch.send(send_delivery_task, [(pk,) for pk in pending])
    return len(pending)
