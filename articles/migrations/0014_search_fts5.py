"""SQLite only: an FTS5 full-text index of the articles, kept by triggers.

The embedded default (SQLite) searched with LIKE: no ranking, no snippets, a full scan
per word. FTS5 gives it what PostgreSQL's search vector (migration 0002) gives the real
deployment: word matching with English stemming (``porter``), phrases, ``bm25()`` ranking
and ``snippet()`` (articles/search/). The table is *external content* over
``articles_article`` — it stores only the index, and reads the text from the article row
for snippets — and triggers keep it right for every write path, as the search vector's
trigger does on PostgreSQL. An update re-indexes only when one of the searched columns
changed. ``rebuild`` indexes the articles already there.

SQLite drops a table's triggers when a migration rebuilds that table (an AlterField on
Article): tests/test_search_sqlite.py checks every write path on the fully migrated schema,
so a later migration that loses them fails there. PostgreSQL: nothing to do.
"""

from django.db import migrations

# ruff: noqa: S608 (every statement is built from the constants above, nothing else)

TABLE = "articles_article_fts"
COLUMNS = ("title", "teaser", "executive_summary", "summary", "body_text")
_NAMES = ", ".join(COLUMNS)
_NEW = ", ".join(f"new.{c}" for c in COLUMNS)
_OLD = ", ".join(f"old.{c}" for c in COLUMNS)
_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in COLUMNS)

CREATE = [
    f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
        {_NAMES}, content='articles_article', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON articles_article BEGIN
      INSERT INTO {TABLE}(rowid, {_NAMES}) VALUES (new.id, {_NEW});
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON articles_article BEGIN
      INSERT INTO {TABLE}({TABLE}, rowid, {_NAMES}) VALUES ('delete', old.id, {_OLD});
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_update AFTER UPDATE ON articles_article
    WHEN {_CHANGED} OR old.id IS NOT new.id BEGIN
      INSERT INTO {TABLE}({TABLE}, rowid, {_NAMES}) VALUES ('delete', old.id, {_OLD});
      INSERT INTO {TABLE}(rowid, {_NAMES}) VALUES (new.id, {_NEW});
    END
    """,
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
]
DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {TABLE}_update",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_link_published_at")]
    operations = [migrations.RunPython(forwards, backwards)]
