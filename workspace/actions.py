"""Triage mutations: mark read or unread, star or unstar, bulk tag or untag — one
function per action.

Every function takes the user and article ids and

- accepts only articles in ``Article.objects.visible_to(user)``: if any id is one the user
  cannot read (or does not exist), it raises ``Http404`` before writing anything, so a
  forged form can neither write nor learn which ids exist;
- is idempotent: doing it twice leaves the same rows (a second "mark read" keeps the
  first read time, a second "star" the first star time);
- returns how many of the articles changed state.

Views, hooks and bulk forms call these; nothing else writes ``ReadingState``. The state is
personal bookkeeping, so no audit entry is written (docs/workspace.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from articles import tagging
from articles.models import Article, Tag
from workspace.models import ReadingState

# A bulk form holds one page of rows; ids beyond this are a forged or broken request.
MAX_IDS = max(200, settings.ARTICLES_PER_PAGE)
_FIELDS = ("read_at", "starred_at")


def mark_read(user, article_ids: Iterable[int]) -> int:
    return _set(user, _visible(user, article_ids), "read_at")


def mark_unread(user, article_ids: Iterable[int]) -> int:
    return _clear(user, _visible(user, article_ids), "read_at")


def star(user, article_ids: Iterable[int]) -> int:
    return _set(user, _visible(user, article_ids), "starred_at")


def unstar(user, article_ids: Iterable[int]) -> int:
    return _clear(user, _visible(user, article_ids), "starred_at")


def tag_articles(user, article_ids: Iterable[int], name: str) -> int:
    """Bulk tagging from the list (``articles.tagging`` does it and audits it); how many
    articles newly have the tag. Raises ``tagging.TagError`` for an unusable name."""
    _may_tag(user)
    _tag, added = tagging.add_tag_to_articles(_visible(user, article_ids), name, by=user)
    return added


def untag_articles(user, article_ids: Iterable[int], name: str) -> int:
    """Bulk untagging by the tag's name (any case); how many articles lost it."""
    _may_tag(user)
    ids = _visible(user, article_ids)
    tag = Tag.objects.filter(name__iexact=" ".join(name.split())).order_by("pk").first()
    return tagging.remove_tag_from_articles(ids, tag.pk, by=user) if tag else 0


def _may_tag(user) -> None:
    if not tagging.may_tag(user):
        raise PermissionDenied("Your account may read but not tag articles.")


def mark_page_read(user, article_ids: Iterable[int]) -> int:
    """ "Mark all on this page read": the page's rows, posted back as ids (not re-derived
    from the filters, which may list other articles by now)."""
    return mark_read(user, article_ids)


def mark_opened(user, article: Article) -> ReadingState | None:
    """The user opened ``article``, which the article page read through ``visible_to``;
    returns the user's state for it afterwards (``None`` for an anonymous user).

    Called on every article page view, so it costs one query when the article was read
    before and two the first time (no visibility query: the page already did that).
    """
    if not user.is_authenticated:
        return None
    now = timezone.now()
    state = ReadingState.objects.filter(user=user, article=article).only("read_at", "starred_at").first()
    if state is None:
        state = ReadingState(user=user, article=article, read_at=now)
        # A row inserted meanwhile (a star from another tab) wins; this open is then unrecorded.
        ReadingState.objects.bulk_create([state], ignore_conflicts=True)
    elif state.read_at is None:
        ReadingState.objects.filter(pk=state.pk, read_at__isnull=True).update(read_at=now)
        state.read_at = now
    return state


def _visible(user, article_ids: Iterable[int]) -> set[int]:
    """``article_ids`` as a set, all readable by ``user``; ``Http404`` if any is not."""
    ids = {int(pk) for pk in article_ids}
    if len(ids) > MAX_IDS:
        raise ValueError(f"at most {MAX_IDS} articles at once, got {len(ids)}")
    if not ids:
        return ids
    found = set(Article.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    if found != ids:
        raise Http404("No such article.")
    return ids


def _set(user, ids: set[int], field: str) -> int:
    """Set ``field`` to now where it is unset: insert missing rows, then fill empty ones.

    Insert-then-update (not read-then-write) so two requests at once (a double click,
    two tabs) cannot both insert: the second insert is ignored by the unique constraint
    and its update finds nothing left to fill.
    """
    if not ids:
        return 0
    now = timezone.now()
    with transaction.atomic():
        mine = ReadingState.objects.filter(user=user, article_id__in=ids)
        before = mine.filter(**{f"{field}__isnull": False}).count()
        ReadingState.objects.bulk_create(
            [ReadingState(user=user, article_id=pk, **{field: now}) for pk in ids], ignore_conflicts=True
        )
        mine.filter(**{f"{field}__isnull": True}).update(**{field: now})
    return len(ids) - before


def _clear(user, ids: set[int], field: str) -> int:
    """Unset ``field``; rows left with nothing set are deleted."""
    if not ids:
        return 0
    with transaction.atomic():
        mine = ReadingState.objects.filter(user=user, article_id__in=ids)
        changed = mine.filter(**{f"{field}__isnull": False}).update(**{field: None})
        other = next(name for name in _FIELDS if name != field)
        mine.filter(**{field: None, other: None}).delete()
    return changed
