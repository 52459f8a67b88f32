"""Group the same story from several sources into one Story.

Exact duplicates share a canonical URL or a content hash; near duplicates share
LSH keys of their text and have SimHash fingerprints within
``NEAR_DUPLICATE_DISTANCE`` bits (thresholds measured in
``articles/ingest/similarity.py``). Grouping ignores TLP on purpose — it is
bookkeeping — and every page reads stories through ``visible_to``, so a
restricted article never shows up as "+1 source".
"""

from __future__ import annotations

from django.db.models import Count

from articles.ingest.similarity import hamming, is_near_duplicate, sketch
from articles.models import Article, SimilarityKey, Story

MAX_CANDIDATES = 50


def assign_story(article: Article) -> int:
    """Fingerprint ``article``, put it in a story and return the story's id.

    Call inside the write transaction. An article keeps the story it already has.
    """
    text_sketch = sketch(article.enrichment_text or article.title)
    SimilarityKey.objects.filter(article=article).delete()
    SimilarityKey.objects.bulk_create(
        [SimilarityKey(article=article, key=key) for key in set(text_sketch.lsh_keys)], ignore_conflicts=True
    )
    story_id = article.story_id or _exact_match(article) or _near_match(article, text_sketch)
    if story_id is None:
        story_id = Story.objects.create().pk
    Article.objects.filter(pk=article.pk).update(story_id=story_id, fingerprint=text_sketch.fingerprint)
    article.story_id, article.fingerprint = story_id, text_sketch.fingerprint
    return story_id


def _exact_match(article: Article) -> int | None:
    # Two indexed lookups rather than one OR: SQLite (and often PostgreSQL) answers
    # "url = ? OR content_hash = ?" with a full scan, which made ingestion quadratic.
    # No ORDER BY either: with one, SQLite walks the newest-first index instead of the
    # url index. Any article of the story will do — they all share it.
    others = Article.objects.exclude(pk=article.pk).exclude(story=None).order_by()
    lookups = [{"url": article.url}] if article.url else []
    lookups.append({"content_hash": article.content_hash})
    for lookup in lookups:
        found = list(others.filter(**lookup).values_list("story_id", flat=True)[:1])
        if found:
            return found[0]
    return None


def _near_match(article: Article, text_sketch) -> int | None:
    if not text_sketch.fingerprint or not text_sketch.lsh_keys:
        return None
    # The articles sharing the most keys first: with a plain DISTINCT … LIMIT, a key common
    # to many articles could crowd the real duplicate out of the candidates.
    candidate_ids = (
        SimilarityKey.objects.filter(key__in=set(text_sketch.lsh_keys))
        .exclude(article_id=article.pk)
        .values("article_id")
        .annotate(shared=Count("id"))
        .order_by("-shared")
        .values_list("article_id", flat=True)[:MAX_CANDIDATES]
    )
    candidates = (
        Article.objects.filter(pk__in=list(candidate_ids)).exclude(story=None).exclude(fingerprint=None)
    )
    best: tuple[int, int] | None = None
    for story_id, fp in candidates.values_list("story_id", "fingerprint"):
        if is_near_duplicate(fp, text_sketch.fingerprint):
            distance = hamming(fp, text_sketch.fingerprint)
            if best is None or distance < best[0]:
                best = (distance, story_id)
    return best[1] if best else None
