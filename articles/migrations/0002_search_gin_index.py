"""PostgreSQL only: the weighted search vector, kept current by a trigger, and its GIN index.

A trigger (rather than application code) keeps ``search_vector`` right for every
write path: ingestion, the admin, enrichment, a data migration. Weights: title A,
teaser/summaries B, body C. The body is capped so one huge article cannot exceed
PostgreSQL's 1 MB tsvector limit and fail its insert.

SQLite keeps the (always NULL) column and searches with LIKE instead, so the
operations below do nothing there.
"""

from django.db import migrations

CREATE = [
    """
    CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.teaser, '') || ' ' ||
                  coalesce(NEW.executive_summary, '') || ' ' || coalesce(NEW.summary, '')), 'B') ||
        setweight(to_tsvector('english', left(coalesce(NEW.body_text, ''), 200000)), 'C');
      RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER articles_article_search_vector_trigger
    BEFORE INSERT OR UPDATE OF title, teaser, executive_summary, summary, body_text
    ON articles_article FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector()
    """,
    "CREATE INDEX IF NOT EXISTS article_search_gin_idx ON articles_article USING gin (search_vector)",
    # A rare term took over a second until the statistics target was raised (docs/architecture.md, "Scale").
    "ALTER TABLE articles_article ALTER COLUMN search_vector SET STATISTICS 1000",
]
DROP = [
    "DROP INDEX IF EXISTS article_search_gin_idx",
    "DROP TRIGGER IF EXISTS articles_article_search_vector_trigger ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_search_vector()",
]


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
