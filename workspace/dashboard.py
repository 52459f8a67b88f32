"""What the dashboard (``/``) shows a person, each part read through ``visible_to``.

Every part is bounded so the page costs the same at a million articles as at a thousand
(target: p95 ≤ 100 ms, ``bench/scale.py``): lists stop at :data:`SHORT_LIST`, counts are
capped, and the week's entities and indicators are counted over the newest
:data:`WEEK_SAMPLE` visible articles of the last seven days, not over every article. A
part that still runs past its time budget (PostgreSQL) is shown as "took too long"
instead of holding the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from articles.models import Article, ArticleEntity, Entity, Indicator, Sighting, Source
from articles.models.articles import ProcessingStatus
from articles.pagination import capped_count
from articles.query_budget import QueryTooSlow, query_budget
from workspace.annotation_models import Annotation
from workspace.models import ListVisit, ReadingState
from workspace.visits import new_unread, new_unread_count

SHORT_LIST = 8
WEEK = dt.timedelta(days=7)
WEEK_SAMPLE = 5_000  # the newest visible articles of the week that the counts look at
TOP_INDICATOR_CANDIDATES = 200  # the week's most sighted, checked for an earlier sighting
HEALTH_CAP = 10_000
# A part's time budget (PostgreSQL): well under a second, so one slow part cannot hold
# the page; the list's own budget (LIST_QUERY_BUDGET_MS, 5 s) is for a page of results.
PART_BUDGET_MS = 250
# Columns a dashboard line shows; bodies and the search vector are most of a row's size.
LINE_FIELDS = ("id", "title", "tlp", "published_at", "source__name")


class TooSlow:
    """A part that ran past its budget; the template says so."""

    too_slow = True


@dataclass(frozen=True)
class Health:
    pending: tuple[int, bool]
    failed: tuple[int, bool]
    failing_sources: list[Source] | None  # None: not the reader's to see


def _lines(articles: QuerySet) -> QuerySet:
    return articles.select_related("source").only(*LINE_FIELDS)


def _budgeted(part):
    """Run ``part()`` under the dashboard's time budget; :class:`TooSlow` when it runs out."""
    try:
        with query_budget(PART_BUDGET_MS):
            return part()
    except QueryTooSlow:
        return TooSlow()


def new_since_last_visit(user) -> dict | None:
    """The newest unread arrivals since the previous visit to the list, and how many."""
    visit = ListVisit.objects.filter(user=user).first()
    if visit is None or visit.new_since is None:
        return None
    since = visit.new_since
    articles = _budgeted(
        lambda: list(_lines(new_unread(user, since)).order_by("-published_at", "-id")[:SHORT_LIST])
    )
    return {"since": since, "articles": articles, "count": new_unread_count(user, since)}


def starred(user) -> list[Article]:
    stars = ReadingState.objects.filter(user=user, starred_at__isnull=False, article=OuterRef("pk"))
    visible = Article.objects.visible_to(user).filter(Exists(stars))
    star_times = ReadingState.objects.filter(user=user, article=OuterRef("pk")).values("starred_at")[:1]
    return list(_lines(visible).annotate(starred_at=star_times).order_by("-starred_at", "-id")[:SHORT_LIST])


def recently_annotated(user) -> list[Article]:
    """Articles the reader wrote notes on, the most recent note first."""
    readable = Article.objects.visible_to(user).values("pk")
    notes = (
        Annotation.objects.filter(author=user, article_id__in=readable)
        .values("article_id")
        .annotate(last=Max("updated_at"))
        .order_by("-last")[:SHORT_LIST]
    )
    order = {row["article_id"]: row["last"] for row in notes}
    articles = _lines(Article.objects.visible_to(user).filter(pk__in=list(order)))
    return sorted(articles, key=lambda a: order[a.pk], reverse=True)


def _week_sample(user, now: dt.datetime) -> QuerySet:
    """Ids of the newest visible articles of the last seven days (at most WEEK_SAMPLE)."""
    recent = Article.objects.visible_to(user).filter(published_at__gt=now - WEEK, published_at__lte=now)
    return recent.order_by("-published_at", "-id").values("pk")[:WEEK_SAMPLE]


def weeks_entities(user, now: dt.datetime | None = None) -> list[Entity] | TooSlow:
    """The entities mentioned in most of the week's visible articles."""
    sample = _week_sample(user, now or timezone.now())

    def part():
        top = list(
            ArticleEntity.objects.filter(article_id__in=sample)
            .values("entity_id")
            .annotate(articles=Count("article_id"))
            .order_by("-articles", "entity_id")[:SHORT_LIST]
        )
        by_id = Entity.objects.in_bulk([row["entity_id"] for row in top])
        found = []
        for row in top:
            entity = by_id[row["entity_id"]]
            entity.week_articles = row["articles"]
            found.append(entity)
        return found

    return _budgeted(part)


def new_indicators(user, now: dt.datetime | None = None) -> list[Indicator] | TooSlow:
    """Indicators first seen this week in what the reader may read (not known-benign):
    the week's most sighted candidates with no sighting in an earlier visible article."""
    now = now or timezone.now()
    sample = _week_sample(user, now)
    # "Seen before" asked sighting by sighting (the (indicator, article) index), each
    # checked against the article's date and visibility, stopping at the first: as one
    # set ("every earlier readable article") PostgreSQL hashed ~800k articles (2.5 s at 1M).
    earlier_readable = Article.objects.visible_to(user).filter(
        pk=OuterRef("article_id"), published_at__lte=now - WEEK
    )
    earlier_sighting = Sighting.objects.filter(indicator=OuterRef("pk")).filter(Exists(earlier_readable))

    def part():
        candidates = list(
            # Hosts taken from a URL or an address are not new indicators of their own: the
            # URL is (a host the author also wrote alone still counts).
            Sighting.objects.as_written()
            .filter(article_id__in=sample, indicator__benign="")
            .values("indicator_id")
            .annotate(articles=Count("article_id", distinct=True))
            .order_by("-articles", "indicator_id")[:TOP_INDICATOR_CANDIDATES]
        )
        counts = {row["indicator_id"]: row["articles"] for row in candidates}
        seen_before = set(
            Indicator.objects.filter(pk__in=list(counts))
            .filter(Exists(earlier_sighting))
            .values_list("pk", flat=True)
        )
        fresh = [pk for pk in counts if pk not in seen_before][:SHORT_LIST]
        by_id = Indicator.objects.in_bulk(fresh)
        found = []
        for pk in fresh:
            indicator = by_id[pk]
            indicator.week_articles = counts[pk]
            found.append(indicator)
        return found

    return _budgeted(part)


def health(user) -> Health | None:
    """Enrichment backlog and failing sources, for editors and admins only."""
    from accounts.models import Role

    if not (user.is_superuser or user.role in {Role.EDITOR, Role.ADMIN}):
        return None
    visible = Article.objects.visible_to(user)
    pending = visible.filter(processing_status__in=[ProcessingStatus.PENDING, ProcessingStatus.RUNNING])
    failed = visible.filter(processing_status=ProcessingStatus.FAILED)
    sources = None
    if user.has_perm("articles.view_source"):
        failing = Source.objects.filter(consecutive_failures__gt=0).order_by("-consecutive_failures", "name")
        sources = list(failing[:SHORT_LIST])
    return Health(
        pending=capped_count(pending, cap=HEALTH_CAP),
        failed=capped_count(failed, cap=HEALTH_CAP),
        failing_sources=sources,
    )
