"""Which versions of an object a TAXII collection serves (``match[version]``, TAXII 2.1 §3.4.2).

A collection holds every article of its label the reader may read, each with its own STIX
objects (``api.exports.taxii``). A value found by several of those articles is therefore
there in several *versions*: one per article, with the same id and ``created`` and the
article's publication as ``modified`` (``api.exports.stix``). Versions are ordered by the
article's (publication, id), the order of their ``modified``.

TAXII serves only the latest version of each object unless asked otherwise. An article's
object is its latest version when no *later* article of the collection the reader may read
(``visible_to`` again, so a hidden article never decides what is served) would give the same
id; the first version, when no earlier one would. ``supersede`` answers that for one
article with a few queries, one per kind of object, each narrowed to the article's own
findings; it never builds the other articles' objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from api.exports import scope as scopes
from api.exports import stix
from api.exports.stix_relations import (
    TARGETED,
    USED,
    actor_entity_relation,
    actor_indicator_relation,
    malware_indicator_relation,
    relationship_id,
)
from articles.models import ArticleEntity, Entity, Sighting

LAST, FIRST, ALL = "last", "first", "all"


class VersionError(ValueError):
    pass


@dataclass(frozen=True)
class VersionMatch:
    """``match[version]``: any of first / last / all, and exact ``modified`` timestamps."""

    modes: frozenset[str] = frozenset({LAST})
    timestamps: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, values: list[str]) -> VersionMatch:
        words = [word.strip() for value in values for word in value.split(",") if word.strip()]
        if not words:
            return cls()
        modes, timestamps = set(), set()
        for word in words:
            if word in (LAST, FIRST, ALL):
                modes.add(word)
                continue
            moment = _parse_timestamp(word)
            if moment is None:
                raise VersionError("match[version]: use first, last, all or a timestamp.")
            timestamps.add(_version_text(moment))
        return cls(frozenset(modes), frozenset(timestamps))

    @property
    def everything(self) -> bool:
        return ALL in self.modes


# TAXII's default: the latest version of each object.
LATEST_ONLY = VersionMatch()


def _parse_timestamp(text: str) -> dt.datetime | None:
    from django.utils.dateparse import parse_datetime

    try:
        moment = parse_datetime(text)
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _version_text(moment: dt.datetime) -> str:
    # The manifest's "version" is modified at STIX's millisecond precision.
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def version_of(obj, added: dt.datetime) -> str:
    """An entry's version: its ``modified``, else ``created``, else the date it was added."""
    for name in ("modified", "created"):
        if name in obj:
            return _version_text(obj[name])
    return _version_text(added)


# ----------------------------------------------------------------------------- supersede


@dataclass(frozen=True)
class Side:
    """The articles of the collection on one side of an article in version order: those
    after it (``later``) or before it. ``others`` is the queryset (``visible_to`` again);
    ``links`` the same bound on the entity links' copy of the publication date, which their
    ``(entity, -published_at, -article)`` index can range over."""

    others: QuerySet
    links: Q


def later_articles(collection: QuerySet, article) -> Side:
    """The collection's articles whose versions come after ``article``'s."""
    at, pk = article.published_at, article.pk
    return Side(
        collection.filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=pk)).order_by(),
        Q(published_at__gt=at) | Q(published_at=at, article_id__gt=pk),
    )


def earlier_articles(collection: QuerySet, article) -> Side:
    at, pk = article.published_at, article.pk
    return Side(
        collection.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk)).order_by(),
        Q(published_at__lt=at) | Q(published_at=at, article_id__lt=pk),
    )


def supersede(article, refs: list[str], side: Side) -> set[str]:
    """The ids among ``refs`` (``article``'s objects) that an article of ``side`` also gives,
    i.e. that have a version there. One query per kind of object, each an EXISTS per finding
    of this article: the other articles' objects are never built."""
    if not side.others.exists():
        return set()
    found = {stix.PORTAL_ID}  # every article's bundle carries the portal's identity
    if side.others.filter(source_id=article.source_id).exists():
        found.add(stix.sdo_id("identity", f"source:{article.source.name}"))
    found |= _entities(article, side)
    found |= _indicators(article, side)
    relationships = {ref for ref in refs if ref.startswith("relationship--")}
    if relationships:
        found |= _relationships(article, side) & relationships
    return found


