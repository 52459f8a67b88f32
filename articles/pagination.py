"""Keyset ("seek") pagination for newest-first lists.

OFFSET pagination gets slower the deeper a reader goes (measured at
~45 ms at OFFSET 50,000 on PostgreSQL; docs/architecture.md, "Scale"); a keyset page costs the same at any
depth. The cursor is the (published_at, id) of the boundary row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from articles.querysets import NEWEST_AT

# Each counted row of a filtered list is an article read to check who may see it: past a
# few hundred that is the page's slowest query (a popular tag's 1,001 were ~5,000 buffers
# at 1M articles), and "500+" tells a reader as much as "1000+" (twenty pages).
COUNT_CAP = 500
SEARCH_COUNT_CAP = 100  # a search's count: each match counted is a search vector checked
# (a common word within a busy source: ~18 ms of a 1M-article page at 200)


class BadCursor(ValueError):
    pass


@dataclass
class KeysetPage:
    items: list
    older_cursor: str | None  # link to the next (older) page, if any
    newer_cursor: str | None  # link to the previous (newer) page, if any


def encode_cursor(published_at: dt.datetime, pk: int) -> str:
    micros = int(published_at.timestamp() * 1_000_000)
    return f"{micros}.{pk}"


def decode_cursor(raw: str) -> tuple[dt.datetime, int]:
    try:
        micros_text, pk_text = raw.split(".", 1)
        micros, pk = int(micros_text), int(pk_text)
        when = dt.datetime.fromtimestamp(micros / 1_000_000, tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise BadCursor(raw) from None
    if pk < 0:
        raise BadCursor(raw)
    return when, pk


def paginate(queryset: QuerySet, *, after: str | None, before: str | None, per_page: int) -> KeysetPage:
    """One page of ``queryset`` (newest first). ``after``: older than; ``before``: newer than.

    The order is the article's ``published_at``, or the link's copy of it when the
    queryset was narrowed to one author, tag or entity (``ArticleQuerySet.newest_first_by``):
    the same dates, read off the index that serves the filter.
    """
    key = _newest_at(queryset)
    if before:
        when, pk = decode_cursor(before)
        rows = list(
            queryset.filter(Q(**{f"{key}__gt": when}) | Q(**{key: when}, pk__gt=pk)).order_by(key, "id")[
                : per_page + 1
            ]
        )
        has_newer = len(rows) > per_page
        items = list(reversed(rows[:per_page]))
        has_older = True
    else:
        base = queryset.order_by(f"-{key}", "-id")
        if after:
            when, pk = decode_cursor(after)
            base = base.filter(Q(**{f"{key}__lt": when}) | Q(**{key: when}, pk__lt=pk))
        rows = list(base[: per_page + 1])
        items = rows[:per_page]
        has_older = len(rows) > per_page
        has_newer = bool(after)
    return KeysetPage(
        items=items,
        older_cursor=encode_cursor(items[-1].published_at, items[-1].pk) if items and has_older else None,
        newer_cursor=encode_cursor(items[0].published_at, items[0].pk) if items and has_newer else None,
    )


def _newest_at(queryset: QuerySet) -> str:
    return NEWEST_AT if queryset.sorts_by_link() else "published_at"


def newest_first(queryset: QuerySet) -> QuerySet:
    """``queryset`` in the list's order (``paginate``'s), newest first."""
    key = _newest_at(queryset)
    return queryset.order_by(f"-{key}", "-id")


def capped_count(
    queryset: QuerySet, cap: int = COUNT_CAP, *, in_list_order: bool = False
) -> tuple[int, bool]:
    """How many rows, counting no further than ``cap`` (an exact count is too slow at scale).

    ``in_list_order``: count along the list's own order, so the count walks on down the
    index that found the page (an author's, a tag's or a source's, newest first) instead of
    a plan of the planner's own. Unordered, a common word within a busy source was a
    sequential scan reading a search vector for every row of every source until 101
    matched (6,516 buffers, ~40 ms at 1M articles); in the list's order, 588 buffers, ~1 ms
    (bench/README.md, "The capped count").
    """
    rows = newest_first(queryset) if in_list_order else queryset.order_by()
    found = rows.values("pk")[: cap + 1].count()
    return min(found, cap), found > cap


def requested_page_or_404(request, articles: QuerySet) -> KeysetPage:
    """The page of ``articles`` (already limited to what the user may read) that the
    request's ``after``/``before`` link asks for, as list rows; a damaged link is a 404."""
    from django.conf import settings
    from django.http import Http404

    try:
        return paginate(
            articles.for_list(),
            after=request.GET.get("after"),
            before=request.GET.get("before"),
            per_page=settings.ARTICLES_PER_PAGE,
        )
    except BadCursor:
        raise Http404("damaged page link") from None


def page_of_visible_or_404(request, articles: QuerySet, what: str) -> KeysetPage:
    """A page of ``articles`` (already limited to what the user may read) for the pages
    about one thing — an author, an entity. A thing known only from articles the user
    may not read does not exist for them: 404, whatever page link was asked for."""
    from django.http import Http404

    page = requested_page_or_404(request, articles)
    if not page.items and not articles.exists():
        raise Http404(f"no such {what}")
    from articles import hooks

    hooks.row_controls(request, page.items)
    return page
