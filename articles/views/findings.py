"""Findings on the article page, the entity page, and re-running enrichment."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from articles.enrichment.defang import defang
from articles.enrichment.vocabulary import ENTITY_KINDS, INDICATOR_LABELS, INDICATOR_TYPES
from articles.findings import article_sections
from articles.highlight import Span, marked_line, marked_text, well_formed
from articles.models import Article, Entity, Mention, Sighting
from articles.pagination import page_of_visible_or_404
from articles.reenrichment import request_reenrichment

KIND_LABELS = dict(ENTITY_KINDS)


@dataclass
class FindingGroup:
    label: str
    items: list[dict] = field(default_factory=list)


# Sections shown on one line (inside a heading or a teaser paragraph) rather than as paragraphs.
INLINE_SECTIONS = {"title", "teaser"}


def findings_context(article: Article) -> dict:
    """Indicators grouped by type, entities grouped by kind, and each section's marked-up text.

    A finding's link points at its first span in reading order (title, teaser, executive
    summary, summary, body), so it works without JavaScript; the script highlights all.
    """
    texts = article_sections(article)
    order = {name: position for position, name in enumerate(texts)}

    def in_place(row: Mention | Sighting) -> bool:
        # Rows written for an older text of the article (before it is re-enriched) are
        # left out rather than marking the wrong words.
        return texts.get(row.section, "")[row.start : row.end].startswith(row.matched) and bool(row.matched)

    def reading_order(row: Mention | Sighting) -> tuple[int, int]:
        return order.get(row.section, len(order)), row.start

    sightings = sorted(
        filter(in_place, Sighting.objects.filter(article=article).select_related("indicator")),
        key=reading_order,
    )
    mentions = sorted(
        filter(in_place, Mention.objects.filter(article=article).select_related("entity")),
        key=reading_order,
    )
    spans: dict[str, list[Span]] = {name: [] for name in texts}

    indicator_groups: OrderedDict[str, FindingGroup] = OrderedDict(
        (t, FindingGroup(INDICATOR_LABELS[t])) for t in INDICATOR_TYPES
    )
    by_indicator: dict[int, dict] = {}
    for s in sightings:
        key = f"i{s.indicator_id}"
        anchor = f"f-{key}-{s.section}-{s.start}"
        item = by_indicator.get(s.indicator_id)
        if item is None:
            item = {
                "key": key,
                "value": s.indicator.value,
                "shown": defang(s.indicator.value, s.indicator.type),
                "benign": s.indicator.benign,
                "anchors": [],
                "count": 0,
                "written": False,  # written alone somewhere, not only as a URL's or address's host
                "hosts_of": [],  # defanged URLs and addresses it is the host of
            }
            by_indicator[s.indicator_id] = item
            indicator_groups[s.indicator.type].items.append(item)
        if s.derived_from:
            source_type = "email" if "@" in s.derived_from and "/" not in s.derived_from else "url"
            shown_from = defang(s.derived_from, source_type)
            if shown_from not in item["hosts_of"]:
                item["hosts_of"].append(shown_from)
        else:
            item["written"] = True
        item["count"] += 1
        item["anchors"].append(anchor)
        spans[s.section].append(Span(s.start, s.end, key, "finding--indicator", anchor))

    entity_groups: OrderedDict[str, FindingGroup] = OrderedDict(
        (k, FindingGroup(label)) for k, label in ENTITY_KINDS
    )
    by_entity: dict[int, dict] = {}
    for m in mentions:
        key = f"e{m.entity_id}"
        anchor = f"f-{key}-{m.section}-{m.start}"
        item = by_entity.get(m.entity_id)
        if item is None:
            item = {
                "key": key,
                "entity": m.entity,
                "anchors": [],
                "count": 0,
                "matched": set(),
                "cves": [],
            }
            by_entity[m.entity_id] = item
            entity_groups[m.entity.kind].items.append(item)
        item["count"] += 1
        item["anchors"].append(anchor)
        item["matched"].add(m.matched)
        # A product's CVEs from every sentence that names it, first seen first.
        item["cves"] += [cve for cve in m.cves.split() if cve not in item["cves"]]
        spans[m.section].append(Span(m.start, m.end, key, f"finding--{m.entity.kind}", anchor))

    marked = {
        name: (marked_line if name in INLINE_SECTIONS else marked_text)(text, spans[name])
        for name, text in texts.items()
    }
    # The body without findings keeps its original (sanitized) HTML instead.
    marked["body"] = marked["body"] if spans["body"] else None
    # A span that overlaps a longer one is not marked, so it has no element to jump to:
    # each link goes to the finding's first span that is.
    drawn = {span.anchor for name, text in texts.items() for span in well_formed(text, spans[name])}
    for item in [*by_indicator.values(), *by_entity.values()]:
        item["anchor"] = next((a for a in item["anchors"] if a in drawn), item["anchors"][0])
    return {
        "indicator_groups": [g for g in indicator_groups.values() if g.items],
        "entity_groups": [g for g in entity_groups.values() if g.items],
        "marked": marked,
        "has_findings": bool(sightings or mentions),
    }


@require_GET
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_object_or_404(Entity, pk=pk)
    articles = Article.objects.visible_to(request.user).mentioning(entity)
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
