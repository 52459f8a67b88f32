"""A TAXII page's articles, their objects and which versions are superseded, in a few queries.

A collection serves, article by article, the objects a STIX export of that one article would
hold (``stix.scope_entries`` of the article's scope). Asked article by article, that is
about a dozen queries each (findings, relationships, the version checks), most of a page's
time. Here a run of articles is read at once: one query for their entity links and one for
their sightings, each row carrying whether a later (or earlier) article of the collection
the reader may read names the same value — the version check of
``api.exports.taxii_versions`` as an EXISTS on the same row. What one article's scope
aggregates (its TLP, its publication, one article) needs no query. Relationships are
drawn from the same rows (``stix_relations.relations_of_one``); only their version check
stays per article, for the articles that have any.

``tests/test_exports_taxii_versions.py`` checks that every article's objects here are the
ones its own STIX export gives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Case, Exists, Max, OuterRef, Q, QuerySet, Value, When

from api.exports import scope as scopes
from api.exports import stix
from api.exports.stix_relations import relations_of_one
from api.exports.taxii_versions import (
    FIRST,
    LAST,
    Side,
    Sole,
    earlier_articles,
    later_articles,
    supersede_relationships,
)
from articles.models import ArticleEntity, Sighting
from articles.tlp import TLP_ORDER

Pair = tuple[str, Callable]


@dataclass
class ArticleObjects:
    """One article's objects as (id, factory) pairs, the report first, and the ids that have
    a later / an earlier version in the collection (None when not asked)."""

    pairs: list[Pair]
    newer: set[str] | None = None
    older: set[str] | None = None


@dataclass
class _Found:
    entities: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    newer: set[str] = field(default_factory=set)
    older: set[str] = field(default_factory=set)


def read(articles: list, collection: QuerySet, modes: frozenset[str]) -> dict[int, ArticleObjects]:
    """The objects of ``articles`` (rows of ``taxii.collection_articles``), by article id."""
    found: dict[int, _Found] = defaultdict(_Found)
    ids = [article.pk for article in articles]
    members = collection.order_by().values("pk")
    for row in _entity_rows(ids, members, modes):
        _note(found[row["article_id"]], row, [ref] if (ref := stix.entity_ref(row)) else [])
        found[row["article_id"]].entities.append(row)
    for row in _indicator_rows(ids, members, modes):
        _note(found[row["article_id"]], row, list(stix.indicator_ids(row)))
        found[row["article_id"]].indicators.append(row)
    _mark_sources(articles, members, modes)
    ends = collection.order_by().values_list("pk", flat=True)
    last = ends.order_by("-published_at", "-pk").first() if LAST in modes else None
    first = ends.order_by("published_at", "pk").first() if FIRST in modes else None
    return {
        article.pk: _objects(article, found[article.pk], collection, modes, last, first)
        for article in articles
    }


def _note(found: _Found, row: dict, refs: list[str]) -> None:
    if row.get("later"):
        found.newer.update(_version_refs(row, refs, "later"))
    if row.get("earlier"):
        found.older.update(_version_refs(row, refs, "earlier"))


def _version_refs(row: dict, refs: list[str], side: str) -> list[str]:
    """The refs of ``row`` that have a version on ``side``: an entity's, or a value's
    observable; its indicator only if an author on that side wrote the value too."""
    if "indicator__type" not in row:
        return refs
    wrote = row[f"{side}_written"]
    return list(stix.indicator_ids({**row, "written": row["written"] and wrote}))


def _objects(article, found: _Found, collection: QuerySet, modes, last: int | None, first: int | None):
    rank = TLP_ORDER.index(article.tlp) if article.tlp in TLP_ORDER else len(TLP_ORDER) - 1
    alone = {
        "rank": rank,
        "first_seen": article.published_at,
        "last_seen": article.published_at,
        "articles": 1,
    }
    source = {
        "source_id": article.source_id,
        "source__name": article.source.name,
        "source__reliability": article.source.reliability,
        "source__url": article.source.url,
        **alone,
    }
    entities = [{**row, **alone} for row in found.entities]
    indicators = [{**row, **alone} for row in found.indicators]
    relations = list(relations_of_one(entities, indicators, alone))
    pairs = list(stix.entries_from([source], entities, indicators, relations))
    report = stix.report_for_article(article)
    refs = [ref for ref, _make in pairs]
    result = ArticleObjects([(report.id, _report_factory(report, article.tlp, refs)), *pairs])
    sole = _sole(entities) if relations else None
    if LAST in modes:
        result.newer = _side_set(article, found.newer, last, collection, sole, later=True)
    if FIRST in modes:
        result.older = _side_set(article, found.older, first, collection, sole, later=False)
    return result


def _sole(entities: list[dict]) -> tuple[Sole | None, Sole | None]:
    """The article's one threat actor and one malware, (id, name), where it names one."""

    def one(kind: str) -> Sole | None:
        named = [(e["entity_id"], e["entity__name"]) for e in entities if e["entity__kind"] == kind]
        return named[0] if len(named) == 1 else None

    return one("threat-actor"), one("malware")


