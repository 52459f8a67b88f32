"""The lookups story grouping makes, for a whole poll at once, and saving its keys.

:mod:`articles.stories` asks which stories already hold these canonical URLs or
content hashes, and which articles hold these LSH keys. As plain ``IN (…)`` lists
those are right on SQLite. PostgreSQL plans a list of values by its statistics, and a
new database has none until autovacuum's first ANALYZE: it scanned the whole article
table for the fifty URLs and hashes of every poll while it filled up (the first
minutes of a new install, or the collection bench). There each URL and hash is looked
up on its own (``unnest`` joined ``LATERAL … LIMIT 1``: one index probe each, whatever
the statistics say). The thousand keys of a poll stay one ``= ANY`` of an array
parameter — a bitmap scan of the key index with statistics, and, measured on 200,000
keys without them, still quicker than a thousand probes — sent as one parameter
rather than a thousand to build and send. Saving the keys is one statement too.
"""

from __future__ import annotations

from django.db import connection

from articles.models import Article, SimilarityKey

# Values per statement elsewhere: SQLite allows 32,766 parameters, psycopg 65,535.
CHUNK = 5000


def stories_by(field: str, values: set[str], *, exclude: set[int]) -> dict[str, int]:
    """Value of ``field`` ("url" or "content_hash") -> the story of some article that has
    it and is in a story (any will do: they all share it), leaving out ``exclude``."""
    if not values:
        return {}
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Article._meta.db_table)
        column = connection.ops.quote_name(Article._meta.get_field(field).column)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT v.value, found.story_id FROM unnest(%s::text[]) AS v(value) "  # noqa: S608 (model names)
                f"CROSS JOIN LATERAL (SELECT story_id FROM {table} "
                f"WHERE {column} = v.value AND story_id IS NOT NULL AND id <> ALL(%s::bigint[]) "
                "LIMIT 1) AS found",
                [sorted(values), sorted(exclude)],
            )
            return dict(cursor.fetchall())
    # Two indexed lookups rather than one OR of both fields: SQLite answers
    # "url = ? OR content_hash = ?" with a full scan. No ORDER BY either: with one, SQLite
    # walks the newest-first index instead of the lookup's index.
    others = Article.objects.exclude(pk__in=exclude).exclude(story=None).order_by()
    found: dict[str, int] = {}
    ordered = sorted(values)
    for offset in range(0, len(ordered), CHUNK):
        chunk = ordered[offset : offset + CHUNK]
        for value, story_id in others.filter(**{f"{field}__in": chunk}).values_list(field, "story_id"):
            found.setdefault(value, story_id)
    return found


def key_holders(keys: set[int], *, exclude: set[int], limit: int) -> list[tuple[int, int]] | None:
    """(key, article id) for every saved article holding one of ``keys``, leaving out
    ``exclude``; None when there are more than ``limit`` of them."""
    if not keys:
        return []
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(SimilarityKey._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT key, article_id FROM {table} "  # noqa: S608 (the model's table name)
                "WHERE key = ANY(%s::bigint[]) AND article_id <> ALL(%s::bigint[]) LIMIT %s",
                [sorted(keys), sorted(exclude), limit + 1],
            )
            rows = cursor.fetchall()
        return rows if len(rows) <= limit else None
    rows: list[tuple[int, int]] = []
    ordered = sorted(keys)
    for offset in range(0, len(ordered), CHUNK):
        rows += (
            SimilarityKey.objects.filter(key__in=ordered[offset : offset + CHUNK])
            .exclude(article_id__in=exclude)
            .values_list("key", "article_id")[: limit + 1 - len(rows)]
        )
        if len(rows) > limit:
            return None
    return rows


def insert_keys(rows: list[tuple[int, int]]) -> None:
    """Save (article id, key) rows; ones already there are left alone.

    Twenty keys per article: through ``bulk_create``, a model instance and two compiled
    parameters per key made saving them cost as much as the rest of story grouping. So
    one statement with two array parameters on PostgreSQL, ``executemany`` on SQLite.
    """
    if not rows:
        return
    table = connection.ops.quote_name(SimilarityKey._meta.db_table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (article_id, key) "  # noqa: S608 (the model's table name)
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[]) ON CONFLICT DO NOTHING",
                [[pk for pk, _ in rows], [key for _, key in rows]],
            )
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {table} (article_id, key) VALUES (%s, %s)",  # noqa: S608 (as above)
                rows,
            )
    else:
        SimilarityKey.objects.bulk_create(
            [SimilarityKey(article_id=pk, key=key) for pk, key in rows], ignore_conflicts=True
        )
