"""/api/v1/entities/, /indicators/, /stories/: each only as found in articles the reader may read.

An entity, indicator or story known only from hidden articles does not exist for the
reader: it is left out of lists and its page is a 404, like a missing one. Counts and dates
are taken over readable articles only.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery
from django.db.models.lookups import IsNull
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.pagination import IdCursorPagination
from api.serializers.intel import (
    EntitySerializer,
    IndicatorSerializer,
    StoryDetailSerializer,
    StorySerializer,
)
from articles.enrichment.vocabulary import ENTITY_KINDS, INDICATOR_TYPES
from articles.models import Article, ArticleEntity, Entity, Indicator, Sighting, Story

MAX_STORY_REPORTS = 200


def _flag(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name, "").lower()
    if raw in ("", "any"):
        return None
    if raw in ("true", "1", "yes"):
        return True
    if raw in ("false", "0", "no"):
        return False
    raise ValidationError({name: "true or false"})


def _choice(request: Request, name: str, allowed: list[str]) -> str | None:
    raw = request.query_params.get(name, "")
    if raw and raw not in allowed:
        raise ValidationError({name: f"One of: {', '.join(allowed)}."})
    return raw or None


def _day(request: Request, name: str) -> dt.datetime | None:
    """The start of the day given as YYYY-MM-DD, in the portal's time zone."""
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: "A day as YYYY-MM-DD."}) from None
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _text(request: Request, name: str) -> str:
    return " ".join(request.query_params.get(name, "").split())[:200]


@extend_schema(
    parameters=[
        OpenApiParameter("kind", str, enum=[k for k, _ in ENTITY_KINDS]),
        OpenApiParameter("q", str, description="part of the name"),
    ]
)
class EntityList(generics.ListAPIView):
    """Entities mentioned in at least one article you may read."""

    serializer_class = EntitySerializer
    pagination_class = IdCursorPagination

    def get_queryset(self):
        entities = readable_entities(self.request)
        kind = _choice(self.request, "kind", [k for k, _ in ENTITY_KINDS])
        if kind:
            entities = entities.filter(kind=kind)
        if text := _text(self.request, "q"):
            entities = entities.filter(name__icontains=text)
        return entities


class EntityDetail(generics.RetrieveAPIView):
    serializer_class = EntitySerializer

    def get_queryset(self):
        return readable_entities(self.request)


def readable_entities(request: Request):
    """Entities mentioned in an article ``request.user`` may read."""
    readable = Article.objects.visible_to(request.user).filter(pk=OuterRef("article_id"))
    return Entity.objects.filter(
        Exists(ArticleEntity.objects.filter(entity=OuterRef("pk")).filter(Exists(readable)))
    )


def _readable_sightings(request: Request):
    return Sighting.objects.filter(article__in=Article.objects.visible_to(request.user).values("pk"))


@extend_schema(
    parameters=[
        OpenApiParameter("type", str, enum=INDICATOR_TYPES),
        OpenApiParameter("benign", OpenApiTypes.BOOL, description="on a warning list (known benign) or not"),
        OpenApiParameter(
            "derived",
            OpenApiTypes.BOOL,
            description="true: only hosts taken from URLs or e-mail addresses; false: written alone",
        ),
        OpenApiParameter("q", str, description="part of the value"),
        OpenApiParameter("article", int, description="found in this article"),
        OpenApiParameter(
            "since", OpenApiTypes.DATE, description="seen in an article published on or after this day"
        ),
    ]
)
class IndicatorList(generics.ListAPIView):
    """Indicators found in articles you may read, with first/last seen and counts over those articles."""

    serializer_class = IndicatorSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self):
        request = self.request
        sightings = _readable_sightings(request).filter(indicator=OuterRef("pk"))
        one_article = (article := request.query_params.get("article")) not in (None, "")
        if one_article:
            if not article.isdigit() or len(article) > 18:
                raise ValidationError({"article": "An article id."})
            sightings = sightings.filter(article_id=int(article))
        if since := _day(request, "since"):
            sightings = sightings.filter(article__published_at__gte=since)
        benign, derived = _flag(request, "benign"), _flag(request, "derived")
        # Most indicators pass these filters (a type, written ones, not benign): walk the
        # indicators newest first and probe each. One article, recent days, benign ones or
        # derived-only hosts keep few, found best from the other side (see _has).
        dense = not (one_article or since or benign is True or derived is True)
        written = sightings.filter(derived_from="")
        if derived is True:
            # sighted only as a host taken from a URL or e-mail: starting from the derived
            # sightings (a partial index) rather than from every indicator
            indicators = Indicator.objects.filter(Exists(sightings.exclude(derived_from=""))).exclude(
                _has(written, probe=False)
            )
        else:  # a written sighting is a readable sighting: one test, not two
            indicators = Indicator.objects.filter(
                _has(written if derived is False else sightings, probe=dense)
            )
        kind = _choice(request, "type", INDICATOR_TYPES)
        if kind:
            indicators = indicators.filter(type=kind)
        if benign is not None:
            indicators = indicators.exclude(benign="") if benign else indicators.filter(benign="")
        if text := _text(request, "q"):
            indicators = indicators.filter(value__icontains=text)
        return indicators

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        _attach_seen(self.request, page if page is not None else [])
        return page


