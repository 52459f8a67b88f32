"""Admin-only pages about sources: which ones fail and why, and a dry-run preview of a feed.

The Django admin (``articles/admin_sources.py``) shares two pieces with these pages:
the recent-items annotation and :func:`queue_polls`, so a count or a "poll now"
means the same thing wherever an admin sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from articles.forms import PreviewForm
from articles.ingest.collector import USER_AGENT
from articles.ingest.feeds import FeedParseError, ParsedFeed, parse_feed
from articles.ingest.http import FetchError, FetchResult, fetch
from articles.models import Article, Source
from articles.tasks import poll_source_task

RECENT_DAYS = 7
PREVIEW_TEXT_CHARS = 200
PREVIEW_MAX_ENTRIES = 50
# A source whose next poll is this late is not being scheduled: the beat is probably down.
OVERDUE_AFTER = timedelta(minutes=15)


def with_recent_item_counts(sources: QuerySet[Source], *, user) -> QuerySet[Source]:
    """Annotate ``recent_items``: articles published in the last week that ``user`` may read.

    One correlated subquery (served by the source + published_at index) rather than a
    query per row; counted through ``visible_to`` because a count is also a way to
    learn that restricted articles exist.
    """
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    recent = (
        Article.objects.visible_to(user)
        .filter(source=OuterRef("pk"), published_at__gte=since)
        .order_by()
        .values("source")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return sources.annotate(recent_items=Coalesce(Subquery(recent, output_field=IntegerField()), 0))


def queue_polls(source_ids: Iterable[int]) -> None:
    """Queue a forced poll of each source once the current transaction commits.

    After the commit, so a worker never reads a source state older than the one the
    admin just saved; forced, because an admin asking for a poll means now, even
    for a disabled source or one in back-off.
    """
    for source_id in source_ids:
        transaction.on_commit(lambda pk=source_id: poll_source_task.delay(pk, True), robust=True)


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """403 for signed-in users who are not staff (the middleware handles anonymous ones)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied("Source pages are for administrators.")
        return view(request, *args, **kwargs)

    return wrapped


@staff_required
@require_http_methods(["GET", "HEAD"])
def source_health(request: HttpRequest) -> HttpResponse:
    sources = list(
        with_recent_item_counts(Source.objects.all(), user=request.user).order_by(
            "-consecutive_failures", "name"
        )
    )
    now = timezone.now()
    for source in sources:
        source.is_overdue = bool(
            source.enabled
            and source.is_feed
            and source.next_poll_at
            and source.next_poll_at < now - OVERDUE_AFTER
            and source.polling_started_at is None
        )
    context = {
        "failing": [s for s in sources if s.consecutive_failures],
        "healthy": [s for s in sources if not s.consecutive_failures],
        "recent_days": RECENT_DAYS,
        "now": now,
    }
    return render(request, "articles/sources/health.html", context)


@staff_required
@require_POST
def poll_source_now(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    if not source.can_poll:
        messages.error(request, f"“{source.name}” is a manual source: there is nothing to poll.")
        return redirect("articles:sources-health")
    queue_polls([source.pk])
    messages.success(
        request, f"A poll of “{source.name}” was queued; reload this page in a moment to see the result."
    )
    return redirect("articles:sources-health")


@staff_required
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
