"""Group the same story from several sources into one Story.

Exact duplicates share a canonical URL or a content hash; near duplicates share
LSH keys of their text and have SimHash fingerprints within
``NEAR_DUPLICATE_DISTANCE`` bits (thresholds measured in
``articles/ingest/similarity.py``). Grouping ignores TLP on purpose — it is
bookkeeping — and every page reads stories through ``visible_to``, so a
restricted article never shows up as "+1 source".

One rule, two entry points: :func:`assign_story` places one saved article (an
update), :func:`group_new_articles` places a poll's new articles before they are
inserted, with a constant number of queries for the batch. Both go through
:func:`_place`, which matches each article in order against the table and, in
memory, against the articles before it in the batch — the same stories as placing
them one after another.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count

from articles.ingest.similarity import TextSketch, hamming, is_near_duplicate, sketch
from articles.ingest.story_index import CHUNK, insert_keys, key_holders, stories_by
from articles.models import Article, SimilarityKey, Story

MAX_CANDIDATES = 50
# (key, article) rows read at once for a batch's near-duplicate candidates. Past this the
# keys are shared by a crowd of articles (a boilerplate text repeated everywhere), and each
# article's top candidates are asked of the database on their own, as before.
MAX_KEY_ROWS = 20_000


def assign_story(article: Article) -> int:
    """Fingerprint ``article`` (saved), put it in a story and return the story's id.

    Call inside the write transaction. An article keeps the story it already has.
    """
    (text_sketch,) = _place([article])
    SimilarityKey.objects.filter(article=article).delete()
    store_similarity_keys([article], [text_sketch])
    Article.objects.filter(pk=article.pk).update(story_id=article.story_id, fingerprint=article.fingerprint)
    return article.story_id


def group_new_articles(articles: list[Article]) -> list[TextSketch]:
    """Put ``articles`` — new, not saved yet, in the order they are to be saved — in
    stories, as :func:`assign_story` would one after another.

    Sets ``story_id`` and ``fingerprint`` on each (the insert then writes them), creates
    the stories needed, and returns the sketches for :func:`store_similarity_keys` to save
    once the articles have ids. Call inside the write transaction.
    """
    return _place(articles)


def store_similarity_keys(articles: list[Article], sketches: list[TextSketch]) -> None:
    """Save the LSH keys of saved articles (the index near-duplicate search reads)."""
    rows = [
        (article.pk, key)
        for article, text_sketch in zip(articles, sketches, strict=True)
        for key in set(text_sketch.lsh_keys)
    ]
    insert_keys(rows)


@dataclass
class _Candidate:
    """An article another one may join, with what choosing among them needs."""

    order: tuple[datetime, int]  # the Article ordering (newest first) breaks distance ties
    story: Story | int  # a Story not created yet when it is new in this batch
    fingerprint: int


def _place(articles: list[Article]) -> list[TextSketch]:
    """Sketch ``articles`` and give each without a story the one it belongs to.

    Exact duplicates (canonical URL first, then content hash), then the nearest of the
    ``MAX_CANDIDATES`` articles sharing the most LSH keys, else a new story. Articles
    earlier in the list count as saved already, later ones as not there yet.
    """
    sketches = [sketch(a.enrichment_text or a.title) for a in articles]
    for article, text_sketch in zip(articles, sketches, strict=True):
        article.fingerprint = text_sketch.fingerprint
    placing = [i for i, a in enumerate(articles) if a.story_id is None]
    if not placing:
        return sketches
    ours = {a.pk for a in articles if a.pk is not None}
    by_url = stories_by("url", {articles[i].url for i in placing if articles[i].url}, exclude=ours)
    by_hash = stories_by("content_hash", {articles[i].content_hash for i in placing}, exclude=ours)
    near_keys = {
        i: set(sketches[i].lsh_keys)
        for i in placing
        if sketches[i].fingerprint
        and sketches[i].lsh_keys
        and not by_url.get(articles[i].url)
        and not by_hash.get(articles[i].content_hash)
    }
    shared_in_table = _shared_key_counts(near_keys, ours)
    in_table = _candidates_in_table({pk for counts in shared_in_table.values() for pk in counts})
    key_sets = [set(text_sketch.lsh_keys) for text_sketch in sketches]

    stories: list[Story | int | None] = [a.story_id for a in articles]
    in_batch: list[_Candidate] = []
    new_stories: list[Story] = []
    for index, article in enumerate(articles):
        if stories[index] is None:
            story = (by_url.get(article.url) if article.url else None) or by_hash.get(article.content_hash)
            if story is None and index in near_keys:
                keys = near_keys[index]
                shared_in_batch = Counter({j: len(keys & key_sets[j]) for j in range(index)})
                story = _nearest(
                    article.fingerprint, shared_in_table[index], shared_in_batch, in_table, in_batch
                )
            if story is None:
                story = Story()
                new_stories.append(story)
            stories[index] = story
        # As if saved now: the articles after it find it like any other.
        if article.url:
            by_url.setdefault(article.url, stories[index])
        by_hash.setdefault(article.content_hash, stories[index])
        batch_id = article.pk if article.pk is not None else _BATCH_IDS + index
        in_batch.append(_Candidate((article.published_at, batch_id), stories[index], article.fingerprint))
    if new_stories:
        if connection.features.can_return_rows_from_bulk_insert:
            Story.objects.bulk_create(new_stories)
        else:  # SQLite before 3.35 returns no ids from a bulk insert
            for story in new_stories:
                story.save(force_insert=True)
    for article, story in zip(articles, stories, strict=True):
        article.story_id = story.pk if isinstance(story, Story) else story
    return sketches


# Articles not saved yet rank as newer than every saved one, in batch order (the ids they get).
_BATCH_IDS = 1 << 62


def _shared_key_counts(near_keys: dict[int, set[int]], exclude: set[int]) -> dict[int, Counter]:
    """For each article to match: the saved articles sharing the most of its LSH keys
    (``MAX_CANDIDATES`` of them) -> how many keys they share."""
    if not near_keys:
        return {}
    rows = key_holders(set().union(*near_keys.values()), exclude=exclude, limit=MAX_KEY_ROWS)
    if rows is None:
        return {index: _top_shared(keys, exclude) for index, keys in near_keys.items()}
    holders: dict[int, list[int]] = {}
    for key, article_id in rows:
        holders.setdefault(key, []).append(article_id)
    counts = {}
    for index, keys in near_keys.items():
        shared = Counter(article_id for key in keys for article_id in holders.get(key, ()))
        counts[index] = Counter(dict(sorted(shared.items(), key=_most_shared)[:MAX_CANDIDATES]))
    return counts


def _most_shared(item: tuple[int, int]) -> tuple[int, int]:
    article_id, shared = item
    return -shared, -article_id


def _top_shared(keys: set[int], exclude: set[int]) -> Counter:
    """The same, asked of the database for one article."""
    return Counter(
        dict(
            SimilarityKey.objects.filter(key__in=keys)
            .exclude(article_id__in=exclude)
            .values("article_id")
            .annotate(shared=Count("id"))
            .order_by("-shared")
            .values_list("article_id", "shared")[:MAX_CANDIDATES]
        )
    )


def _candidates_in_table(ids: set[int]) -> dict[int, _Candidate]:
    """The saved articles among ``ids`` that can be joined: in a story, with a fingerprint."""
    found: dict[int, _Candidate] = {}
    for chunk in _chunks(sorted(ids)):
        rows = (
            Article.objects.filter(pk__in=chunk)
            .exclude(story=None)
            .exclude(fingerprint=None)
            .order_by()
            .values_list("pk", "published_at", "story_id", "fingerprint")
        )
        for pk, published_at, story_id, fp in rows:
            found[pk] = _Candidate((published_at, pk), story_id, fp)
    return found


def _nearest(
    fp: int,
    shared_in_table: Counter,
    shared_in_batch: Counter,
    in_table: dict[int, _Candidate],
    in_batch: list[_Candidate],
) -> Story | int | None:
    """The story of the closest near duplicate among the articles sharing the most keys.

    The articles sharing the most keys come first: with a plain DISTINCT … LIMIT, a key
    common to many articles could crowd the real duplicate out of the candidates. Among
    them only those in a story and with a fingerprint count, newest first on a tie.
    """
    ranked = [(count, pk, in_table.get(pk)) for pk, count in shared_in_table.items()]
    ranked += [(n, in_batch[index].order[1], in_batch[index]) for index, n in shared_in_batch.items() if n]
    ranked.sort(key=lambda row: (-row[0], -row[1]))
    candidates = [candidate for _, _, candidate in ranked[:MAX_CANDIDATES] if candidate is not None]
    best: tuple[int, Story | int] | None = None
    for candidate in sorted(candidates, key=lambda c: c.order, reverse=True):
        if is_near_duplicate(candidate.fingerprint, fp):
            distance = hamming(candidate.fingerprint, fp)
            if best is None or distance < best[0]:
                best = (distance, candidate.story)
    return best[1] if best else None


def _chunks(values: Iterable) -> Iterator[list]:
    values = list(values)
    for offset in range(0, len(values), CHUNK):
        yield values[offset : offset + CHUNK]
