"""Saved searches: save, rename, set the digest, delete, open, and count what is new.

One function per action; each takes the acting user and refuses a search that is not
theirs (the views look searches up by owner first, so a forged id is a 404 before it gets
here). Saved searches are personal bookkeeping, like stars, and are not audited.

**What is stored.** The article list's query string, normalized: only the parameters
``ArticleFilter`` knows, blank values dropped, sorted, without the page cursors
(``after``/``before``), so the same filters typed in another order are the same search.
It is validated with ``ArticleFilter`` for the saving user: a search they could not run
(an unknown source, a TLP above their clearance, a malformed date) is a form error.

**What "new" means.** Articles the owner may read now, matching the search, that the
portal received (``ingested_at``) after the search was last opened — arrival, not
``published_at``, because feeds backdate and a late report of an old story is still
news to the reader — and published at most ``visits.NEW_PUBLISHED_WINDOW`` before that
moment (a feed's back catalogue is not news, and the bound lets PostgreSQL walk the
newest-first index over a short range). The digests use the same rule with the last
digest's time.

**What counting costs.** ``with_new_counts`` reads the owner's searches with their
stored counts (one query) and recounts only those older than ``SAVED_SEARCH_COUNT_MINUTES``
or counted for another visibility (clearance, RED grants), at most
``REFRESH_PER_CALL`` of them per call. Each count is capped (``NEW_COUNT_CAP``) and runs
under ``LIST_COUNT_BUDGET_MS``; one that runs out of time is stored as "not known" and
handed to a worker, which counts it again under ``SAVED_SEARCH_BACKGROUND_COUNT_MS`` (a
quoted phrase over a week of a million articles takes ~110 ms). So a page view runs no
search at all most of the time, and never more than a few short ones.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, QuerySet
from django.db.models.functions import Lower
from django.http import QueryDict
from django.utils import timezone

from articles.filters import ArticleFilter
from articles.models import Article, ArticleGrant
from articles.pagination import SEARCH_COUNT_CAP, capped_count
from articles.query_budget import QueryTooSlow, query_budget
from articles.search.forms import SORT_NEWEST
from articles.tlp import TLP
from workspace.saved_search_models import MAX_NAME_LENGTH, MAX_QUERY_LENGTH, Digest, SavedSearch
from workspace.visits import NEW_PUBLISHED_WINDOW

log = logging.getLogger(__name__)

MAX_SAVED_SEARCHES = 50  # per person: the sidebar lists them all
NEW_COUNT_CAP = SEARCH_COUNT_CAP  # "100+ new": each counted match may be a search vector read
REFRESH_PER_CALL = 5  # stale counts recounted per page view; the rest wait for the next one
PAGE_CURSORS = ("after", "before")
# The list's own parameters that are not filters: saving "newest first" alone saves nothing.
NOT_FILTERS = {"sort"}


class SavedSearchError(ValueError):
    """Why a search could not be saved or changed, in words for the person; ``field`` is
    the form field it is about (``name``, ``query`` or ``digest``)."""

    def __init__(self, message: str, field: str = "name") -> None:
        super().__init__(message)
        self.field = field


# --- the query string ------------------------------------------------------------------------


def normalize_query(data: QueryDict | str) -> str:
    """The query string with only ``ArticleFilter``'s parameters, non-blank, sorted, deduplicated."""
    if isinstance(data, str):
        data = QueryDict(data)
    known = ArticleFilter.base_filters
    pairs = {
        (name, value.strip())
        for name in data
        if name in known and name not in PAGE_CURSORS
        for value in data.getlist(name)
        if value.strip()
    }
    if ("sort", SORT_NEWEST) in pairs:  # the default order, not worth remembering
        pairs.discard(("sort", SORT_NEWEST))
    query = QueryDict(mutable=True)
    for name, value in sorted(pairs):
        query.appendlist(name, value)
    return query.urlencode()


def has_filters(query: str) -> bool:
    """Whether a normalized query narrows the list (anything but the order)."""
    return any(name not in NOT_FILTERS for name in QueryDict(query))


def bound_filter(user, query: str, queryset: QuerySet | None = None) -> ArticleFilter:
    """``ArticleFilter`` bound to ``query`` over what ``user`` may read."""
    visible = Article.objects.visible_to(user) if queryset is None else queryset
    return ArticleFilter(QueryDict(query), queryset=visible, user=user)


