"""E-mail digests of saved searches: what is new in a search, daily or weekly.

The protocol (docs/workspace.md, "Saved searches and digests"):

1. **Dispatch.** Beat runs ``workspace.tasks.dispatch_digests_task`` for each period every
   ``DIGEST_CHECK_EVERY_SECONDS``. Once a period's send time has come (``DIGEST_HOUR``, and
   for weekly ones ``DIGEST_WEEKDAY``) it queues one ``send_digest_task(search, period,
   key)`` per search of that period not yet claimed for the current period ``key``
   (``2026-12-07`` or ``2026-W50``). A beat that was down at the send time catches up on its
   next run; a second beat, or the same search queued twice, is harmless (step 2). Without
   a mail server in production (``DIGESTS_ENABLED`` off) nothing is queued, with a warning.
2. **Claim.** The task moves ``digest_period`` to the key and ``last_digest_at`` to the end
   of this digest's window (now less ``SETTLE``, five minutes, so that an article stamped
   just before but committed just after is in the next one) in one conditional UPDATE
   (``WHERE digest_period <> key AND last_digest_at = <read>``); only the worker whose
   UPDATE changed the row goes on. So a digest is sent at most once per
   search and period, whatever runs twice; a worker killed after claiming loses that one
   e-mail rather than risk sending it twice (the next period covers the articles).
3. **Content at send time.** The owner is read again and the articles come from
   ``Article.objects.visible_to(owner)`` now: a lowered clearance or a revoked RED grant
   since the search was saved is respected. New means arrived (``ingested_at``) after the
   previous digest's time (``saved_searches.new_matches``). At most ``DIGEST_MAX_ITEMS``
   are listed, with the number of the rest and a link to the search. Nothing new: nothing
   is sent. No e-mail address (or an inactive account): skipped with a log line.
4. **Transient SMTP errors** (connection refused or lost, time-outs, 4xx replies) give the
   claim back (a conditional UPDATE restoring the previous values) and the task retries
   with backoff; a permanent refusal (5xx) is logged and the claim kept.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.pagination import COUNT_CAP, capped_count
from articles.tlp import TLP, rank
from workspace import saved_searches
from workspace.saved_search_models import Digest, SavedSearch

log = logging.getLogger(__name__)

# FIRST's TLP colours (text on black), as on the pages (static/css/portal.css); e-mail
# clients ignore style sheets, so the digest carries them inline.
TLP_COLOURS = {
    TLP.CLEAR: "#ffffff",
    TLP.GREEN: "#33ff00",
    TLP.AMBER: "#ffc000",
    TLP.AMBER_STRICT: "#ffc000",
    TLP.RED: "#ff2b2b",
}


# How long before the send the digest's window ends (see send_digest).
SETTLE = dt.timedelta(minutes=5)


class TransientSendError(Exception):
    """The mail server could not take the message now; the claim was given back."""


# --- when digests are due -------------------------------------------------------------------


def period_key(period: str, now: dt.datetime) -> str:
    """The period ``now`` falls in: the local date for daily digests, the ISO week for weekly."""
    local = timezone.localtime(now)
    if period == Digest.DAILY:
        return local.date().isoformat()
    if period == Digest.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError(f"unknown digest period {period!r}")


def is_due(period: str, now: dt.datetime) -> bool:
    """Whether this period's digests may go out yet (from DIGEST_HOUR, and for weekly ones
    from DIGEST_WEEKDAY on: a week whose day has passed unsent still gets its digest)."""
    local = timezone.localtime(now)
    reached_hour = local.hour >= settings.DIGEST_HOUR
    if period == Digest.DAILY:
        return reached_hour
    weekday = local.isoweekday()
    return weekday > settings.DIGEST_WEEKDAY or (weekday == settings.DIGEST_WEEKDAY and reached_hour)


def due_search_ids(period: str, now: dt.datetime) -> list[int]:
    if not settings.DIGESTS_ENABLED:
        log.warning("saved-search digests are off: no mail server is configured (EMAIL_HOST)")
        return []
    if not is_due(period, now):
        return []
    pending = SavedSearch.objects.filter(digest=period).exclude(digest_period=period_key(period, now))
    return list(pending.order_by("pk").values_list("pk", flat=True))


# --- one digest -----------------------------------------------------------------------------


# Never put in an e-mail, whatever the reader's clearance: e-mail cannot keep a message to
# its named recipients (forwarding, mail servers, archives), which AMBER+STRICT (the
# organization only) and RED (named people only) require. The digest says how many there
# are and links to the portal, where the access checks apply.
WITHHELD = (TLP.AMBER_STRICT, TLP.RED)


@dataclass(frozen=True)
class DigestContent:
    items: list  # articles, newest first
    more: int  # matches beyond the listed ones
    more_capped: bool
    highest_tlp: str
    withheld: int = 0  # AMBER+STRICT and RED matches, counted, not listed
    withheld_capped: bool = False


def send_digest(search_id: int, period: str, key: str, now: dt.datetime | None = None) -> str:
    """Claim ``search_id``'s digest for period ``key`` and send it; returns what happened."""
    search = SavedSearch.objects.select_related("user").filter(pk=search_id).first()
    if search is None:
        return "gone"
    if search.digest != period:
        return "digest off"  # changed since it was queued
    if search.digest_period == key:
        return "already sent"
    if not settings.DIGESTS_ENABLED:
        return "digests off"  # queued before the mail server was removed from the settings
    previous_at, previous_period = search.last_digest_at, search.digest_period
    since = previous_at or search.created_at
    # The window ends a little before now: an article stamped ``ingested_at`` just before
    # the claim but committed after it would otherwise fall between two digests.
    until = max((now or timezone.now()) - SETTLE, since)
    if not _claim(search, key, until):
        return "claimed elsewhere"
    owner = search.user
    if not owner.is_active:
        log.info("digest of saved search %s skipped: user %s is inactive", search.pk, owner.pk)
        return "inactive"
    if not owner.email:
        log.info("digest of saved search %s skipped: user %s has no e-mail address", search.pk, owner.pk)
        return "no address"
    try:
        content = build(search, owner, since, until)
        message = compose(search, owner, content) if content is not None else None
    except BaseException:
        # Nothing was sent (a database error, the task's time limit): the claim goes back,
        # so a redelivery or the next dispatch can try again.
        _release(search, key, until, previous_at, previous_period)
        raise
    if message is None:
        log.info("digest of saved search %s: nothing new for user %s", search.pk, owner.pk)
        return "nothing new"
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        if not is_transient(exc):
            log.error("digest of saved search %s refused for %s: %s", search.pk, owner.email, exc)
            return "refused"
        _release(search, key, until, previous_at, previous_period)
        raise TransientSendError(f"saved search {search.pk}: {exc}") from exc
    log.info(
        "digest of saved search %s sent to user %s: %d article(s), highest %s",
        search.pk,
        owner.pk,
        len(content.items),
        content.highest_tlp,
    )
    return "sent"


