"""Freezing a brief at publication: the data every output renders, and its Markdown.

``build`` reads the brief's items as the publishing editor may read them and writes down
everything a reader is shown — titles, sources with their reliability, dates, links,
commentary, the key judgments and the articles behind each — so later edits to the
articles, or to the draft rows, change nothing of what was published.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from articles.tlp import TLP
from briefs import estimative
from briefs.composition import cited_articles, highest
from briefs.models import Brief


def _source(article) -> dict:
    source = article.source
    return {
        "title": article.title,
        "source": source.name,
        "reliability": source.reliability,
        "reliability_label": source.get_reliability_display(),
        "published": timezone.localtime(article.published_at).date().isoformat(),
        "url": article.url,
        "portal_url": article.get_absolute_url(),
        "tlp": article.tlp,
    }


def build(brief: Brief, user) -> tuple[dict, list[int]]:
    """The snapshot's data and the ids of every article it cites."""
    cited: list[int] = []
    numbers: dict[int, int] = {}
    sections = []
    number = 0
    for section in brief.sections.prefetch_related("items__article__source"):
        rows = []
        for item in section.items.all():
            number += 1
            numbers[item.pk] = number
            articles = cited_articles(item, user)
            cited.extend(a.pk for a in articles)
            lead = item.article
            rows.append(
                {
                    "number": number,
                    "title": lead.title,
                    "whole_story": item.whole_story,
                    "tlp": highest(a.tlp for a in articles),
                    "tlp_label": TLP(highest(a.tlp for a in articles)).label,
                    "commentary": item.commentary,
                    "assessment": lead.assessment or lead.executive_summary,
                    "sources": [_source(a) for a in articles],
                }
            )
        if rows:
            sections.append({"name": section.name, "items": rows})
    judgments = [
        {
            "number": j.number,
            "text": j.text,
            "confidence": j.confidence,
            "confidence_label": j.get_confidence_display(),
            "supported_by": sorted(numbers[i.pk] for i in j.supported_by.all() if i.pk in numbers),
        }
        for j in brief.judgments.prefetch_related("supported_by")
    ]
    data = {
        "title": brief.title,
        "kind": brief.get_kind_display(),
        "week": brief.week_label,
        "revision": brief.revision,
        "corrects_revision": brief.corrects.revision if brief.corrects_id else None,
        "tlp": brief.tlp,
        "tlp_label": TLP(brief.tlp).label,
        "executive_summary": brief.executive_summary,
        "judgments": judgments,
        "sections": sections,
        "editors": sorted(u.get_full_name() or u.get_username() for u in brief.editors.all()),
        "yardstick": [{"term": t, "range": r} for t, _, r in estimative.YARDSTICK],
    }
    return data, list(dict.fromkeys(cited))


def markdown(data: dict, *, published: str, brief_url: str) -> str:
    """The snapshot as Markdown: the TLP label first and last, as on every output."""
    label = data["tlp_label"]
    lines = [f"**{label}**", "", f"# {data['title']}", ""]
    lines.append(f"{data['kind']} {data['week']} · published {published}" + _revision_note(data))
    lines += ["", f"Web: {settings.PORTAL_URL}{brief_url}", ""]
    if data["executive_summary"]:
        lines += ["## Executive summary", "", data["executive_summary"], ""]
    if data["judgments"]:
        lines += ["## Key judgments", ""]
        for j in data["judgments"]:
            refs = ", ".join(f"[{n}]" for n in j["supported_by"])
            lines.append(f"{j['number']}. {j['text']} ({j['confidence_label']}){' ' + refs if refs else ''}")
        lines.append("")
    for section in data["sections"]:
        lines += [f"## {section['name']}", ""]
        for item in section["items"]:
            lines.append(f"### [{item['number']}] {item['title']} ({TLP(item['tlp']).label})")
            lines.append("")
            if item["commentary"]:
                lines += [item["commentary"], ""]
            for source in item["sources"]:
                link = f" <{source['url']}>" if source["url"] else ""
                lines.append(
                    f"- {source['source']} (reliability {source['reliability']}), "
                    f"{source['published']}: {source['title']}{link}"
                )
            lines.append("")
    if data["editors"]:
        lines += [f"Editors: {', '.join(data['editors'])}", ""]
    lines += ["## How likely is “likely”", ""]
    lines += [f"- {row['term']}: {row['range']}" for row in data["yardstick"]]
    lines += ["", f"**{label}**", ""]
    return "\n".join(lines)


def _revision_note(data: dict) -> str:
    if data.get("corrects_revision"):
        return f" · revision {data['revision']}, correcting revision {data['corrects_revision']}"
    return ""
