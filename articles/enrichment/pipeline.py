"""The whole enrichment of one document: indicators, entities, classification, prose.

Building a :class:`Pipeline` loads the heavy data (galaxies, warning lists,
automata) once; :meth:`Pipeline.run` is then cheap and safe to call from many
threads. Workers and the ``extract`` command get theirs from
:func:`get_pipeline`, which keeps one per process and rebuilds it only when the
watch list changes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from articles.enrichment import assessment, attack_ids, classify, keywords, products, sections, summarize
from articles.enrichment.sections import SectionLayout
from articles.enrichment.types import Document, EnrichmentResult, EntityFinding, IndicatorFinding

if TYPE_CHECKING:
    from articles.enrichment.entities import WatchEntity

SUMMARY_SENTENCES = 3
KEYWORD_LIMIT = 8
# Stage names as reported by ``run_timed`` and the speed bench.
STAGES = ("indicators", "entities", "classify", "assess", "summarize", "keywords")


class Pipeline:
    """Indicators → entities → classify → assess → summarize, with versions recorded."""

    def __init__(
        self,
        watch_entities: Iterable[WatchEntity] = (),
        warninglists: bool = True,
        *,
        indicator_extractor: Any = None,
        entity_extractor: Any = None,
    ) -> None:
        # The extractors are imported here, not at module level, so the pure stages of
        # this module stay usable (and testable) on their own.
        if indicator_extractor is None:
            from articles.enrichment.indicators import IndicatorExtractor

            indicator_extractor = IndicatorExtractor(warninglists=warninglists)
        if entity_extractor is None:
            from articles.enrichment.entities import EntityExtractor

            entity_extractor = EntityExtractor(watch_entities=tuple(watch_entities))
        # Warm the classifier's and the ATT&CK ID tables here, so building is the only slow step.
        classify.ransomware_names()
        attack_ids.attack_id_table()
        self.indicator_extractor = indicator_extractor
        self.entity_extractor = entity_extractor
        self.versions: dict[str, str] = {
            "indicators": getattr(indicator_extractor, "version", "unknown"),
            "entities": getattr(entity_extractor, "version", "unknown"),
            "attack_ids": attack_ids.VERSION,
            "classify": classify.VERSION,
            "assess": assessment.VERSION,
            "summarize": summarize.VERSION,
            "keywords": keywords.VERSION,
        }

    def run(self, doc: Document) -> EnrichmentResult:
        """Enrich one document."""
        return self._run(doc, _no_timing)

    def run_timed(self, doc: Document, timings: dict[str, float]) -> EnrichmentResult:
        """Enrich one document, adding each stage's seconds to ``timings`` (for benches)."""

        def timed(stage: str, work: Callable[[], Any]) -> Any:
            started = time.perf_counter()
            result = work()
            timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started
            return result

        return self._run(doc, timed)

    def _run(self, doc: Document, stage: Callable[[str, Callable[[], Any]], Any]) -> EnrichmentResult:
        if doc.sections:
            return self._run_sections(doc, stage)
        indicators = stage("indicators", lambda: self.indicator_extractor.run(doc))
        entities = stage("entities", lambda: self._entities(doc, indicators))
        return self._weigh(doc, indicators, entities, doc, stage)

    def _entities(self, doc: Document, indicators: list[IndicatorFinding]) -> list[EntityFinding]:
        """Named entities, with notes on revoked ATT&CK IDs, unknown IDs, and products' CVEs."""
        entities = attack_ids.annotate(doc.text, self.entity_extractor.run(doc))
        return products.tie_cves(doc.text, entities, indicators)

    def _run_sections(
        self, doc: Document, stage: Callable[[str, Callable[[], Any]], Any]
    ) -> EnrichmentResult:
        """Every section searched; spans relative to their section; repeated text weighed once."""
        layout = SectionLayout(doc.sections)
        joined = Document(text=layout.text, title=layout.title, metadata=doc.metadata)
        indicators = stage("indicators", lambda: self.indicator_extractor.run(joined))
        entities = stage("entities", lambda: self._entities(joined, indicators))
        reading = Document(text=layout.text_beside_title, title=layout.title, metadata=doc.metadata)
        prose = Document(text=layout.reading_text[layout.after_title :], title=layout.title)
        result = self._weigh(
            reading, layout.for_reading(indicators), layout.for_reading(entities), prose, stage
        )
        result.indicators = layout.place(indicators)
        result.entities = layout.place(entities)
        # Only sectioned runs record it, so one-text output (``extract`` on raw text) is as before.
        result.versions["sections"] = sections.VERSION
        return result

    def _weigh(
        self,
        doc: Document,
        indicators: list[IndicatorFinding],
        entities: list[EntityFinding],
        prose: Document,
        stage: Callable[[str, Callable[[], Any]], Any],
    ) -> EnrichmentResult:
        """Classification, assessment, summary and key phrases from ``doc`` and its findings."""
        classification = stage("classify", lambda: classify.classify(doc, indicators, entities))
        assessment_text = stage(
            "assess", lambda: assessment.assess(doc, indicators, entities, classification)
        )
        summary = stage("summarize", lambda: summarize.summarize(prose.text, SUMMARY_SENTENCES))
        key_phrases = stage("keywords", lambda: _keywords(prose))
        return EnrichmentResult(
            indicators=list(indicators),
            entities=list(entities),
            classification=classification,
            assessment=assessment_text,
            summary=summary,
            keywords=key_phrases,
            versions=dict(self.versions),
        )


def current_versions() -> dict[str, str]:
    """The version of every stage, without loading any data (for finding stale articles)."""
    from articles.enrichment.entities import EntityExtractor
    from articles.enrichment.indicators import IndicatorExtractor

    return {
        "indicators": IndicatorExtractor.version,
        "entities": EntityExtractor.version,
        "attack_ids": attack_ids.VERSION,
        "classify": classify.VERSION,
        "assess": assessment.VERSION,
        "summarize": summarize.VERSION,
        "keywords": keywords.VERSION,
        # How an article's sections are read (articles are always enriched section by section).
        "sections": sections.VERSION,
    }


def _no_timing(_stage: str, work: Callable[[], Any]) -> Any:
    return work()


def _keywords(doc: Document) -> list[str]:
    # The title states the subject, so its words count towards key phrases (the
    # summary, shown beside the title, is drawn from the body alone).
    text_with_title = f"{doc.title}\n{doc.text}" if doc.title else doc.text
    return keywords.keywords(text_with_title, KEYWORD_LIMIT)


_cache_lock = threading.Lock()
_cached: tuple[tuple[Any, ...], Pipeline] | None = None


def _watch_key(watch_entities: Iterable[WatchEntity]) -> tuple[Any, ...]:
    """A hashable, order-insensitive key for a watch list."""
    return tuple(
        sorted(
            (
                str(getattr(entity, "kind", "")),
                str(getattr(entity, "name", entity)),
                tuple(sorted(getattr(entity, "aliases", ()) or ())),
            )
            for entity in watch_entities
        )
    )


def get_pipeline(watch_entities: Iterable[WatchEntity] = ()) -> Pipeline:
    """This process's pipeline, rebuilt only when the watch list differs from the last call."""
    global _cached
    watch_entities = tuple(watch_entities)
    key = _watch_key(watch_entities)
    with _cache_lock:
        if _cached is None or _cached[0] != key:
            _cached = (key, Pipeline(watch_entities=watch_entities))
        return _cached[1]
