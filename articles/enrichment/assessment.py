"""A one-paragraph assessment written from the findings, like an executive summary.

It answers what an analyst asks first: what did the report give us, can we act
on it, and how soon. Template sentences keep it deterministic, so the same
article always gets the same words and a change shows up in review.
"""

from __future__ import annotations

from collections.abc import Sequence

from articles.enrichment.classify import (
    count_indicators,
    describe_counts,
    distinct_cves,
    exploitation_signal,
)
from articles.enrichment.types import Classification, Document, EntityFinding, IndicatorFinding
from articles.enrichment.vocabulary import CATEGORIES

VERSION = "1.0.0"

# Lists in prose stop after this many names; the rest are counted.
MAX_NAMES = 4
_CATEGORY_LABELS = dict(CATEGORIES)


def _label(entity: EntityFinding) -> str:
    return f"{entity.name} ({entity.external_id})" if entity.external_id else entity.name


def _names(entities: Sequence[EntityFinding], kind: str) -> list[str]:
    """Distinct labels of one kind, in order of first mention."""
    return list(dict.fromkeys(_label(e) for e in entities if e.kind == kind))


def _join(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C', 'A, B, C, D and 3 more'."""
    if len(names) > MAX_NAMES:
        return ", ".join(names[:MAX_NAMES]) + f" and {len(names) - MAX_NAMES} more"
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + f" and {names[-1]}"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _what_was_found(indicators: Sequence[IndicatorFinding], entities: Sequence[EntityFinding]) -> list[str]:
    counts = count_indicators(indicators)
    total = sum(counts.values())
    cves = distinct_cves(indicators)
    sentences = []
    if total:
        noun = "indicator" if total == 1 else "indicators"
        sentences.append(f"It carries {total} {noun} of compromise ({describe_counts(counts)}).")
    if cves:
        noun = "vulnerability" if len(cves) == 1 else "vulnerabilities"
        sentences.append(f"It references {len(cves)} {noun}: {_join(cves)}.")
    named = []
    for kind, singular, plural in (
        ("threat-actor", "threat actor", "threat actors"),
        ("malware", "malware", "malware"),
        ("tool", "tool", "tools"),
        ("attack-pattern", "technique", "techniques"),
    ):
        names = _names(entities, kind)
        if names:
            named.append(f"{singular if len(names) == 1 else plural} {_join(names)}")
    if named:
        sentences.append(f"It names {_join(named)}.")
    context = [
        *_names(entities, "organization"),
        *_names(entities, "country"),
        *_names(entities, "sector"),
    ]
    if context:
        sentences.append(f"It concerns {_join(context)}.")
    if not total and not cves and not named:
        sentences.append("It names no indicators of compromise, vulnerabilities or malicious actors.")
    benign = {(f.type, f.value) for f in indicators if f.benign is not None}
    if len(benign) == 1:
        sentences.append("1 value is on a list of known-benign values and is not counted.")
    elif benign:
        sentences.append(f"{len(benign)} values are on lists of known-benign values and are not counted.")
    return sentences


def _how_actionable(
    doc: Document,
    indicators: Sequence[IndicatorFinding],
    entities: Sequence[EntityFinding],
    classification: Classification,
) -> list[str]:
    has_iocs = sum(count_indicators(indicators).values()) > 0
    cves = distinct_cves(indicators)
    sentences = []
    if has_iocs:
        sentences.append("The indicators can be searched for in logs and added to blocklists now.")
    if cves:
        sentences.append("Check exposure to the referenced vulnerabilities and patch or mitigate.")
    if classification.intel_level == "operational":
        sentences.append(
            "It gives no indicators to block, but its actors and techniques can guide "
            "detection and threat hunting."
        )
    if classification.intel_level == "strategic":
        sentences.append(
            "Its value is context for planning and risk decisions; "
            "no immediate defensive action follows from it."
        )
    signal = exploitation_signal(doc)
    if classification.priority == "critical" and signal:
        sentences.append(f"It reports exploitation ('{signal}'): treat it as urgent.")
    return sentences


def assess(
    doc: Document,
    indicators: Sequence[IndicatorFinding],
    entities: Sequence[EntityFinding],
    classification: Classification,
) -> str:
    """One paragraph: what the report holds, how actionable it is, how urgent."""
    level = classification.intel_level
    topic = ""
    if classification.category != "other":
        label = _CATEGORY_LABELS.get(classification.category, classification.category)
        topic = f" on {label.lower()}"
    opening = f"This is {_article(level)} {level} report{topic}, of {classification.priority} priority."
    sentences = [
        opening,
        *_what_was_found(indicators, entities),
        *_how_actionable(doc, indicators, entities, classification),
    ]
    return " ".join(sentences)
