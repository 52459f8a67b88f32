"""TAXII 2.1 (read-only) collections: one per TLP label the token's user may read.

A collection holds, for every article of its label the user may read (``visible_to``; RED
only with a grant), that article's STIX objects — its report and everything the report
refers to (``api.exports.stix``) — with the article's *date added*: when its findings
were last written (``processed_at``), or when it was ingested if never enriched. The TLP
2.0 marking definition of the label comes first, added at the marking's own date.

Pages follow the OASIS TAXII 2.1 specification (section 3.4): ``added_after`` and
``limit``, ``more`` and ``next``, the ``X-TAXII-Date-Added-First``/``-Last`` headers.
``next`` is an opaque cursor (the last date added, article id and position within the
article), so a page never depends on how many hidden articles sit between two visible ones.
A value found in several articles is in the collection once per article, each a *version*
of the same object (same id and ``created``; ``modified`` the article's publication); by
default only the latest version the reader may read is served (``match[version]``:
``api.exports.taxii_versions``).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from api.exports import scope as scopes
from api.exports import stix, taxii_batch
from api.exports.taxii_versions import LATEST_ONLY, VersionMatch, version_of
from articles.tlp import TLP, TLP_ORDER, rank

MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class CursorError(ValueError):
    pass


def collection_id(label: str) -> str:
    return str(uuid.uuid5(stix.NAMESPACE, f"taxii-collection:{label}"))


def readable_labels(user) -> list[str]:
    """The labels whose collections ``user`` may list: up to their clearance (RED included
    for RED clearance; its contents still need a grant per article)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    return TLP_ORDER[: rank(user.clearance) + 1]


def label_for_collection(user, collection: str) -> str | None:
    for label in readable_labels(user):
        if collection_id(label) == collection:
            return label
    return None


def collection_resource(label: str) -> dict:
    return {
        "id": collection_id(label),
        "title": TLP(label).label,
        "description": f"STIX objects from the {TLP(label).label} articles you may read.",
        "can_read": True,
        "can_write": False,
        "media_types": [STIX_MEDIA_TYPE],
    }


def timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --------------------------------------------------------------------------------- cursor


