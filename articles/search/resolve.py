"""What a prefix or an indicator in the search box names, as ids the filters understand.

``actor:``/``malware:``/``technique:`` find entities by name, galaxy alias or ATT&CK id
(``articles.search.aliases``), then a name containing the value; ``tag:``, ``author:`` and
``source:`` read their own small tables; an indicator (typed bare, or after ``ioc:`` or
``cve:``) is looked up by its stored, refanged value. Each lookup is one small query; the
page query then names ids, as the sidebar filters do (docs/architecture.md, "Scale").

Indicators are matched through the findings (Sighting), *instead of* the text: the
stored value is refanged and normalized, so ``1.2.3[.]4`` finds articles that wrote
``1.2.3.4`` and the other way round, which the text index cannot do (its tokenizer
splits defanged forms); and it is exact. Quote an indicator to search its text instead.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull

from articles.enrichment.vocabulary import ENTITY_KINDS, INDICATOR_TYPES
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleEntity,
    ArticleTag,
    Author,
    Entity,
    Indicator,
    Sighting,
    Source,
    Tag,
)
from articles.search.aliases import FIELD_KINDS, canonical_names
from articles.search.query import FIELD, INDICATOR, Term

# Resolved ids beyond this stay a subquery (a vague name matching hundreds of things).
MAX_IDS = 200
# An indicator seen in at most this many articles is looked up as their ids, so the page
# query reads those articles instead of walking every article newest-first to find them.
MAX_INDICATOR_ARTICLES = 1000
KIND_LABELS = dict(ENTITY_KINDS)

LINKS = {
    "tag": (ArticleTag, "article_tags", "tag_id"),
    "author": (ArticleAuthor, "article_authors", "author_id"),
    **{field: (ArticleEntity, "article_entities", "entity_id") for field in FIELD_KINDS},
}


def link_ids(term: Term) -> list[int]:
    """Ids of the tags, authors or entities a ``tag:``/``author:``/entity prefix names."""
    value = term.text
    if term.field == "tag":
        found = Tag.objects.filter(Q(slug=value) | Q(name__iexact=value))
    elif term.field == "author":
        found = Author.objects.filter(Q(slug=value) | Q(name__icontains=value))
    else:
        return entity_ids(term.field, value)
    return list(found.values_list("pk", flat=True)[:MAX_IDS])


def entity_ids(field: str, value: str) -> list[int]:
    """Entities of the prefix's kinds named ``value`` (name, alias, ATT&CK id); failing
    that, those whose name contains it (``actor:lazarus`` finds "Lazarus Group")."""
    kinds = FIELD_KINDS[field]
    exact = Q(name__iexact=value)
    names = [name for _, name in canonical_names(field, value)]
    if names:
        exact |= Q(name__in=names)
    if field in ("technique", "product"):
        exact |= Q(external_id__iexact=value)  # T1566, or a CPE name (rarlab:winrar)
    ids = list(Entity.objects.filter(exact, kind__in=kinds).values_list("pk", flat=True)[:MAX_IDS])
    if not ids:
        ids = list(
            Entity.objects.filter(kind__in=kinds, name__icontains=value).values_list("pk", flat=True)[
                :MAX_IDS
            ]
        )
    return ids


def known_entities(ids: list[int], user) -> QuerySet:
    """The entities of ``ids`` that ``user`` may know of: those an article they can read
    mentions. A name known only from hidden articles is never shown.

    Asked link by link (the entity's newest-first link index), stopping at the first
    readable article: a scalar subquery, which PostgreSQL does not flatten. As EXISTS over
    "readable articles that mention it" it hashed all 67,916 links of the most mentioned
    threat actor to name it (19.5 ms at 1M articles).
    """
    readable = Article.objects.visible_to(user).filter(pk=OuterRef("article_id"))
    first_readable_link = ArticleEntity.objects.filter(entity=OuterRef("pk")).filter(Exists(readable))
    return Entity.objects.filter(pk__in=ids).filter(
        IsNull(Subquery(first_readable_link.values("pk")[:1]), False)
    )


def visible_entity_names(ids: list[int], user) -> list[str]:
    """Names (with their ATT&CK or other external id) of these entities that ``user`` may know of."""
    if not ids:
        return []
    found = known_entities(ids, user).order_by("name")
    return [
        f"{name} ({external_id})" if external_id else name
        for name, external_id in found.values_list("name", "external_id")[:5]
    ]


def condition(term: Term) -> Q:
    """``term`` (a prefix or an indicator) as one condition on articles."""
    if term.kind == INDICATOR:
        return indicator_condition(indicator_ids(term.type, term.text))
    if term.kind != FIELD:
        raise ValueError(f"not a prefix or an indicator: {term!r}")
    if term.field == "ioc":
        return indicator_condition(indicator_ids("", term.text))
    if term.field == "source":
        sources = Source.objects.filter(Q(name__iexact=term.text) | Q(name__icontains=term.text))
        return Q(source_id__in=list(sources.values_list("pk", flat=True)[:MAX_IDS]))
    model, _, key = LINKS[term.field]
    return Q(Exists(model.objects.filter(article=OuterRef("pk"), **{f"{key}__in": link_ids(term)})))


def indicator_ids(type_: str, value: str) -> list[int]:
    """The stored indicator; with no type (``ioc:`` with a value the extractor does not
    recognise) any indicator with exactly that value."""
    if type_:
        found = Indicator.objects.filter(type=type_, value=value)
    else:
        found = Indicator.objects.filter(type__in=INDICATOR_TYPES, value__in={value, value.lower()})
    return list(found.values_list("pk", flat=True)[:MAX_IDS])


def indicator_condition(ids: list[int]) -> Q:
    if not ids:
        return Q(pk__in=[])
    sightings = Sighting.objects.filter(indicator_id__in=ids)
    articles = list(
        sightings.order_by().values_list("article_id", flat=True).distinct()[: MAX_INDICATOR_ARTICLES + 1]
    )
    if len(articles) <= MAX_INDICATOR_ARTICLES:
        return Q(pk__in=articles)
    # A very common indicator: most articles newest-first carry it, so the walk stops soon.
    return Q(Exists(sightings.filter(article=OuterRef("pk"))))
