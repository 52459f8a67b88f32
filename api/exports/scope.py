"""What an export reads: a *scope* of articles the reader may see, and its findings.

Every export (STIX, MISP, blocklists, TAXII) starts from a scope built here, and a scope
always starts from ``Article.objects.visible_to(user)``: an article, a story, a published
brief or a search is that queryset narrowed down, never widened. The findings queries
below read sightings and mentions *of the scope's articles only*, so a count, a first-seen
date or a TLP marking never includes an article the reader cannot see.

The queries aggregate in the database and are read with ``iterator(chunk_size=...)``:
10,000 indicators stream in constant memory.
"""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Max, Min, QuerySet, Value, When
from django.http import QueryDict

from articles.models import Article, ArticleEntity, Sighting
from articles.tlp import TLP_ORDER

CHUNK = 2000

# Entity kinds that become STIX/MISP objects; products, vendors and organizations stay out
# (docs/exports.md says why).
EXPORTED_ENTITY_KINDS = ("threat-actor", "malware", "tool", "attack-pattern", "country", "sector")


def tlp_rank(field: str) -> Case:
    """The position of the TLP label in ``field`` (CLEAR 0 … RED 4), as SQL, to take a Max of."""
    return Case(
        *(When(**{field: label}, then=Value(i)) for i, label in enumerate(TLP_ORDER)),
        default=Value(len(TLP_ORDER) - 1),  # an unknown label is treated as RED
        output_field=IntegerField(),
    )


def label_of(rank: int) -> str:
    return TLP_ORDER[rank]


# ---------------------------------------------------------------------------------- scopes


def visible(user) -> QuerySet:
    return Article.objects.visible_to(user)


def article_scope(user, pk: int) -> QuerySet:
    return visible(user).filter(pk=pk)


def story_scope(user, story_id: int) -> QuerySet:
    return visible(user).filter(story_id=story_id)


def readable_brief(user, pk: int):
    """The published brief ``pk`` if ``user`` may read it now, else None."""
    from briefs.models import Brief

    return Brief.objects.readable_by(user).select_related("snapshot").filter(pk=pk).first()


def brief_scope(user, brief) -> QuerySet:
    """The articles a readable brief cites, through the gate again (belt and braces)."""
    from briefs.models import PublishedCitation

    cited = PublishedCitation.objects.filter(brief=brief).values("article_id")
    return visible(user).filter(pk__in=cited)


def search_scope(user, params: QueryDict) -> tuple[QuerySet, object]:
    """The list page's search and filters (``articles.filters.ArticleFilter``) over what
    ``user`` may see; returns the queryset and the filter set (for its errors)."""
    from articles.filters import ArticleFilter

    filterset = ArticleFilter(params, queryset=visible(user), user=user)
    return filterset.qs, filterset


def scope_ids(articles: QuerySet) -> QuerySet:
    """The scope as a subquery of ids (ordering and list-page aliases dropped)."""
    return articles.order_by().values("pk")


# -------------------------------------------------------------------------------- findings


def indicator_rows(articles: QuerySet) -> QuerySet:
    """One row per indicator sighted in the scope: type, value, benign, whether any sighting
    was written by the author (not only derived from a URL or e-mail), the highest TLP and
    the first/last publication among the scope's articles that contain it, how many."""
    return (
        Sighting.objects.filter(article__in=scope_ids(articles))
        .values("indicator_id", "indicator__type", "indicator__value", "indicator__benign")
        .annotate(
            written=Max(Case(When(derived_from="", then=Value(1)), default=Value(0))),
            rank=Max(tlp_rank("article__tlp")),
            first_seen=Min("article__published_at"),
            last_seen=Max("article__published_at"),
            articles=Count("article", distinct=True),
        )
        .order_by("indicator_id")
    )


def entity_rows(articles: QuerySet) -> QuerySet:
    """One row per exported entity the scope's articles mention, with the same aggregates."""
    return (
        ArticleEntity.objects.filter(article__in=scope_ids(articles), entity__kind__in=EXPORTED_ENTITY_KINDS)
        .values(
            "entity_id", "entity__kind", "entity__name", "entity__external_id", "entity__uuid", "entity__ref"
        )
        .annotate(
            rank=Max(tlp_rank("article__tlp")),
            first_seen=Min("article__published_at"),
            last_seen=Max("article__published_at"),
        )
        .order_by("entity_id")
    )


def source_rows(articles: QuerySet) -> QuerySet:
    return (
        articles.order_by()
        .values("source_id", "source__name", "source__reliability", "source__url")
        .annotate(rank=Max(tlp_rank("tlp")), first_seen=Min("published_at"), last_seen=Max("published_at"))
        .order_by("source_id")
    )


def sole_entity_articles(articles: QuerySet, kind: str) -> QuerySet:
    """Ids of the scope's articles that name exactly one entity of ``kind``: the only ones
    relationships are drawn from (an article about three groups does not say which of them
    used the malware)."""
    return (
        ArticleEntity.objects.filter(article__in=scope_ids(articles), entity__kind=kind)
        .values("article_id")
        .annotate(n=Count("pk"))
        .filter(n=1)
        .values("article_id")
    )
