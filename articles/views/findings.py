"""Findings on the article page, the entity page, and re-running enrichment."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from articles.enrichment.defang import defang
from articles.enrichment.vocabulary import ENTITY_KINDS, INDICATOR_LABELS, INDICATOR_TYPES
from articles.highlight import Span, marked_text
from articles.models import Article, Entity, Mention, Sighting
from articles.pagination import page_of_visible_or_404
from articles.reenrichment import request_reenrichment

KIND_LABELS = dict(ENTITY_KINDS)


@dataclass
class FindingGroup:
    label: str
    items: list[dict] = field(default_factory=list)


def findings_context(article: Article) -> dict:
    """Indicators grouped by type, entities grouped by kind, and the marked-up text."""
    sightings = list(Sighting.objects.filter(article=article).select_related("indicator").order_by("start"))
    mentions = list(Mention.objects.filter(article=article).select_related("entity").order_by("start"))
    spans: list[Span] = []

    indicator_groups: OrderedDict[str, FindingGroup] = OrderedDict(
        (t, FindingGroup(INDICATOR_LABELS[t])) for t in INDICATOR_TYPES
    )
    by_indicator: dict[int, dict] = {}
    for s in sightings:
        key = f"i{s.indicator_id}"
        item = by_indicator.get(s.indicator_id)
        if item is None:
            item = {
                "key": key,
                "value": s.indicator.value,
                "shown": defang(s.indicator.value, s.indicator.type),
                "benign": s.indicator.benign,
                "anchor": f"f-{key}-{s.start}",
                "count": 0,
            }
            by_indicator[s.indicator_id] = item
            indicator_groups[s.indicator.type].items.append(item)
        item["count"] += 1
        spans.append(Span(s.start, s.end, key, "finding--indicator", f"f-{key}-{s.start}"))

    entity_groups: OrderedDict[str, FindingGroup] = OrderedDict(
        (k, FindingGroup(label)) for k, label in ENTITY_KINDS
    )
    by_entity: dict[int, dict] = {}
    for m in mentions:
        key = f"e{m.entity_id}"
        item = by_entity.get(m.entity_id)
        if item is None:
            item = {
                "key": key,
                "entity": m.entity,
                "anchor": f"f-{key}-{m.start}",
                "count": 0,
                "matched": set(),
            }
            by_entity[m.entity_id] = item
            entity_groups[m.entity.kind].items.append(item)
        item["count"] += 1
        item["matched"].add(m.matched)
        spans.append(Span(m.start, m.end, key, f"finding--{m.entity.kind}", f"f-{key}-{m.start}"))

    return {
        "indicator_groups": [g for g in indicator_groups.values() if g.items],
        "entity_groups": [g for g in entity_groups.values() if g.items],
        "marked_text": marked_text(article.enrichment_text, spans) if spans else None,
        "has_findings": bool(spans),
    }


@require_GET
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_object_or_404(Entity, pk=pk)
    mentioned = Mention.objects.filter(article=OuterRef("pk"), entity=entity)
    articles = Article.objects.visible_to(request.user).filter(Exists(mentioned))
    page = page_of_visible_or_404(request, articles, "entity")
    return render(
        request,
        "articles/entity_detail.html",
        {
            "entity": entity,
            "kind_label": KIND_LABELS.get(entity.kind, entity.kind),
            "page": page,
            "base_query": "",
        },
    )


@require_POST
@permission_required("articles.reenrich_article", raise_exception=True)
def reenrich(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=pk)
    request_reenrichment([article.pk], request=request)
    messages.success(request, "Enrichment queued; the page shows the new findings once a worker is done.")
    return redirect(article)
