"""Propose a category, an intelligence level and a priority, and say why.

The rules are deliberately transparent: each category has a short list of
weighted terms matched over the title and text, and the extractors' findings
(CVEs, ransomware families, threat actors, malware) add weight. Every decision
leaves a plain sentence in ``Classification.reasons`` so an analyst can see
what drove it and override it with confidence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache

from articles.enrichment.galaxies import load_cluster_values
from articles.enrichment.terms import CATEGORY_INDEX, CATEGORY_TERMS, EXPLOITATION_INDEX
from articles.enrichment.types import Classification, Document, EntityFinding, IndicatorFinding

VERSION = "1.0.0"

# Human labels for indicator types, used in reasons and the assessment.
INDICATOR_LABELS: dict[str, tuple[str, str]] = {
    # type: (singular, plural)
    "ipv4": ("IPv4", "IPv4"),
    "ipv6": ("IPv6", "IPv6"),
    "domain": ("domain", "domains"),
    "url": ("URL", "URLs"),
    "email": ("e-mail address", "e-mail addresses"),
    "md5": ("MD5", "MD5"),
    "sha1": ("SHA-1", "SHA-1"),
    "sha256": ("SHA-256", "SHA-256"),
    "sha512": ("SHA-512", "SHA-512"),
    "cve": ("CVE", "CVEs"),
}
# Display order of indicator types: network first, then files, as analysts read them.
INDICATOR_ORDER = ["ipv4", "ipv6", "domain", "url", "email", "md5", "sha1", "sha256", "sha512"]

# Entity kinds that describe adversary capability: their presence makes a report operational.
OPERATIONAL_KINDS = ("threat-actor", "malware", "tool", "attack-pattern")

# A tactical report "carries several IOCs" from this many non-benign indicators on.
SEVERAL_IOCS = 3

TITLE_WEIGHT = 2.0
# A category must reach this score before it beats "other".
MIN_CATEGORY_SCORE = 2.0


_RANSOMWARE_SUFFIX = re.compile(r"\s*\(.*?\)|\s+ransomware\b.*$", re.IGNORECASE)


@cache
def ransomware_names() -> frozenset[str]:
    """Folded names and synonyms of the MISP ransomware galaxy, loaded once per process.

    The entity extractor names a family after its highest-precedence galaxy (often
    Malpedia), so its ``ref`` alone does not say "ransomware".
    """
    names: set[str] = set()
    for entry in load_cluster_values("ransomware"):
        for name in [entry["value"], *((entry.get("meta") or {}).get("synonyms") or [])]:
            if isinstance(name, str):
                names.add(_fold_family(_RANSOMWARE_SUFFIX.sub("", name)))
    names.discard("")
    return frozenset(names)


# "LockBit ransomware", "LockBit 3.0 ransomware": the article itself says what it is.
_RANSOMWARE_AFTER = re.compile(r"\W{0,3}(?:[\w.]+\s+)?ransomware\b", re.IGNORECASE)


_FAMILY_NOISE = re.compile(r"\s*\(.*?\)|\W")


@lru_cache(maxsize=4096)
def _fold_family(name: str) -> str:
    """'LockBit (Windows)' -> 'lockbit'; 'Black Basta' -> 'blackbasta'."""
    return _FAMILY_NOISE.sub("", name).lower()


def _entity_is_ransomware(entity: EntityFinding, text: str) -> bool:
    if entity.kind != "malware":
        return False
    if "ransomware" in entity.ref.lower() or _fold_family(entity.name) in ransomware_names():
        return True
    return _RANSOMWARE_AFTER.match(text, entity.end) is not None


def _distinct_names(entities: Iterable[EntityFinding], kind: str) -> list[str]:
    """Names of one kind, first-seen order, each once."""
    return list(dict.fromkeys(e.name for e in entities if e.kind == kind))


def count_indicators(indicators: Iterable[IndicatorFinding]) -> Counter[str]:
    """Distinct non-benign, non-CVE indicator values per type."""
    # A URL's host is counted with the URL, not as one more indicator.
    seen = {
        (f.type, f.value)
        for f in indicators
        if f.benign is None and f.type != "cve" and f.derived_from is None
    }
    return Counter(kind for kind, _ in seen)


def describe_counts(counts: Counter[str]) -> str:
    """'2 IPv4, 1 SHA-256' in a stable reading order."""
    parts = []
    for kind in INDICATOR_ORDER:
        if counts.get(kind):
            singular, plural = INDICATOR_LABELS[kind]
            parts.append(f"{counts[kind]} {singular if counts[kind] == 1 else plural}")
    return ", ".join(parts)


def distinct_cves(indicators: Iterable[IndicatorFinding]) -> list[str]:
    return list(dict.fromkeys(f.value for f in indicators if f.type == "cve"))


def exploitation_signal(doc: Document) -> str | None:
    """The first phrase saying a flaw is exploited now, as written, or None."""
    return _exploitation_signal(doc.title, doc.text)


# Both the priority and the assessment ask this of the same document in turn.
@lru_cache(maxsize=4)
def _exploitation_signal(title: str, text: str) -> str | None:
    hits = EXPLOITATION_INDEX.find(title) or EXPLOITATION_INDEX.find(text)
    return hits[0].surface if hits else None


def _score_terms(doc: Document) -> dict[str, tuple[float, list[str]]]:
    """Per category: (score, the terms that matched as written, strongest first)."""
    in_title: Counter[tuple[str, int]] = Counter()
    in_text: Counter[tuple[str, int]] = Counter()
    first_seen: dict[tuple[str, int], str] = {}
    for counter, hits in (
        (in_title, CATEGORY_INDEX.find(doc.title)),
        (in_text, CATEGORY_INDEX.find(doc.text)),
    ):
        for hit in hits:
            key = (hit.group, hit.term_index)
            counter[key] += 1
            first_seen.setdefault(key, hit.surface.lower())
    scores: dict[str, tuple[float, list[str]]] = {}
    for category, terms in CATEGORY_TERMS.items():
        total = 0.0
        matched: list[tuple[float, str]] = []
        for index, one_term in enumerate(terms):
            key = (category, index)
            if key not in first_seen:
                continue
            # Repetition adds evidence with diminishing returns, so one long article
            # that says "market" twenty times does not outvote its actual subject.
            count_weight = min(in_text[key], 3) + TITLE_WEIGHT * min(in_title[key], 1)
            contribution = one_term.weight * count_weight
            total += contribution
            matched.append((contribution, first_seen[key]))
        matched.sort(key=lambda item: -item[0])
        scores[category] = (total, [label for _, label in matched])
    return scores


def _finding_signals(
    doc: Document, indicators: Sequence[IndicatorFinding], entities: Sequence[EntityFinding]
) -> dict[str, tuple[float, str]]:
    """Weight the findings add per category, with the sentence that explains it."""
    signals: dict[str, tuple[float, str]] = {}

    def add(category: str, weight: float, reason: str) -> None:
        previous_weight, previous_reason = signals.get(category, (0.0, ""))
        joined = f"{previous_reason}; {reason}" if previous_reason else reason
        signals[category] = (previous_weight + weight, joined)

    cves = distinct_cves(indicators)
    if cves:
        add("vulnerability", 5.0 + len(cves), f"{len(cves)} CVE(s) referenced")
    # Decided once per mention: the ransomware and malware lists below both need it.
    ransomware_flags = [_entity_is_ransomware(e, doc.text) for e in entities]
    ransomware = list(
        dict.fromkeys(e.name for e, flag in zip(entities, ransomware_flags, strict=True) if flag)
    )
    if ransomware:
        add("ransomware", 3.0 + len(ransomware), f"ransomware named ({', '.join(ransomware)})")
    actors = _distinct_names(entities, "threat-actor")
    if actors:
        add("threat-actor", 4.0 + 3.0 * len(actors), f"threat actor named ({', '.join(actors)})")
    malware = list(
        dict.fromkeys(
            e.name
            for e, flag in zip(entities, ransomware_flags, strict=True)
            if e.kind == "malware" and not flag
        )
    )
    if malware:
        add("malware", 2.0 + len(malware), f"malware named ({', '.join(malware)})")
    # The headline names the story's subject: an actor or family in it outweighs one
    # that is only mentioned in passing.
    title = doc.title.casefold()
    for category, kinds in (
        ("threat-actor", actors),
        ("ransomware", ransomware),
        ("malware", malware),
    ):
        in_title = [e.matched for e in entities if e.name in kinds and e.matched.casefold() in title]
        if title and in_title:
            add(category, 4.0, f"'{in_title[0]}' in the title")
    return signals


def _choose_category(
    doc: Document, indicators: Sequence[IndicatorFinding], entities: Sequence[EntityFinding]
) -> tuple[str, str]:
    term_scores = _score_terms(doc)
    signals = _finding_signals(doc, indicators, entities)
    totals = {
        category: term_scores[category][0] + signals.get(category, (0.0, ""))[0]
        for category in CATEGORY_TERMS
    }
    # Ties go to the category listed first in CATEGORY_TERMS (the more specific one).
    best = max(totals, key=lambda category: totals[category])
    if totals[best] < MIN_CATEGORY_SCORE:
        return "other", "Category 'other': no category's terms or findings stood out."
    evidence = []
    terms = term_scores[best][1][:3]
    if terms:
        evidence.append("terms " + ", ".join(f"'{t}'" for t in terms))
    if best in signals:
        evidence.append(signals[best][1])
    return best, f"Category '{best}' (score {totals[best]:g}): " + "; ".join(evidence) + "."


def _indicator_reasons(indicators: Sequence[IndicatorFinding]) -> list[str]:
    reasons = []
    counts = count_indicators(indicators)
    total = sum(counts.values())
    if total:
        noun = "indicator" if total == 1 else "indicators"
        reasons.append(f"{total} {noun} of compromise found ({describe_counts(counts)}).")
    cves = distinct_cves(indicators)
    if cves:
        noun = "vulnerability" if len(cves) == 1 else "vulnerabilities"
        reasons.append(f"{len(cves)} {noun} referenced: {', '.join(cves)}.")
    benign = {(f.type, f.value): f.benign for f in indicators if f.benign is not None}
    if benign:
        lists = ", ".join(sorted({name for name in benign.values() if name}))
        reasons.append(f"{len(benign)} value(s) set aside as known-benign (MISP warning list: {lists}).")
    return reasons


def _entity_reasons(entities: Sequence[EntityFinding]) -> list[str]:
    labels = {
        "threat-actor": "Threat actors named",
        "malware": "Malware named",
        "tool": "Tools named",
        "attack-pattern": "ATT&CK techniques described",
    }
    reasons = []
    for kind, label in labels.items():
        if kind == "attack-pattern":
            names = list(
                dict.fromkeys(
                    f"{e.external_id} {e.name}" if e.external_id else e.name
                    for e in entities
                    if e.kind == kind
                )
            )
        else:
            names = _distinct_names(entities, kind)
        if names:
            reasons.append(f"{label}: {', '.join(names)}.")
    return reasons


def _intel_level(
    indicators: Sequence[IndicatorFinding], entities: Sequence[EntityFinding]
) -> tuple[str, str]:
    actionable = [f for f in indicators if f.benign is None]
    if actionable:
        return "tactical", "Tactical: it carries indicators or CVEs that can be acted on directly."
    if any(e.kind in OPERATIONAL_KINDS for e in entities):
        return (
            "operational",
            "Operational: it names actors, malware, tools or techniques but gives no indicators.",
        )
    return (
        "strategic",
        "Strategic: no indicators, vulnerabilities or adversaries; it informs context and plans.",
    )


def _priority(
    doc: Document,
    category: str,
    intel_level: str,
    indicators: Sequence[IndicatorFinding],
    entities: Sequence[EntityFinding],
) -> tuple[str, str]:
    signal = exploitation_signal(doc)
    threat_related = intel_level != "strategic" or category == "vulnerability"
    if signal and threat_related:
        return "critical", f"Critical: the report says '{signal}'."
    ioc_count = sum(count_indicators(indicators).values())
    if intel_level == "tactical" and ioc_count >= SEVERAL_IOCS:
        return "high", f"High: tactical report with {ioc_count} indicators to act on."
    if category == "ransomware" and intel_level != "strategic":
        return "high", "High: ransomware activity."
    if any(e.kind == "threat-actor" for e in entities):
        return "high", "High: a named threat actor's activity."
    if intel_level == "strategic":
        return "low", "Low: strategic reading, no action expected."
    return "medium", f"Medium: {intel_level} report without urgent signals."


def classify(
    doc: Document,
    indicators: Sequence[IndicatorFinding],
    entities: Sequence[EntityFinding],
) -> Classification:
    """Category, intelligence level and priority of one document, with readable reasons."""
    category, category_reason = _choose_category(doc, indicators, entities)
    intel_level, level_reason = _intel_level(indicators, entities)
    priority, priority_reason = _priority(doc, category, intel_level, indicators, entities)
    reasons = [
        *_indicator_reasons(indicators),
        *_entity_reasons(entities),
        category_reason,
        level_reason,
        priority_reason,
    ]
    return Classification(category=category, intel_level=intel_level, priority=priority, reasons=reasons)
