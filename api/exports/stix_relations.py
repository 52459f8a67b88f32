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


def relations(articles: QuerySet) -> Iterator[tuple[str, str, str, dict, str]]:
    """(relationship type, source id, target id, aggregates row, description), streamed."""
    for row in _actor_entity_rows(articles).iterator(chunk_size=scopes.CHUNK):
        target = entity_ref(row)
        if target is None:
            continue
        verb = "uses" if row["entity__kind"] in USED else "targets"
        yield verb, sdo_id("intrusion-set", row["actor"]), target, row, _why(row, "threat actor")
    for row in _sighting_rows(articles, "threat-actor").iterator(chunk_size=scopes.CHUNK):
        actor = sdo_id("intrusion-set", row["named"])
        ref = indicator_ref(row["indicator__type"], row["indicator__value"])
        if ref is None:
            continue
        if row["indicator__type"] == "cve":
            yield "targets", actor, ref, row, _why(row, "threat actor")
        else:
            yield "indicates", ref, actor, row, _why(row, "threat actor")
    for row in _sighting_rows(articles, "malware").iterator(chunk_size=scopes.CHUNK):
        ref = indicator_ref(row["indicator__type"], row["indicator__value"])
        if ref is None or row["indicator__type"] == "cve":
            continue
        yield "indicates", ref, sdo_id("malware", row["named"]), row, _why(row, "malware")
