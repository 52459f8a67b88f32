"""A TAXII page's articles, their objects and which versions are superseded, in a few queries.

A collection serves, article by article, the objects a STIX export of that one article would
hold (``stix.scope_entries`` of the article's scope). Asked article by article, that is
about a dozen queries each (findings, relationships, the version checks), most of a page's
time. Here a run of articles is read at once: one query for their entity links, one for
their sightings and one for their sources, each row also saying whether a later (or
earlier) article of the collection the reader may read has the same value — the version
check of ``api.exports.taxii_versions`` as an EXISTS on the same row. What one article's
scope aggregates (its TLP, its publication, one article) needs no query. Relationships are
drawn from the same rows (``stix_relations.relations_of_one``); only their version check
stays per article, for the articles that name one actor or one malware, and only when
relationships are asked for.

``tests/test_exports_taxii_versions.py`` checks that every article's objects here are the
ones its own STIX export gives, and the version sets against their definition.
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


def collection_ends(collection: QuerySet, modes: frozenset[str]) -> tuple[int | None, int | None]:
    """The ids of the collection's last and first articles in version order (publication,
    then id), where ``modes`` asks for them: nothing comes after (before) those. Read once a
    request, so a page's runs all see the same ends."""
    ids = collection.order_by().values_list("pk", flat=True)
    last = ids.order_by("-published_at", "-pk").first() if LAST in modes else None
    first = ids.order_by("published_at", "pk").first() if FIRST in modes else None
    return last, first


def read(
    articles: list,
    collection: QuerySet,
    modes: frozenset[str],
    ends: tuple[int | None, int | None],
    *,
    relationships: bool = True,
) -> dict[int, ArticleObjects]:
    """The objects of ``articles`` (rows of ``taxii.collection_articles``), by article id.
    ``relationships``: whether relationships are asked for at all (``match[type]``); when
    not, their per-article version check is not run."""
    found: dict[int, _Found] = defaultdict(_Found)
    ids = [article.pk for article in articles]
    members = collection.order_by().values("pk")
    for row in _entity_rows(ids, members, modes):
        _note(found[row["article_id"]], row, [ref] if (ref := stix.entity_ref(row)) else [])
        found[row["article_id"]].entities.append(row)
    for row in _indicator_rows(ids, members, modes):
        _note(found[row["article_id"]], row, list(stix.indicator_ids(row)))
        found[row["article_id"]].indicators.append(row)
    sources = _source_flags(ids, members, modes)
    return {
        article.pk: _objects(
            article, found[article.pk], sources.get(article.pk, {}), collection, modes, ends, relationships
        )
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


def _objects(article, found: _Found, sources: dict, collection: QuerySet, modes, ends, relationships: bool):
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
    sole = _sole(entities) if relations and relationships else None
    last, first = ends
    if LAST in modes:
        result.newer = _side_set(
            article, found.newer, sources.get("later"), last, collection, sole, later=True
        )
    if FIRST in modes:
        result.older = _side_set(
            article, found.older, sources.get("earlier"), first, collection, sole, later=False
        )
    return result


def _sole(entities: list[dict]) -> tuple[Sole | None, Sole | None]:
    """The article's one threat actor and one malware, (id, name), where it names one."""

    def one(kind: str) -> Sole | None:
        named = [(e["entity_id"], e["entity__name"]) for e in entities if e["entity__kind"] == kind]
        return named[0] if len(named) == 1 else None

    return one("threat-actor"), one("malware")


def _report_factory(report, label: str, refs: list[str]) -> Callable:
    return lambda: stix.report_object(report, label, refs)


def _side_set(article, found: set[str], same_source: bool, end: int | None, collection, sole, *, later: bool):
    """The ids with a version on one side: from the rows, plus the portal's identity when
    there is any article on that side, the source's identity when one of them is from the
    same source, and relationships (asked per article, only when ``sole`` is given)."""
    if end == article.pk:  # the last (or first) article of the collection: nothing beyond it
        return set()
    superseded = set(found) | {stix.PORTAL_ID}
    if same_source:
        superseded.add(stix.sdo_id("identity", f"source:{article.source.name}"))
    if sole is not None:
        side: Side = later_articles(collection, article) if later else earlier_articles(collection, article)
        superseded |= supersede_relationships(article, side, *sole)
    return superseded


# ---------------------------------------------------------------------------------- rows


def _source_flags(ids: list[int], members: QuerySet, modes) -> dict[int, dict[str, bool]]:
    """For each article, whether an article of the collection from the same source comes
    after it (``later``) or before it (``earlier``): one query for the run."""
    from articles.models import Article

    flags = {}
    for name, later in (("later", True), ("earlier", False)):
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
    if not flags:
        return {}
    rows = Article.objects.filter(pk__in=ids).annotate(**flags).values("pk", *flags)
    return {row.pop("pk"): row for row in rows}


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
    """One row per (article, value) sighted in the run, with ``written`` (an author wrote it
    there, not only a URL's or e-mail's host) and the version flags: whether a later
    (earlier) article of the collection sights it, and whether an author wrote it there."""
    flags = {}
    for name, later in (("later", True), ("earlier", False)):
        if (LAST if later else FIRST) in modes:
            other = Sighting.objects.filter(
                indicator_id=OuterRef("indicator_id"), article__in=members
            ).filter(_beyond("article__", later))
            flags[name] = Exists(other)
            flags[f"{name}_written"] = Exists(other.filter(derived_from=""))
    # The article's publication is grouped on because the flags read it (OuterRef): they
    # depend only on the article and the value, so grouping on them too changes nothing.
    return list(
        Sighting.objects.filter(article_id__in=ids)
        .values(
            "article_id",
            "article__published_at",
            "indicator_id",
            "indicator__type",
            "indicator__value",
            "indicator__benign",
        )
        .annotate(written=Max(Case(When(derived_from="", then=Value(1)), default=Value(0))), **flags)
        .order_by("article_id", "indicator_id")
    )
