"""Visits to the article list, and what is new since the previous one.

A **visit** is a run of article-list views with no gap longer than :data:`VISIT_GAP`
(30 minutes). When a list view comes after a longer gap, a new visit starts, and the last
list view of the visit before it becomes ``ListVisit.new_since``: for the whole of the new
visit, "new since your last visit" means the visible articles that arrived (``ingested_at``)
after that moment and that the user has not read yet.

Costs per list view: one query for the visit row, an update at most once a minute
(:data:`TOUCH_EVERY`: the 30-minute rule does not need finer times), and one capped count.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from articles.models import Article
from articles.pagination import COUNT_CAP, capped_count
from articles.query_budget import QueryTooSlow, query_budget
from workspace.models import ListVisit, ReadingState

VISIT_GAP = dt.timedelta(minutes=30)
TOUCH_EVERY = dt.timedelta(minutes=1)
# Articles published this long before the last visit are not "new", however late they
# arrived: a feed's back catalogue is old news. The bound also lets the query walk the
# newest-first index over a short range instead of every article.
NEW_PUBLISHED_WINDOW = dt.timedelta(days=7)


def record_list_view(user, now: dt.datetime | None = None) -> ListVisit | None:
    """Note that ``user`` looked at the article list; returns their visit row."""
    if not user.is_authenticated:
        return None
    now = now or timezone.now()
    visit = ListVisit.objects.filter(user=user).first()
    if visit is None:
        visit = ListVisit(user=user, last_list_view_at=now)
        # One statement; a first view in another tab at the same moment simply wins.
        ListVisit.objects.bulk_create([visit], ignore_conflicts=True)
        return visit
    if now - visit.last_list_view_at > VISIT_GAP:
        # Conditional on the old value: two tabs opening at once move it forward once.
        ListVisit.objects.filter(user=user, last_list_view_at=visit.last_list_view_at).update(
            new_since=visit.last_list_view_at, last_list_view_at=now
        )
        visit.new_since, visit.last_list_view_at = visit.last_list_view_at, now
    elif now - visit.last_list_view_at > TOUCH_EVERY:
        ListVisit.objects.filter(user=user).update(last_list_view_at=now)
        visit.last_list_view_at = now
    return visit


def unread(user) -> QuerySet:
    """The visible articles ``user`` has not read."""
    read = ReadingState.objects.filter(user=user, article=OuterRef("pk"), read_at__isnull=False)
    return Article.objects.visible_to(user).exclude(Exists(read))


def new_unread(user, since: dt.datetime) -> QuerySet:
    """Visible, unread articles that arrived after ``since`` (see the module docstring)."""
    return unread(user).filter(ingested_at__gt=since, published_at__gt=since - NEW_PUBLISHED_WINDOW)


def new_unread_count(user, since: dt.datetime) -> tuple[int, bool] | None:
    """(count, more) capped like the article list's count; ``None`` when it ran out of time
    (the link is then shown without a number)."""
    try:
        with query_budget(settings.LIST_COUNT_BUDGET_MS):
            return capped_count(new_unread(user, since), cap=COUNT_CAP)
    except QueryTooSlow:
        return None