def _report_factory(report, label: str, refs: list[str]) -> Callable:
    return lambda: stix.report_object(report, label, refs)


def _side_set(article, found: set[str], end: int | None, collection, sole, *, later: bool):
    """The ids with a version on one side: from the rows, plus the portal's identity and the
    source's when there is any article on that side, plus relationships (asked per article)."""
    if end == article.pk:  # the last (or first) article of the collection: nothing beyond it
        return set()
    side: Side = later_articles(collection, article) if later else earlier_articles(collection, article)
    superseded = set(found) | {stix.PORTAL_ID}
    if getattr(article, "source_later" if later else "source_earlier"):
        superseded.add(stix.sdo_id("identity", f"source:{article.source.name}"))
    if sole is not None:
        superseded |= supersede_relationships(article, side, *sole)
    return superseded


# ---------------------------------------------------------------------------------- rows


def _mark_sources(articles: list, members: QuerySet, modes) -> None:
    """Set ``source_later`` / ``source_earlier`` on each article: whether an article of the
    collection from the same source comes after (before) it, one query for the run."""
    from articles.models import Article

    flags = {}
    for name, later in (("source_later", True), ("source_earlier", False)):
        if (LAST if later else FIRST) in modes:
            at, pk = OuterRef("published_at"), OuterRef("pk")
            beyond = (
                Q(published_at__gt=at) | Q(published_at=at, pk__gt=pk)
                if later
                else Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk)
            )
            flags[name] = Exists(
                Article.objects.filter(pk__in=members, source_id=OuterRef("source_id")).filter(beyond)
            )
    values = {}
    if flags:
        rows = Article.objects.filter(pk__in=[a.pk for a in articles]).annotate(**flags).values("pk", *flags)
        values = {row["pk"]: row for row in rows}
    for article in articles:
        for name in ("source_later", "source_earlier"):
            setattr(article, name, values.get(article.pk, {}).get(name, False))


def _beyond(path: str, later: bool) -> Q:
    """The condition, on an inner row reached by ``path``, of coming after (or before) the
    outer row's article in version order (publication, then id)."""
    at, pk = OuterRef(f"{path}published_at"), OuterRef("article_id")
    if later:
        return Q(**{f"{path}published_at__gt": at}) | Q(**{f"{path}published_at": at, "article_id__gt": pk})
    return Q(**{f"{path}published_at__lt": at}) | Q(**{f"{path}published_at": at, "article_id__lt": pk})


def _entity_rows(ids: list[int], members: QuerySet, modes) -> list[dict]:
    rows = ArticleEntity.objects.filter(article_id__in=ids, entity__kind__in=scopes.EXPORTED_ENTITY_KINDS)
    flags = {}
    for name, later in (("later", True), ("earlier", False)):
        if (LAST if later else FIRST) in modes:
            # The link table's own copy of the publication date: its (entity, -published_at,
            # -article) index ranges over the side.
            other = ArticleEntity.objects.filter(entity_id=OuterRef("entity_id"), article__in=members)
            flags[name] = Exists(other.filter(_beyond("", later)))
    return list(
        rows.values(
            "article_id",
            "entity_id",
            "entity__kind",
            "entity__name",
            "entity__external_id",
            "entity__uuid",
            "entity__ref",
        )
        .annotate(**flags)
        .order_by("article_id", "entity_id")
    )


def _indicator_rows(ids: list[int], members: QuerySet, modes) -> list[dict]:
    written = Max(Case(When(derived_from="", then=Value(1)), default=Value(0)))
    flags = {}
    for name, later in (("later", True), ("earlier", False)):
        if (LAST if later else FIRST) in modes:
            other = Sighting.objects.filter(
                indicator_id=OuterRef("indicator_id"), article__in=members
            ).filter(_beyond("article__", later))
            flags[name] = Exists(other)
            flags[f"{name}_written"] = Exists(other.filter(derived_from=""))
    rows = (
        Sighting.objects.filter(article_id__in=ids)
        .values("article_id", "indicator_id", "indicator__type", "indicator__value", "indicator__benign")
        .annotate(written=written)
        .order_by("article_id", "indicator_id")
    )
    if not flags:
        return list(rows)
    # The flags depend only on the value and the article, so they are read once per row of
    # the aggregate, not per sighting: a subquery over the grouped rows.
    by_key = {(row["article_id"], row["indicator_id"]): row for row in rows}
    pairs = (
        Sighting.objects.filter(article_id__in=ids)
        .values("article_id", "indicator_id")
        .distinct()
        .annotate(**flags)
        .values("article_id", "indicator_id", *flags)
    )
    for flagged in pairs:
        by_key[(flagged["article_id"], flagged["indicator_id"])].update(
            {name: flagged[name] for name in flags}
        )
    return list(by_key.values())