@dataclass(frozen=True)
class Cursor:
    added: dt.datetime
    article: int  # 0: the marking definition
    offset: int  # objects of that article already served

    def encode(self) -> str:
        raw = json.dumps([self.added.isoformat(), self.article, self.offset]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            added, article, offset = json.loads(raw)
            moment = dt.datetime.fromisoformat(added)
            if moment.tzinfo is None or not isinstance(article, int) or not isinstance(offset, int):
                raise ValueError
            if article < 0 or offset < 0:
                raise ValueError
        except (ValueError, TypeError):
            raise CursorError("next: not a value this server gave") from None
        return cls(moment, article, offset)


# ---------------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class Entry:
    added: dt.datetime
    article: int
    offset: int
    obj: object  # a stix2 object

    @property
    def id(self) -> str:
        return self.obj.id

    @property
    def version(self) -> str:
        return version_of(self.obj, self.added)


# What an article's report and source identity read (stix.report_for_article, taxii_batch);
# its bodies and search vector, most of a row, are never read here.
REPORT_COLUMNS = (
    "source_id",
    "source__name",
    "source__reliability",
    "source__url",
    "tlp",
    "url",
    "title",
    "summary",
    "teaser",
    "auto_summary",
    "published_at",
    "processed_at",
    "updated_at",
    "ingested_at",
)


def collection_articles(user, label: str) -> QuerySet:
    return (
        scopes.visible(user)
        .filter(tlp=label)
        .select_related("source")
        .only(*REPORT_COLUMNS)
        .annotate(date_added=Coalesce(F("processed_at"), F("ingested_at")))
        .order_by("date_added", "pk")
    )


def entries(
    user,
    label: str,
    added_after: dt.datetime | None,
    cursor: Cursor | None,
    versions: VersionMatch = LATEST_ONLY,
    types: frozenset[str] = frozenset(),
    ids: frozenset[str] = frozenset(),
) -> Iterator[Entry]:
    """The collection's entries in order, from after ``added_after`` / ``cursor``, of the
    versions, types and ids asked for. An entry's position (the cursor's offset) counts
    every object of its article, served or not, so a page boundary never moves when a newer
    article supersedes an object between two requests. Only served objects are built."""
    wanted = _Wanted(types, ids)
    if cursor is None or cursor.article == 0:
        yield from _head(label, added_after, cursor.offset if cursor else 0, versions, wanted)
    collection = collection_articles(user, label)
    articles = collection
    if added_after is not None:
        articles = articles.filter(date_added__gt=added_after)
    if cursor is not None:
        # The first condition is implied by the second; it lets the (tlp, date added, id)
        # index start at the cursor instead of at the label's first article.
        articles = articles.filter(date_added__gte=cursor.added).filter(
            Q(date_added__gt=cursor.added) | Q(date_added=cursor.added, pk__gte=cursor.article)
        )
    modes = frozenset() if versions.everything else versions.modes
    ends = taxii_batch.collection_ends(collection, modes)
    for run in _runs(articles):
        found = taxii_batch.read(run, collection, modes, ends, relationships=wanted.type("relationship"))
        for article in run:
            skip = cursor.offset if cursor is not None and article.pk == cursor.article else 0
            objects = found[article.pk]
            for offset, (ref, make) in enumerate(objects.pairs):
                # The portal's identity is in every article's bundle; the collection serves
                # it once, at its head.
                if offset < skip or ref == stix.PORTAL_ID or not wanted(ref):
                    continue
                obj = _served(ref, make, article.date_added, objects, versions)
                if obj is not None:
                    yield Entry(article.date_added, article.pk, offset, obj)


@dataclass(frozen=True)
class _Wanted:
    """``match[type]`` and ``match[id]``: whether an object id is asked for."""

    types: frozenset[str]
    ids: frozenset[str]

    def type(self, name: str) -> bool:
        return not self.types or name in self.types

    def __call__(self, ref: str) -> bool:
        return self.type(ref.split("--", 1)[0]) and (not self.ids or ref in self.ids)


def _head(label: str, added_after, skip: int, versions: VersionMatch, wanted: _Wanted) -> Iterator[Entry]:
    """The collection's first entries, before any article: the label's marking definition
    and the portal's identity (every object's ``created_by_ref``), each one version, added
    at the marking's date."""
    if added_after is not None and added_after >= stix.EPOCH:
        return
    for offset, obj in enumerate((stix.tlp_marking(label), stix.portal_identity())):
        if offset < skip or not wanted(obj.id):
            continue
        if versions.modes or version_of(obj, stix.EPOCH) in versions.timestamps:
            yield Entry(stix.EPOCH, 0, offset, obj)


# Articles read at once (taxii_batch): a page of 100 objects spans ~10 articles.
BATCH = 10


def _runs(articles: QuerySet) -> Iterator[list]:
    """``articles`` (in date-added order) ``BATCH`` at a time, each run a keyset query with a
    LIMIT: the planner walks the (tlp, date added, id) index for it, where a cursor over the
    whole label was planned as a sort of all of it (0.4-1.6 s at 100k articles)."""
    run = list(articles[:BATCH])
    while run:
        yield run
        if len(run) < BATCH:
            return
        end = run[-1]
        run = list(
            articles.filter(date_added__gte=end.date_added).filter(
                Q(date_added__gt=end.date_added) | Q(date_added=end.date_added, pk__gt=end.pk)
            )[:BATCH]
        )


def _served(ref: str, make: Callable, added: dt.datetime, objects, versions: VersionMatch):
    """The object, built, if it is a version ``versions`` asks for, else None."""
    if versions.everything:
        return make()
    if (objects.newer is not None and ref not in objects.newer) or (
        objects.older is not None and ref not in objects.older
    ):
        return make()
    if versions.timestamps:
        obj = make()
        return obj if version_of(obj, added) in versions.timestamps else None
    return None


@dataclass
class Page:
    entries: list[Entry]
    more: bool
    next: str | None


def page(
    user,
    label: str,
    *,
    added_after: dt.datetime | None,
    cursor: Cursor | None,
    limit: int,
    types: set[str],
    ids: set[str],
    versions: VersionMatch = LATEST_ONLY,
) -> Page:
    taken: list[Entry] = []
    more = False
    nxt = None
    for entry in entries(user, label, added_after, cursor, versions, frozenset(types), frozenset(ids)):
        if len(taken) == limit:
            more = True
            nxt = Cursor(entry.added, entry.article, entry.offset).encode()
            break
        taken.append(entry)
    return Page(taken, more, nxt)
