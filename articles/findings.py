"""Write one article's enrichment result to the database, replacing the old findings.

Called inside the transaction that also marks the article DONE, so readers see
either the old findings or the new ones, never a mix. Running it twice with
the same result leaves the same rows; a person's classification overrides and
removed tags are respected.

Findings point into the article's sections (:func:`article_sections`): what the
pipeline reads (:func:`document_for`) and what the article page marks up are the
same five texts, so a stored span always means the same characters.
"""

from __future__ import annotations

from collections import Counter

from articles.enrichment.sections import SECTION_NAMES
from articles.enrichment.types import Document, EnrichmentResult, Section
from articles.models import (
    CLASSIFICATION_FIELDS,
    Article,
    ArticleEntity,
    ArticleTag,
    ClassificationOverride,
    Entity,
    Indicator,
    Mention,
    Sighting,
    SuppressedTag,
    Tag,
)

ENRICHER_TAG_SOURCE = "entities"
# Kinds that become machine tags (MISP galaxy style); countries, sectors and organizations
# stay as entities only, so tags remain a short list people actually read.
TAGGED_KINDS = {"threat-actor", "malware", "tool"}


MAX_INDICATOR_CHARS = 2000  # Indicator.value's length; a longer "URL" is prose run together


def article_sections(article: Article) -> dict[str, str]:
    """Every text section of the article by name, in reading order; findings point into these."""
    texts = {
        "title": article.title,
        "teaser": article.teaser,
        "executive_summary": article.executive_summary,
        "summary": article.summary,
        "body": article.body_text,
    }
    return {name: texts[name] for name in SECTION_NAMES}


def document_for(article: Article) -> Document:
    """What the pipeline reads for an article: all of its sections (see enrichment/sections.py)."""
    return Document(
        text="",
        sections=tuple(Section(name, text) for name, text in article_sections(article).items()),
        metadata={"source": article.source_id},
    )


def store_result(article: Article, result: EnrichmentResult) -> None:
    result.indicators = [f for f in result.indicators if len(f.value) <= MAX_INDICATOR_CHARS]
    entities = _entities_by_key(result)
    indicators = _indicators_by_key(result)
    versions = result.versions

    Mention.objects.filter(article=article).delete()
    mentions = Mention.objects.bulk_create(
        {
            (f.kind, f.name, f.section, f.start, f.end): Mention(
                article=article,
                entity=entities[(f.kind, f.name)],
                section=f.section or "body",
                start=f.start,
                end=f.end,
                matched=f.matched[:300],
                cves=" ".join(f.cves)[:300],
                enricher="entities",
                enricher_version=versions.get("entities", ""),
            )
            for f in result.entities
        }.values()
    )
    _store_article_entities(article, mentions)
    Sighting.objects.filter(article=article).delete()
    Sighting.objects.bulk_create(
        {
            (f.type, f.value, f.section, f.start, f.end): Sighting(
                article=article,
                indicator=indicators[(f.type, f.value)],
                section=f.section or "body",
                start=f.start,
                end=f.end,
                matched=f.matched[:2000],
                defanged=f.defanged,
                derived_from=(f.derived_from or "")[:2000],
                note=(f.note or "")[:200],
                enricher="indicators",
                enricher_version=versions.get("indicators", ""),
            )
            for f in result.indicators
        }.values()
    )
    _apply_classification(article, result)
    _sync_enricher_tags(article, result)


def _store_article_entities(article: Article, mentions: list[Mention]) -> None:
    """One ArticleEntity per entity the article mentions, with how many spans name it."""
    ArticleEntity.objects.filter(article=article).delete()
    counts = Counter(mention.entity_id for mention in mentions)
    ArticleEntity.objects.bulk_create(
        ArticleEntity(article=article, entity_id=entity_id, mentions=n) for entity_id, n in counts.items()
    )


def _entities_by_key(result: EnrichmentResult) -> dict[tuple[str, str], Entity]:
    wanted = {(f.kind, f.name): f for f in result.entities}
    if not wanted:
        return {}
    Entity.objects.bulk_create(
        [
            Entity(kind=k, name=n, external_id=f.external_id or "", uuid=f.uuid or "", ref=f.ref)
            for (k, n), f in wanted.items()
        ],
        ignore_conflicts=True,
    )
    rows = Entity.objects.filter(name__in={n for _, n in wanted})
    return {(e.kind, e.name): e for e in rows if (e.kind, e.name) in wanted}


def _indicators_by_key(result: EnrichmentResult) -> dict[tuple[str, str], Indicator]:
    wanted = {(f.type, f.value): f for f in result.indicators}
    if not wanted:
        return {}
    Indicator.objects.bulk_create(
        [Indicator(type=t, value=v, benign=f.benign or "") for (t, v), f in wanted.items()],
        ignore_conflicts=True,
    )
    found = {(i.type, i.value): i for i in Indicator.objects.filter(value__in={v for _, v in wanted})}
    by_key = {key: found[key] for key in wanted}
    # The warning lists can change between versions: keep the benign flag current.
    stale = [i for key, i in by_key.items() if i.benign != (wanted[key].benign or "")]
    for indicator in stale:
        indicator.benign = wanted[(indicator.type, indicator.value)].benign or ""
    Indicator.objects.bulk_update(stale, ["benign"])
    return by_key


def _apply_classification(article: Article, result: EnrichmentResult) -> None:
    overridden = set(
        ClassificationOverride.objects.filter(article=article).values_list("field", flat=True).distinct()
    )
    proposal = result.classification
    updates = {
        "assessment": result.assessment,
        "classification_reasons": list(proposal.reasons),
        "auto_summary": result.summary,
        "keywords": list(result.keywords),
    }
    for field in CLASSIFICATION_FIELDS:
        if field not in overridden:
            updates[field] = getattr(proposal, field)
    Article.objects.filter(pk=article.pk).update(**updates)


def machine_tag(ref: str, name: str) -> str:
    return f'{ref}="{name}"'


def _sync_enricher_tags(article: Article, result: EnrichmentResult) -> None:
    wanted = {machine_tag(f.ref, f.name) for f in result.entities if f.kind in TAGGED_KINDS}
    suppressed = set(SuppressedTag.objects.filter(article=article).values_list("tag__name", flat=True))
    wanted -= suppressed
    current = ArticleTag.objects.filter(article=article, added_by_enricher=ENRICHER_TAG_SOURCE)
    current.exclude(tag__name__in=wanted).delete()
    have = set(ArticleTag.objects.filter(article=article).values_list("tag__name", flat=True))
    missing = wanted - have
    if not missing:
        return
    for name in missing:
        if not Tag.objects.filter(name=name).exists():
            Tag(name=name).save()  # save() picks a free slug
    tags = Tag.objects.filter(name__in=missing)
    ArticleTag.objects.bulk_create(
        [ArticleTag(article=article, tag=tag, added_by_enricher=ENRICHER_TAG_SOURCE) for tag in tags],
        ignore_conflicts=True,
    )