def check_query(user, raw: str) -> tuple[str, str]:
    """(normalized query, its summary in words), or ``SavedSearchError`` saying what is wrong."""
    query = normalize_query(raw or "")
    if not has_filters(query):
        raise SavedSearchError(
            "There is nothing to save: search for something or choose a filter first.", "query"
        )
    if len(query) > MAX_QUERY_LENGTH:
        raise SavedSearchError(
            f"This search is too long to save (at most {MAX_QUERY_LENGTH} characters).", "query"
        )
    filterset = bound_filter(user, query)
    form = filterset.form
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label or name if name in form.fields else 'Filters'}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
        raise SavedSearchError(f"This search has errors, so it cannot be saved — {problems}", "query")
    return query, _summary(filterset)


def _summary(filterset: ArticleFilter) -> str:
    """The filters in words ("Search: ransomware · TLP:AMBER"), from the form's own labels
    and choices (the sources among them are those the user may read: no extra query)."""
    parts = []
    for name, field in filterset.form.fields.items():
        value = filterset.form.cleaned_data.get(name)
        if value in (None, "", [], ()) or name in NOT_FILTERS:
            continue
        label = field.label or name.replace("_", " ").capitalize()
        choices = {str(key): str(text) for key, text in getattr(field, "choices", ())}
        values = value if isinstance(value, list) else [value]
        shown = ", ".join(
            _word(item) if isinstance(item, bool) else choices.get(str(item), str(item)) for item in values
        )
        parts.append(shown if shown.startswith(f"{label}:") else f"{label}: {shown}")  # "TLP:AMBER"
    return " · ".join(parts)[:500]


def _word(flag: bool) -> str:
    return "Yes" if flag else "No"


