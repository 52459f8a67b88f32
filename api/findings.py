"""An article's findings with their spans, as plain data for the API and the exports."""

from __future__ import annotations

from articles.findings import article_sections
from articles.models import Article, Mention, Sighting


def findings_of(article: Article) -> dict:
    """Indicators and entities of ``article``, each with its spans in reading order.

    Spans written for an older text of the article (before it is re-enriched) are left out,
    as the article page leaves them out, rather than pointing at the wrong words.
    """
    texts = article_sections(article)
    order = {name: position for position, name in enumerate(texts)}

    def in_place(row: Mention | Sighting) -> bool:
        return bool(row.matched) and texts.get(row.section, "")[row.start : row.end].startswith(row.matched)

    def reading_order(row: Mention | Sighting) -> tuple[int, int]:
        return order.get(row.section, len(order)), row.start

    indicators: dict[int, dict] = {}
    sightings = Sighting.objects.filter(article=article).select_related("indicator")
    for s in sorted(filter(in_place, sightings), key=reading_order):
        item = indicators.setdefault(
            s.indicator_id,
            {
                "id": s.indicator_id,
                "type": s.indicator.type,
                "value": s.indicator.value,
                "benign": s.indicator.benign,
                "derived": True,
                "spans": [],
            },
        )
        item["derived"] = item["derived"] and bool(s.derived_from)
        item["spans"].append(
            {
                "section": s.section,
                "start": s.start,
                "end": s.end,
                "matched": s.matched,
                "defanged": s.defanged,
                "derived_from": s.derived_from,
            }
        )
    entities: dict[int, dict] = {}
    mentions = Mention.objects.filter(article=article).select_related("entity")
    for m in sorted(filter(in_place, mentions), key=reading_order):
        item = entities.setdefault(
            m.entity_id,
            {
                "id": m.entity_id,
                "kind": m.entity.kind,
                "name": m.entity.name,
                "external_id": m.entity.external_id,
                "spans": [],
            },
        )
        item["spans"].append(
            {
                "section": m.section,
                "start": m.start,
                "end": m.end,
                "matched": m.matched,
                "cves": m.cves.split(),
            }
        )
    return {"indicators": list(indicators.values()), "entities": list(entities.values())}
