"""Sending a published brief by e-mail to named people and groups.

1. **Request** (``request_sending``, an editor or admin): the named users and the active
   members of the named groups become one ``Delivery`` row each, PENDING, or REFUSED at
   once with the reason when the person may not read the brief now. One audit event
   (``brief.send``) names the counts. After the commit, one ``send_delivery_task`` per
   pending row.
2. **Send** (``deliver``, the task): claim the row (PENDING → SENDING, a conditional
   UPDATE: a redelivered message sends nothing twice), then check the recipient **again**,
   at send time: active, an address, and ``Brief.objects.readable_by(recipient)`` — the
   same rule as the pages (clearance, and every cited article readable now). Refused:
   REFUSED with the reason, nothing sent.
3. TLP:AMBER+STRICT and TLP:RED briefs are never e-mailed (``workspace.digests.WITHHELD``:
   e-mail cannot keep a message to its named recipients); the request is refused whole.
4. A transient SMTP error puts the row back to PENDING and the task retries with backoff;
   a permanent one marks it FAILED with the reason.

The message is the frozen snapshot as plain text (its Markdown) and HTML, with the TLP
label in the subject, at the top and at the bottom.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from articles import dispatch
from articles.tlp import TLP
from audit.actions import Action
from audit.services import record
from briefs.composition import BriefError
from briefs.models import Brief
from briefs.publication_models import Delivery
from briefs.querysets import may_edit_briefs
from workspace.digests import TLP_COLOURS, WITHHELD, is_transient

log = logging.getLogger(__name__)


class TransientSendError(Exception):
    """The mail server could not take the message now; the row is PENDING again."""


def refusal(brief: Brief, user: User) -> str:
    """Why ``user`` may not receive ``brief`` now ("" when they may)."""
    if brief.tlp in WITHHELD:
        return f"{TLP(brief.tlp).label} briefs are never sent by e-mail."
    if not user.is_active:
        return "The account is inactive."
    if not user.email:
        return "The account has no e-mail address."
    if not Brief.objects.readable_by(user).filter(pk=brief.pk).exists():
        return (
            f"Not cleared: {user.get_clearance_display()} does not cover this "
            f"{TLP(brief.tlp).label} brief or one of its articles."
        )
    return ""


def request_sending(brief: Brief, actor, *, user_ids=(), group_ids=(), request=None) -> list[Delivery]:
    if not may_edit_briefs(actor):
        raise BriefError("Only editors and admins send briefs.")
    if brief.status != "published":
        raise BriefError("Only a published brief is sent.")
    if brief.tlp in WITHHELD:
        raise BriefError(
            f"{TLP(brief.tlp).label} briefs are never sent by e-mail: e-mail cannot keep a message "
            "to its named recipients. Point the readers to the portal instead."
        )
    named: dict[int, tuple[User, str]] = {}
    for user in User.objects.filter(pk__in=list(user_ids)):
        named.setdefault(user.pk, (user, "user"))
    for user in User.objects.filter(groups__pk__in=list(group_ids), is_active=True).prefetch_related(
        "groups"
    ):
        group = next((g.name for g in user.groups.all() if g.pk in set(group_ids)), "group")
        named.setdefault(user.pk, (user, f"group {group}"))
    if not named:
        raise BriefError("Name at least one person or group.")
    now = timezone.now()
    with transaction.atomic():
        rows = []
        for user, named_as in named.values():
            reason = refusal(brief, user)
            rows.append(
                Delivery(
                    brief=brief,
                    recipient=user,
                    named_as=named_as,
                    address=user.email,
                    status=Delivery.REFUSED if reason else Delivery.PENDING,
                    reason=reason,
                    requested_by=actor,
                    finished_at=now if reason else None,
                )
            )
        rows = Delivery.objects.bulk_create(rows)
        pending = [row.pk for row in rows if row.status == Delivery.PENDING]
        record(
            Action.BRIEF_SEND,
            request=request,
            actor=actor,
            obj=brief,
            after={"queued": len(pending), "refused": len(rows) - len(pending)},
            detail=", ".join(f"{row.recipient.get_username()}: {row.reason}" for row in rows if row.reason)[
                :2000
            ],
        )
        from briefs.tasks import send_delivery_task

        dispatch.send_on_commit(send_delivery_task, [(pk,) for pk in pending])
    return rows


def deliver(delivery_id: int) -> str:
    """Send one delivery (module docstring, step 2); returns what happened."""
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.PENDING).update(
        status=Delivery.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return "claimed elsewhere"
    delivery = Delivery.objects.select_related("brief__snapshot", "recipient").get(pk=delivery_id)
    brief, user = delivery.brief, delivery.recipient
    reason = refusal(brief, user)
    if reason:
        _finish(delivery, Delivery.REFUSED, reason)
        log.info("brief %s not sent to user %s: %s", brief.pk, user.pk, reason)
        return "refused"
    try:
        compose(brief, user).send()
    except (smtplib.SMTPException, OSError) as exc:
        if not is_transient(exc):
            _finish(delivery, Delivery.FAILED, f"The mail server refused it: {exc}")
            return "failed"
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.SENDING).update(
            status=Delivery.PENDING, reason=f"Will retry: {exc}"[:2000]
        )
        raise TransientSendError(f"delivery {delivery.pk}: {exc}") from exc
    except BaseException:
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.SENDING).update(status=Delivery.PENDING)
        raise
    _finish(delivery, Delivery.SENT, "")
    return "sent"


def _finish(delivery: Delivery, status: str, reason: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, reason=reason[:2000], finished_at=timezone.now()
    )


# Longer than the tasks' longest retry countdown (16 min): a row waiting for its retry is
# not "lost" yet.
LOST_AFTER = dt.timedelta(minutes=20)
MAX_ATTEMPTS = 7  # the first try and six retries


def lost_delivery_ids(now: dt.datetime | None = None) -> list[int]:
    """PENDING deliveries requested more than LOST_AFTER ago; rows tried MAX_ATTEMPTS
    times become FAILED instead."""
    cutoff = (now or timezone.now()) - LOST_AFTER
    stale = Delivery.objects.filter(status=Delivery.PENDING, requested_at__lt=cutoff)
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Delivery.FAILED, reason="Not sent after every retry.", finished_at=timezone.now()
    )
    return list(stale.filter(attempts__lt=MAX_ATTEMPTS).order_by("pk").values_list("pk", flat=True)[:500])


def give_up(delivery_id: int, error: str) -> None:
    """After the last retry: FAILED with the last error."""
    Delivery.objects.filter(pk=delivery_id, status=Delivery.PENDING).update(
        status=Delivery.FAILED, reason=f"Not sent after retries: {error}"[:2000], finished_at=timezone.now()
    )


def compose(brief: Brief, user: User) -> EmailMultiAlternatives:
    snapshot = brief.snapshot
    data = snapshot.data
    label = TLP(snapshot.tlp).label
    context = {
        "data": data,
        "snapshot": snapshot,
        "label": label,
        "colour": TLP_COLOURS[snapshot.tlp],
        "url": settings.PORTAL_URL + reverse("briefs:detail", args=[brief.pk]),
        "recipient": user,
    }
    message = EmailMultiAlternatives(
        subject=f"[{label}] {data['title']}"
        + (f" (correction: revision {data['revision']})" if data.get("corrects_revision") else ""),
        body=render_to_string("briefs/email/brief.txt", context),
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    message.attach_alternative(render_to_string("briefs/email/brief.html", context), "text/html")
    return message
