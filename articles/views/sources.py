"""Pages about sources for administrators: which ones fail and why, and a dry-run preview.

They share with the Django admin (``articles/admin_sources.py``) the queryset
vocabulary (``Source.objects.with_pollable()``, ``with_recent_item_counts``) and
:mod:`articles.polling`, so a count, a schedule or a "poll now" means the same thing
wherever an admin sees it. Access follows the model permissions, as in the admin:
the health page needs "view source"; polling and previewing need "change source".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from articles.forms import PreviewForm
from articles.ingest.collector import USER_AGENT
from articles.ingest.feeds import FeedParseError, ParsedFeed, parse_feed
from articles.ingest.http import FetchError, FetchResult, fetch
from articles.models import Source
from articles.models.sources import RECENT_DAYS
from articles.polling import attach_visible_results, request_poll

PREVIEW_TEXT_CHARS = 200
PREVIEW_MAX_ENTRIES = 50
# A source whose next poll is this late is not being scheduled: the beat is probably down.
OVERDUE_AFTER = timedelta(minutes=15)


def staff_with_permission(
    permission: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """403 unless the signed-in user is staff and holds ``permission`` (the middleware
    sends anonymous visitors to the login page)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not (request.user.is_staff and request.user.has_perm(permission)):
                raise PermissionDenied("This source page needs a permission you do not have.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@staff_with_permission("articles.view_source")
@require_http_methods(["GET", "HEAD"])
def source_health(request: HttpRequest) -> HttpResponse:
    sources = list(
        Source.objects.with_pollable()
        .with_recent_item_counts(request.user)
        .order_by("-consecutive_failures", "name")
    )
    attach_visible_results(sources, request.user)
    now = timezone.now()
    for source in sources:
        source.is_overdue = bool(
            source.is_scheduled
            and source.next_poll_at
            and source.next_poll_at < now - OVERDUE_AFTER
            and source.polling_started_at is None
        )
    context = {
        "failing": [s for s in sources if s.consecutive_failures],
        "healthy": [s for s in sources if not s.consecutive_failures],
        "recent_days": RECENT_DAYS,
        "now": now,
        "can_poll_sources": request.user.has_perm("articles.change_source"),
    }
    return render(request, "articles/sources/health.html", context)


@staff_with_permission("articles.change_source")
@require_POST
def poll_source_now(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = request_poll(get_object_or_404(Source, pk=pk), request=request)
    (messages.success if outcome.queued else messages.error)(request, outcome.message)
    return redirect("articles:sources-health")


@staff_with_permission("articles.change_source")
@require_http_methods(["GET", "HEAD", "POST"])
def source_preview(request: HttpRequest) -> HttpResponse:
    """Fetch and parse a feed exactly as the collector would, and save nothing."""
    feed: ParsedFeed | None = None
    fetched: FetchResult | None = None
    if request.method == "POST":
        form = PreviewForm(request.POST)
        if form.is_valid():
            try:
                fetched, feed = fetch_and_parse(form.cleaned_data["url"])
            except (FetchError, FeedParseError) as exc:
                form.add_error("url", str(exc))
    else:
        # A link from the health page may prefill the address; fetching waits for a POST.
        form = PreviewForm(initial={"url": request.GET.get("url", "")})
    context = {"form": form, "feed": feed, "fetched": fetched}
    if fetched is not None:
        context["content_type"] = fetched.headers.get("content-type", "")
    if feed is not None:
        context["entries"] = [
            {"entry": entry, "excerpt": _excerpt(entry.text)} for entry in feed.entries[:PREVIEW_MAX_ENTRIES]
        ]
        context["hidden_entries"] = max(0, len(feed.entries) - PREVIEW_MAX_ENTRIES)
    return render(request, "articles/sources/preview.html", context)


def fetch_and_parse(url: str) -> tuple[FetchResult, ParsedFeed]:
    """The collector's fetch + parse, with the same limits and guard, minus the saving."""
    result = fetch(
        url,
        timeout=settings.FETCH_TIMEOUT_SECONDS,
        max_bytes=settings.FETCH_MAX_BYTES,
        max_redirects=settings.FETCH_MAX_REDIRECTS,
        allow_networks=settings.FETCH_ALLOW_NETWORKS,
        user_agent=USER_AGENT,
    )
    # Parsed against the address as typed, as the collector does with a source's URL,
    # so relative links resolve the same way in the preview and in the real poll.
    return result, parse_feed(result.body, url=url, content_type=result.headers.get("content-type"))


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= PREVIEW_TEXT_CHARS:
        return text
    return text[:PREVIEW_TEXT_CHARS].rstrip() + "…"