def clean_name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise SavedSearchError("Give the search a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise SavedSearchError(f"Keep the name to {MAX_NAME_LENGTH} characters.")
    return name


def _name_taken(user, name: str, exclude_pk: int | None = None) -> bool:
    others = SavedSearch.objects.filter(user=user).annotate(lower=Lower("name")).filter(lower=name.lower())
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


# --- actions -----------------------------------------------------------------------------------


def save_search(user, name: str, raw_query: str, now: dt.datetime | None = None) -> SavedSearch:
    """Save the list's current search under ``name``; what arrives from now on is "new"."""
    name = clean_name(name)
    query, summary = check_query(user, raw_query)
    if _name_taken(user, name):
        raise SavedSearchError(f"You already have a saved search called “{name}”: choose another name.")
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
        raise SavedSearchError(
            f"You have {MAX_SAVED_SEARCHES} saved searches, the most there can be: delete one first."
        )
    search = SavedSearch(
        user=user, name=name, query=query, summary=summary, last_opened_at=now or timezone.now()
    )
    try:
        with transaction.atomic():
            search.save()
    except IntegrityError:  # the same name saved at the same moment in another tab
        raise SavedSearchError(
            f"You already have a saved search called “{name}”: choose another name."
        ) from None
    return search


def change_search(
    search: SavedSearch, user, *, name: str, digest: str, now: dt.datetime | None = None
) -> None:
    """Rename and set the digest. Turning a digest on starts its window now: the first
    e-mail holds what arrives after this moment, not the whole back catalogue."""
    _own(search, user)
    name = clean_name(name)
    if digest not in Digest.values:
        raise SavedSearchError("Choose no e-mail, a daily or a weekly one.", "digest")
    if _name_taken(user, name, exclude_pk=search.pk):
        raise SavedSearchError(f"You already have a saved search called “{name}”: choose another name.")
    fields = {"name": name, "digest": digest}
    if digest and not search.digest:
        fields["last_digest_at"] = now or timezone.now()
    try:
        with transaction.atomic():
            SavedSearch.objects.filter(pk=search.pk, user=user).update(**fields)
    except IntegrityError:
        raise SavedSearchError(
            f"You already have a saved search called “{name}”: choose another name."
        ) from None
    for field, value in fields.items():
        setattr(search, field, value)


def delete_search(search: SavedSearch, user) -> None:
    _own(search, user)
    SavedSearch.objects.filter(pk=search.pk, user=user).delete()


def record_opened(search: SavedSearch, user, now: dt.datetime | None = None) -> None:
    """The owner followed the search's link: nothing in it is new any more."""
    _own(search, user)
    now = now or timezone.now()
    SavedSearch.objects.filter(pk=search.pk, user=user).update(
        last_opened_at=now,
        new_count=0,
        new_count_capped=False,
        counted_at=now,
        counted_for=visibility_key(user),
    )
    search.last_opened_at = now


def _own(search: SavedSearch, user) -> None:
    if search.user_id != user.pk:
        raise PermissionError("a saved search belongs to its owner alone")


# --- what is new ------------------------------------------------------------------------------


def new_matches(
    search: SavedSearch, user, since: dt.datetime, until: dt.datetime | None = None
) -> QuerySet | None:
    """The articles ``user`` may read now that match ``search`` and arrived after ``since``
    (and not after ``until``); ``None`` when the stored query no longer validates for them
    (a source they can no longer see, a TLP above a lowered clearance): such a search
    matches nothing rather than something broader."""
    filterset = bound_filter(user, search.query)
    if not filterset.form.is_valid():
        return None
    articles = filterset.qs.filter(ingested_at__gt=since, published_at__gt=since - NEW_PUBLISHED_WINDOW)
    return articles.filter(ingested_at__lte=until) if until is not None else articles


def count_new(search: SavedSearch, user, budget_ms: int) -> tuple[int | None, bool]:
    """(count, capped) of what is new in ``search``; (None, False) when it ran out of time."""
    try:
        with query_budget(budget_ms):
            articles = new_matches(search, user, search.last_opened_at)
            return (0, False) if articles is None else capped_count(articles, cap=NEW_COUNT_CAP)
    except QueryTooSlow:
        log.info("saved search %s: the new count ran out of its %d ms", search.pk, budget_ms)
        return None, False


def recount(search: SavedSearch, user, key: str, budget_ms: int, now: dt.datetime) -> int | None:
    """Count what is new in ``search`` and store it; returns the count (None: out of time).

    The write is conditional on the opening time read: had the search been opened
    meanwhile (another tab), this count would be of the old window; the opening's zero
    stands instead.
    """
    count, capped = count_new(search, user, budget_ms)
    SavedSearch.objects.filter(pk=search.pk, last_opened_at=search.last_opened_at).update(
        new_count=count, new_count_capped=capped, counted_at=now, counted_for=key
    )
    search.new_count, search.new_count_capped, search.counted_at, search.counted_for = count, capped, now, key
    return count


def visibility_key(user) -> str:
    """What the owner's visibility depends on, to tell a count made for another one: the
    clearance, and for RED the grants (how many and the newest, so a revoked or new grant
    changes it). A count also lags an article's reclassification by up to
    ``SAVED_SEARCH_COUNT_MINUTES``; what the search shows when opened never does."""
    if user.clearance != TLP.RED:
        return user.clearance
    grants = ArticleGrant.objects.filter(user=user).aggregate(n=Count("pk"), newest=Max("pk"))
    return f"{user.clearance}:{grants['n']}:{grants['newest'] or 0}"


def with_new_counts(user, now: dt.datetime | None = None) -> list[tuple[SavedSearch, int, bool]]:
    """The user's saved searches by name, each with (count, capped) of its new matches.

    ``capped`` means "at least ``count``": the count stopped at ``NEW_COUNT_CAP``, or is
    not known yet (``count`` 0: it ran out of time, or waits its turn to be recounted).
    Most calls run one query; see the module docstring for the bounds.
    """
    if not user.is_authenticated:
        return []
    searches = list(SavedSearch.objects.filter(user=user).order_by(Lower("name"), "pk"))
    if not searches:
        return []
    now = now or timezone.now()
    key = visibility_key(user)
    fresh_after = now - dt.timedelta(minutes=settings.SAVED_SEARCH_COUNT_MINUTES)
    stale = [
        s for s in searches if s.counted_for != key or s.counted_at is None or s.counted_at <= fresh_after
    ]
    stale.sort(key=lambda s: (s.counted_for == key, s.counted_at or dt.datetime.min.replace(tzinfo=dt.UTC)))
    for search in stale[:REFRESH_PER_CALL]:
        if recount(search, user, key, settings.LIST_COUNT_BUDGET_MS, now) is None:
            _recount_later(search)
    return [_counted(search, key) for search in searches]


def _recount_later(search: SavedSearch) -> None:
    """A count too slow for a page view gets a worker and a longer budget
    (``SAVED_SEARCH_BACKGROUND_COUNT_MS``); until it is done the count shows as not known.
    A broker outage only leaves it so until the next recount (articles.dispatch)."""
    from articles import dispatch
    from workspace.tasks import recount_saved_search_task

    transaction.on_commit(lambda: dispatch.send(recount_saved_search_task, [(search.pk,)]))


def _counted(search: SavedSearch, key: str) -> tuple[SavedSearch, int, bool]:
    if search.counted_for != key or search.new_count is None:
        return search, 0, True  # not known (yet): never a count made for another visibility
    return search, search.new_count, search.new_count_capped