def _claim(search: SavedSearch, key: str, until: dt.datetime) -> bool:
    claimed = (
        SavedSearch.objects.filter(
            pk=search.pk,
            digest=search.digest,
            digest_period=search.digest_period,
            last_digest_at=search.last_digest_at,
        )
        .exclude(digest_period=key)
        .update(digest_period=key, last_digest_at=until)
    )
    return claimed == 1


def _release(
    search: SavedSearch, key: str, claimed_at: dt.datetime, previous_at, previous_period: str
) -> None:
    """Give the claim back (only if it is still ours), so the retry can claim again."""
    SavedSearch.objects.filter(pk=search.pk, digest_period=key, last_digest_at=claimed_at).update(
        digest_period=previous_period, last_digest_at=previous_at
    )


def is_transient(exc: BaseException) -> bool:
    """Worth trying again later: no connection, a time-out, or a 4xx reply."""
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPException):
        return False  # SMTPNotSupportedError and the like: the configuration, not the moment
    return isinstance(exc, OSError)  # refused, reset, unreachable, timed out


def build(search: SavedSearch, owner, since: dt.datetime, until: dt.datetime) -> DigestContent | None:
    """What the owner may read now that is new in ``search`` between the two times; None if nothing."""
    articles = saved_searches.new_matches(search, owner, since, until)
    if articles is None:
        log.info("saved search %s no longer validates for user %s; no digest", search.pk, owner.pk)
        return None
    limit = settings.DIGEST_MAX_ITEMS
    mailable = articles.exclude(tlp__in=WITHHELD)
    items = list(
        mailable.select_related("source")
        .only("pk", "title", "teaser", "tlp", "published_at", "source__name")
        .order_by("-published_at", "-pk")[: limit + 1]
    )
    withheld, withheld_capped = capped_count(articles.filter(tlp__in=WITHHELD), cap=COUNT_CAP)
    if not items and not withheld:
        return None
    more, more_capped = 0, False
    if len(items) > limit:
        items = items[:limit]
        total, more_capped = capped_count(mailable, cap=COUNT_CAP)
        more = max(total - limit, 0)
    highest = max((item.tlp for item in items), key=rank) if items else TLP.CLEAR
    return DigestContent(
        items=items,
        more=more,
        more_capped=more_capped,
        highest_tlp=highest,
        withheld=withheld,
        withheld_capped=withheld_capped,
    )


def compose(search: SavedSearch, owner, content: DigestContent) -> EmailMultiAlternatives:
    """The digest as plain text and HTML; the subject leads with the highest TLP in it."""
    base = settings.PORTAL_URL
    count = len(content.items) + content.more + content.withheld
    subject = (
        f"[{TLP(content.highest_tlp).label}] {search.name}: "
        f"{count}{'+' if content.more_capped else ''} new article{'' if count == 1 else 's'}"
    )
    context = {
        "search": search,
        "owner": owner,
        "items": [
            {
                "article": article,
                "url": base + article.get_absolute_url(),
                "tlp_label": TLP(article.tlp).label,
                "tlp_colour": TLP_COLOURS[article.tlp],
            }
            for article in content.items
        ],
        "more": content.more,
        "more_capped": content.more_capped,
        "withheld": content.withheld,
        "withheld_capped": content.withheld_capped,
        "highest_label": TLP(content.highest_tlp).label,
        "highest_colour": TLP_COLOURS[content.highest_tlp],
        "search_url": base + reverse("workspace:search-open", args=[search.pk]),
        "manage_url": base + reverse("workspace:searches"),
        "period": search.get_digest_display().lower(),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("workspace/email/digest.txt", context),
        to=[owner.email],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    message.attach_alternative(render_to_string("workspace/email/digest.html", context), "text/html")
    return message
