"""PostgreSQL only: the GIN index behind full-text search, and better planner statistics.

SQLite keeps the (always NULL) column and searches with LIKE instead, so the
operations below do nothing there.
"""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS article_search_gin_idx ON articles_article USING gin (search_vector)",
    # A rare term took over a second until the statistics target was raised (DESIGN.md, Scale).
    "ALTER TABLE articles_article ALTER COLUMN search_vector SET STATISTICS 1000",
]
DROP = ["DROP INDEX IF EXISTS article_search_gin_idx"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
