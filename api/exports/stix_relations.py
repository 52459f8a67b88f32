"""The relationships a STIX export asserts, and why each is safe to assert.

An article that names several groups does not say which of them used which malware, so
relationships come only from articles that name exactly **one** threat actor (or, for
"indicates malware", exactly one malware), within the export's scope:

===============================  ==============================================================
intrusion-set ``uses``           malware, tool, attack-pattern named in the same article
intrusion-set ``targets``        sector (identity), country (location), CVE (vulnerability)
indicator ``indicates``          the article's one intrusion set; the article's one malware
===============================  ==============================================================

Only indicators the author wrote (not hosts derived from a URL or e-mail) and not on a
warning list indicate anything. Each relationship carries the highest TLP and the first/
last publication of the scope articles that support it.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Max, Min, OuterRef, QuerySet, Subquery

from api.exports import scope as scopes
from api.exports.stix import entity_ref, indicator_ref, sdo_id
from articles.models import ArticleEntity, Sighting

USED = ("malware", "tool", "attack-pattern")
TARGETED = ("sector", "country")


def _aggregates(article_path: str) -> dict:
    return {
        "rank": Max(scopes.tlp_rank(f"{article_path}tlp")),
        "first_seen": Min(f"{article_path}published_at"),
        "last_seen": Max(f"{article_path}published_at"),
        "articles": Count(f"{article_path}pk", distinct=True),
    }


def _the_one(kind: str, column: str) -> Subquery:
    """The ``column`` of the single ``kind`` entity the outer row's article names."""
    return Subquery(
        ArticleEntity.objects.filter(article=OuterRef("article"), entity__kind=kind).values(
            f"entity__{column}"
        )[:1]
    )


def _actor_entity_rows(articles: QuerySet) -> QuerySet:
    sole = scopes.sole_entity_articles(articles, "threat-actor")
    return (
        ArticleEntity.objects.filter(article__in=sole, entity__kind__in=USED + TARGETED)
        .annotate(actor=_the_one("threat-actor", "name"))
        .values("actor", "entity__kind", "entity__name", "entity__external_id", "entity__uuid")
        .annotate(**_aggregates("article__"))
        .order_by("actor", "entity__kind", "entity__name")
    )


def _sighting_rows(articles: QuerySet, kind: str) -> QuerySet:
    sole = scopes.sole_entity_articles(articles, kind)
    return (
        Sighting.objects.filter(article__in=sole, derived_from="", indicator__benign="")
        .annotate(named=_the_one(kind, "name"))
        .values("named", "indicator__type", "indicator__value")
        .annotate(**_aggregates("article__"))
        .order_by("named", "indicator_id")
    )


def _why(row: dict, what: str) -> str:
    return f"Named together in {row['articles']} article(s) that name this one {what}."


def actor_entity_relation(actor: str, row: dict) -> tuple[str, str, str] | None:
    """(type, source id, target id) of the relationship between the article's one threat
    actor and an entity it names (``row`` as ``_actor_entity_rows`` gives it), or None."""
    target = entity_ref(row)
    if target is None:
        return None
    verb = "uses" if row["entity__kind"] in USED else "targets"
    return verb, sdo_id("intrusion-set", actor), target


def actor_indicator_relation(actor: str, kind: str, value: str) -> tuple[str, str, str] | None:
    ref = indicator_ref(kind, value)
    if ref is None:
        return None
    group = sdo_id("intrusion-set", actor)
    return ("targets", group, ref) if kind == "cve" else ("indicates", ref, group)


def malware_indicator_relation(malware: str, kind: str, value: str) -> tuple[str, str, str] | None:
    ref = indicator_ref(kind, value)
    if ref is None or kind == "cve":
        return None
    return "indicates", ref, sdo_id("malware", malware)


def relations(articles: QuerySet) -> Iterator[tuple[str, str, str, dict, str]]:
    """(relationship type, source id, target id, aggregates row, description), streamed."""
    for row in _actor_entity_rows(articles).iterator(chunk_size=scopes.CHUNK):
        found = actor_entity_relation(row["actor"], row)
        if found is not None:
            yield *found, row, _why(row, "threat actor")
    for row in _sighting_rows(articles, "threat-actor").iterator(chunk_size=scopes.CHUNK):
        found = actor_indicator_relation(row["named"], row["indicator__type"], row["indicator__value"])
        if found is not None:
            yield *found, row, _why(row, "threat actor")
    for row in _sighting_rows(articles, "malware").iterator(chunk_size=scopes.CHUNK):
        found = malware_indicator_relation(row["named"], row["indicator__type"], row["indicator__value"])
        if found is not None:
            yield *found, row, _why(row, "malware")


def relations_of_one(entities: list[dict], indicators: list[dict], row: dict):
    """What ``relations`` gives for a scope of one article, from that article's entity and
    indicator rows (as ``scope.entity_rows`` and ``indicator_rows`` give them) and ``row``,
    its aggregates (rank, first/last seen, one article): no query."""

    def named(kind: str) -> str | None:
        names = [e["entity__name"] for e in entities if e["entity__kind"] == kind]
        return names[0] if len(names) == 1 else None

    written = [i for i in indicators if i["written"] and not i["indicator__benign"]]
    actor = named("threat-actor")
    if actor is not None:
        targets = sorted(
            (e for e in entities if e["entity__kind"] in USED + TARGETED),
            key=lambda e: (e["entity__kind"], e["entity__name"]),
        )
        for entity in targets:
            found = actor_entity_relation(actor, entity)
            if found is not None:
                yield *found, row, _why(row, "threat actor")
        for indicator in written:
            found = actor_indicator_relation(
                actor, indicator["indicator__type"], indicator["indicator__value"]
            )
            if found is not None:
                yield *found, row, _why(row, "threat actor")
    malware = named("malware")
    if malware is not None:
        for indicator in written:
            found = malware_indicator_relation(
                malware, indicator["indicator__type"], indicator["indicator__value"]
            )
            if found is not None:
                yield *found, row, _why(row, "malware")
