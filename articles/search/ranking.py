"""``sort=relevance``: the newest matches, ranked. Bounded on purpose.

Ranking every match of a common word reads every matching search vector: seconds at a
million articles, while the newest 500 matches rank in 15–130 ms (docs/architecture.md,
"Scale"). So relevance orders the newest :data:`RANK_CANDIDATES` matches — the page says
"best of the newest 500 matches" — and pages through them by offset, which within 500
rows costs nothing worth a cursor. PostgreSQL ranks with ``ts_rank_cd`` (cover density:
terms close together count more) on the stored weighted vector, so a title hit outweighs
a body hit; SQLite with FTS5's ``bm25()``, weighted the same way (title 10, teaser and
summaries 5, body 1).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import F, QuerySet

from articles.querysets import NEWEST_AT
from articles.search.query import ParsedQuery, fts5_query
from articles.search.text import FTS_TABLE, is_postgresql, search_query

RANK_CANDIDATES = 500
# bm25() weights per FTS5 column (migration 0014): title, teaser, executive summary,
# summary, body — the PostgreSQL vector's A, B, B, B, C.
BM25_WEIGHTS = (10.0, 5.0, 5.0, 5.0, 1.0)


def ranked_ids(queryset: QuerySet, parsed: ParsedQuery) -> list[int]:
    """Ids of the newest :data:`RANK_CANDIDATES` rows of ``queryset`` (already filtered,
    visible to the reader, one per story), best first; ties newest first."""
    key = NEWEST_AT if queryset.sorts_by_link() else "published_at"
    newest = queryset.order_by(f"-{key}", "-id")
    clauses = parsed.text_clauses
    if is_postgresql():
        from articles.models import Article

        candidates = newest.values("pk")[:RANK_CANDIDATES]
        rank = SearchRank(F("search_vector"), search_query(clauses), cover_density=True)
        ranked = (
            Article.objects.filter(pk__in=candidates)
            .annotate(rank=rank)
            .order_by("-rank", "-published_at", "-id")
            .values_list("pk", flat=True)
        )
        return list(ranked)
    candidates = list(newest.values_list("pk", flat=True)[:RANK_CANDIDATES])
    match = fts5_query(clauses)[0]
    if not candidates or not match:
        return candidates
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, bm25({FTS_TABLE}, {weights}) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
            " AND rowid IN (SELECT value FROM json_each(%s))",
            [match, "[" + ",".join(str(pk) for pk in candidates) + "]"],
        )
        scores = dict(cursor.fetchall())
    newest_rank = {pk: n for n, pk in enumerate(candidates)}
    # bm25() is lower for better matches; equal scores stay newest first. A candidate FTS
    # did not score (only an exclusion matched it) goes last.
    return sorted(candidates, key=lambda pk: (scores.get(pk, float("inf")), newest_rank[pk]))
