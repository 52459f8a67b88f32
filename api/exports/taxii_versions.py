"""Which versions of an object a TAXII collection serves (``match[version]``, TAXII 2.1 §3.4.2).

A collection holds every article of its label the reader may read, each with its own STIX
objects (``api.exports.taxii``). A value found by several of those articles is therefore
there in several *versions*: one per article, with the same id and ``created`` and the
article's publication as ``modified`` (``api.exports.stix``). Versions are ordered by the
article's (publication, id), the order of their ``modified``.

TAXII serves only the latest version of each object unless asked otherwise. An article's
object is its latest version when no *later* article of the collection the reader may read
(``visible_to`` again, so a hidden article never decides what is served) would give the same
id; the first version, when no earlier one would. ``api.exports.taxii_batch`` answers that
for a run of articles with EXISTS on their findings' rows; relationships, which depend on
what else an article names, are answered here per article (``supersede_relationships``),
with queries narrowed to the article's own findings; the other articles' objects are never
built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from api.exports.stix import relationship_id
from api.exports.stix_relations import (
    TARGETED,
    USED,
    actor_entity_relation,
    actor_indicator_relation,
    malware_indicator_relation,
)
from articles.models import ArticleEntity, Sighting

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
            text = _version_text_of(word)
            if text is None:
                raise VersionError("match[version]: use first, last, all or a timestamp.")
            timestamps.add(text)
        return cls(frozenset(modes), frozenset(timestamps))

    @property
    def everything(self) -> bool:
        return ALL in self.modes


# TAXII's default: the latest version of each object.
LATEST_ONLY = VersionMatch()


def _version_text_of(text: str) -> str | None:
    """A requested version, as ``version_of`` writes them, or None if it is not a timestamp
    with a time zone (or one that falls off the calendar once turned to UTC)."""
    from django.utils.dateparse import parse_datetime

    try:
        moment = parse_datetime(text)
        if moment is None or moment.tzinfo is None:
            return None
        return _version_text(moment)
    except (ValueError, OverflowError):
        return None


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


def _naming_only(side: Side, kind: str, entity_id: int) -> QuerySet:
    """Ids of the articles of ``side`` that name ``entity_id`` and no other entity of
    ``kind``, found from that entity's own links (their index ranges over the side by the
    copied publication date) rather than from every link of every target."""
    others = ArticleEntity.objects.filter(article_id=OuterRef("article_id"), entity__kind=kind)
    return (
        ArticleEntity.objects.filter(entity_id=entity_id)
        .filter(side.links)
        .filter(article__in=side.others.values("pk"))
        .exclude(Exists(others.exclude(entity_id=entity_id)))
        .values("article_id")
    )


# An entity an article names as the only one of its kind: (id, name).
Sole = tuple[int, str]


def supersede_relationships(article, side: Side, actor: Sole | None, malware: Sole | None) -> set[str]:
    """A relationship comes from an article naming exactly one threat actor (``actor``) or
    malware (``malware``): another article gives one of this article's only if it names that
    same one actor (or malware) alone, and the same target."""
    found: set[str] = set()
    if actor is not None:
        actor_id, name = actor
        sole = _naming_only(side, "threat-actor", actor_id)
        targets = ArticleEntity.objects.filter(article_id=article.pk, entity__kind__in=USED + TARGETED)
        rows = (
            ArticleEntity.objects.filter(article_id__in=sole, entity_id__in=targets.values("entity_id"))
            .values("entity__kind", "entity__name", "entity__external_id", "entity__uuid")
            .order_by()
            .distinct()
        )
        found |= {relationship_id(*rel) for row in rows if (rel := actor_entity_relation(name, row))}
        for kind, value in _written_also_in(article, sole):
            if (rel := actor_indicator_relation(name, kind, value)) is not None:
                found.add(relationship_id(*rel))
    if malware is not None:
        malware_id, name = malware
        sole = _naming_only(side, "malware", malware_id)
        for kind, value in _written_also_in(article, sole):
            if (rel := malware_indicator_relation(name, kind, value)) is not None:
                found.add(relationship_id(*rel))
    return found


def _written_also_in(article, articles: QuerySet) -> list[tuple[str, str]]:
    """The values this article's author wrote (not on a warning list) that an author of one
    of ``articles`` (a subquery of ids) wrote too: what relationships are drawn from."""
    theirs = Sighting.objects.filter(
        indicator_id=OuterRef("indicator_id"), derived_from="", article_id__in=articles
    )
    return list(
        Sighting.objects.filter(article_id=article.pk, derived_from="", indicator__benign="")
        .filter(Exists(theirs))
        .values_list("indicator__type", "indicator__value")
        .order_by()
        .distinct()
    )