def _has(sightings, *, probe: bool) -> IsNull | Exists:
    """A condition that an indicator has one of ``sightings`` (correlated on ``OuterRef("pk")``).

    ``probe``: ask indicator by indicator, newest first, stopping when the page is full. As
    an EXISTS, PostgreSQL turns the test into a merge semi-join that reads the whole sighting
    index, checking each sighting's article, to fill one page of a type (140 ms at 100k
    articles, and linear in the table); a scalar subquery is never flattened that way, so a
    page costs one index probe per indicator it passes (9 ms). When few indicators qualify
    (one article, recent days, benign or derived ones) probing would pass them all, and the
    semi-join is the better plan (measured with bench/api_speed.py).
    """
    if not probe:
        return Exists(sightings)
    return IsNull(Subquery(sightings.values("pk")[:1]), False)


class IndicatorDetail(generics.RetrieveAPIView):
    serializer_class = IndicatorSerializer

    def get_queryset(self):
        return Indicator.objects.filter(
            Exists(_readable_sightings(self.request).filter(indicator=OuterRef("pk")))
        )

    def get_object(self):
        indicator = super().get_object()
        _attach_seen(self.request, [indicator])
        return indicator


def _attach_seen(request: Request, indicators: list) -> None:
    """First/last seen, counts and the derived flag of a page of indicators, in one query,
    over the sightings in articles ``request.user`` may read."""
    if not indicators:
        return
    rows = (
        _readable_sightings(request)
        .filter(indicator_id__in=[i.pk for i in indicators])
        .values("indicator_id")
        .order_by()
        .annotate(
            first_seen=Min("article__published_at"),
            last_seen=Max("article__published_at"),
            sightings=Count("pk"),
            articles=Count("article", distinct=True),
            written=Count("pk", filter=Q(derived_from="")),
        )
    )
    seen = {row["indicator_id"]: row for row in rows}
    for indicator in indicators:
        row = seen.get(indicator.pk, {})
        indicator.first_seen = row.get("first_seen")
        indicator.last_seen = row.get("last_seen")
        indicator.sighting_count = row.get("sightings", 0)
        indicator.article_count = row.get("articles", 0)
        indicator.derived = not row.get("written", 0)


def _story_rows(request: Request, story_ids: list[int]) -> dict[int, dict]:
    """Each story's readable reports counted, dated and titled (two queries for a page)."""
    readable = Article.objects.visible_to(request.user).filter(story_id__in=story_ids)
    stats = {
        row["story_id"]: row
        for row in readable.order_by()
        .values("story_id")
        .annotate(
            first_published=Min("published_at"),
            last_published=Max("published_at"),
            articles=Count("pk"),
            sources=Count("source", distinct=True),
        )
    }
    titles: dict[int, str] = {}
    for story_id, title in readable.order_by("story_id", "published_at", "id").values_list(
        "story_id", "title"
    ):
        titles.setdefault(story_id, title)
    return {
        pk: {"id": pk, "title": titles[pk], **{k: v for k, v in stats[pk].items() if k != "story_id"}}
        for pk in story_ids
        if pk in stats
    }


class StoryList(generics.ListAPIView):
    """Stories (one event, several reports) with at least one report you may read; newest story first."""

    serializer_class = StorySerializer
    pagination_class = IdCursorPagination

    def get_queryset(self):
        readable = Article.objects.visible_to(self.request.user).filter(story=OuterRef("pk"))
        return Story.objects.filter(Exists(readable))

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = _story_rows(request, [story.pk for story in page])
        data = [rows[story.pk] for story in page if story.pk in rows]
        return self.get_paginated_response(self.get_serializer(data, many=True).data)


class StoryDetail(generics.GenericAPIView):
    serializer_class = StoryDetailSerializer

    def get(self, request: Request, pk: int) -> Response:
        rows = _story_rows(request, [pk])
        if pk not in rows:
            raise Http404
        reports = list(
            Article.objects.visible_to(request.user)
            .filter(story_id=pk)
            .for_list()
            .order_by("published_at", "id")[:MAX_STORY_REPORTS]
        )
        context = self.get_serializer_context()
        return Response(StoryDetailSerializer({**rows[pk], "reports": reports}, context=context).data)
