"""Polling a source because a person asked: one meaning of "poll now" for every door.

The admin's list action, the button on a source's admin page and the health page's
button all call :func:`request_poll`, which

1. checks the permission ("change source"; staff alone is not enough),
2. asks the one pollable rule (``Source.can_poll``, i.e. ``Source.objects.pollable()``),
3. queues a forced poll for the workers once the current transaction commits (forced:
   a person asking means now, even for a disabled source or one backing off), or says
   plainly that the broker is unreachable when a recent send found it so,
4. records a ``source.poll`` audit event, and
5. returns the message to show.

Nothing is polled inside a web request: a slow feed would hold the request for up to
FETCH_TIMEOUT_SECONDS, and the result shows on the health page once a worker is done.

``manage.py poll`` is the one deliberate exception: an operator at the shell polls in
the foreground and waits for the report. It goes through :func:`poll_in_foreground`,
which asks the same rule and records the same event.

:func:`attach_visible_results` turns a source's last poll result into the counts a
given person may see: a poll stores the ids of the articles it touched, and only
those the viewer can read (``visible_to``) are counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from articles import dispatch
from articles.ingest.collector import PollReport, poll
from articles.models import Article, Source
from articles.tasks import poll_source_task
from audit.actions import Action
from audit.services import record

CHANGE_PERMISSION = "articles.change_source"
ARTICLE_COUNTS = ("new", "updated", "unchanged")


@dataclass(frozen=True)
class PollRequest:
    source: Source
    queued: bool
    message: str


def request_poll(source: Source, *, request: HttpRequest | None = None, user=None) -> PollRequest:
    """Queue a forced poll of ``source`` for ``user`` (default: the request's user)."""
    user = user if user is not None else request.user
    if not user.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied("Polling a source needs the permission to change sources.")
    if not source.can_poll:
        return PollRequest(source, False, f"“{source.name}” was not polled: {source.nothing_to_poll_reason}.")
    # A known broker outage is said plainly instead of "queued" (sending would only be
    # counted as unsent). The first failure of a new outage is logged by dispatch.
    if dispatch.in_outage():
        record(Action.SOURCE_POLL, request=request, actor=user, obj=source, detail="broker unreachable")
        return PollRequest(
            source,
            False,
            f"“{source.name}” was not polled: the message broker is unreachable. Beat polls it when "
            "it is next due once the broker is back; try again later to poll it sooner.",
        )
    dispatch.send_on_commit(poll_source_task, [(source.pk, True)])
    record(Action.SOURCE_POLL, request=request, actor=user, obj=source, detail="queued for the workers")
    return PollRequest(
        source, True, f"A poll of “{source.name}” was queued; reload the page in a moment to see the result."
    )


def request_polls(
    sources: Iterable[Source], *, request: HttpRequest | None = None, user=None
) -> list[PollRequest]:
    """:func:`request_poll` for each source, its audit events in one transaction."""
    with transaction.atomic():
        return [request_poll(source, request=request, user=user) for source in sources]


def poll_in_foreground(source: Source, *, by: str) -> PollReport:
    """Poll now, in this process, and return the report (``manage.py poll``).

    ``by`` says who asked, for the audit event (there is no signed-in user at a shell).
    """
    if not source.can_poll:
        return PollReport(source=source.name, status="nothing-to-poll", error=source.nothing_to_poll_reason)
    report = poll(source.pk, force=True)
    record(
        Action.SOURCE_POLL,
        obj=source,
        username=by,
        detail=f"in the foreground by {by}: {report.status}",
    )
    return report


def attach_visible_results(sources: Iterable[Source], user) -> None:
    """Set ``visible_result`` on each source: its last result, with the new, updated and
    unchanged counts limited to articles ``user`` may read. One query for all sources.

    Results stored before polls recorded article ids count nothing: a stored total
    cannot be split into what this person may and may not see.
    """
    sources = list(sources)
    touched = {
        pk
        for source in sources
        for ids in ((source.last_result or {}).get("article_ids") or {}).values()
        for pk in ids
    }
    readable = (
        set(Article.objects.visible_to(user).filter(pk__in=touched).values_list("pk", flat=True))
        if touched
        else set()
    )
    for source in sources:
        result = source.last_result or {}
        ids = result.get("article_ids") or {}
        source.visible_result = {
            "status": result.get("status", ""),
            **{name: sum(1 for pk in ids.get(name, []) if pk in readable) for name in ARTICLE_COUNTS},
            "filtered": result.get("filtered", 0),
            "skipped": result.get("skipped", 0),
            "warnings": result.get("warnings") or [],
        }