def _linked(side: Side, articles: QuerySet | None = None) -> Exists:
    """Whether an article of ``side`` (or of ``articles``, a part of it) names the outer
    row's entity."""
    links = ArticleEntity.objects.filter(entity_id=OuterRef("entity_id")).filter(side.links)
    return Exists(links.filter(article__in=(articles if articles is not None else side.others).values("pk")))


def _sighted(side_articles: QuerySet, **conditions) -> Exists:
    return Exists(
        Sighting.objects.filter(
            indicator_id=OuterRef("indicator_id"), article__in=side_articles.values("pk"), **conditions
        )
    )


def _entities(article, side: Side) -> set[str]:
    rows = (
        ArticleEntity.objects.filter(article_id=article.pk, entity__kind__in=scopes.EXPORTED_ENTITY_KINDS)
        .filter(_linked(side))
        .values("entity__kind", "entity__name", "entity__external_id", "entity__uuid")
    )
    return {ref for row in rows if (ref := stix.entity_ref(row)) is not None}


def _indicators(article, side: Side) -> set[str]:
    """An observable has a version in every article that sights the value; an indicator
    only in those whose author wrote it (the rules of ``stix.indicator_ids``)."""
    rows = (
        Sighting.objects.filter(article_id=article.pk)
        .values("indicator_id", "indicator__type", "indicator__value", "indicator__benign")
        .distinct()
        .annotate(
            seen=_sighted(side.others),
            written=Case(When(_sighted(side.others, derived_from=""), then=Value(1)), default=Value(0)),
        )
        .filter(seen=True)
    )
    return {ref for row in rows for ref in stix.indicator_ids(row)}


def _the_sole(article, kind: str) -> int | None:
    """The one entity of ``kind`` the article names, if it names exactly one."""
    named = list(
        ArticleEntity.objects.filter(article_id=article.pk, entity__kind=kind).values_list(
            "entity_id", flat=True
        )[:2]
    )
    return named[0] if len(named) == 1 else None


def _naming_only(others: QuerySet, kind: str, entity_id: int) -> QuerySet:
    """The articles of ``others`` that name ``entity_id`` and no other entity of ``kind``."""
    names = ArticleEntity.objects.filter(article_id=OuterRef("pk"))
    return others.filter(Exists(names.filter(entity_id=entity_id))).exclude(
        Exists(names.filter(entity__kind=kind).exclude(entity_id=entity_id))
    )


def _relationships(article, side: Side) -> set[str]:
    """A relationship comes from an article naming exactly one threat actor (or malware):
    another article gives one of this article's only if it names that same one actor (or
    malware) alone, and the same target."""
    found: set[str] = set()
    actor = _the_sole(article, "threat-actor")
    if actor is not None:
        sole = _naming_only(side.others, "threat-actor", actor)
        name = Entity.objects.get(pk=actor).name
        rows = (
            ArticleEntity.objects.filter(article_id=article.pk, entity__kind__in=USED + TARGETED)
            .filter(_linked(side, sole))
            .values("entity__kind", "entity__name", "entity__external_id", "entity__uuid")
        )
        found |= {relationship_id(*rel) for row in rows if (rel := actor_entity_relation(name, row))}
        for kind, value in _written_also_in(article, sole):
            if (rel := actor_indicator_relation(name, kind, value)) is not None:
                found.add(relationship_id(*rel))
    malware = _the_sole(article, "malware")
    if malware is not None:
        sole = _naming_only(side.others, "malware", malware)
        name = Entity.objects.get(pk=malware).name
        for kind, value in _written_also_in(article, sole):
            if (rel := malware_indicator_relation(name, kind, value)) is not None:
                found.add(relationship_id(*rel))
    return found


def _written_also_in(article, articles: QuerySet) -> list[tuple[str, str]]:
    """The values this article's author wrote (not on a warning list) that an author of one
    of ``articles`` wrote too: what relationships are drawn from."""
    return list(
        Sighting.objects.filter(article_id=article.pk, derived_from="", indicator__benign="")
        .filter(_sighted(articles, derived_from=""))
        .values_list("indicator__type", "indicator__value")
        .distinct()
    )
