"""A copy of the article's ``published_at`` on its tag, author and entity links, kept by triggers.

ArticleEntity is new: one row per article and entity it mentions (Mention has one per
span, so a join on it would repeat articles). The tag, author and entity filters walk
``(target, -published_at, -article)`` newest-first and stop after one page, whatever
the target's share of the table; through the article's own newest-first index a rare
tag meant reading ~20,000 articles to find 26 (docs/architecture.md, "Scale").
Triggers rather than application code keep the copy right for every write path
(ingestion, enrichment, the admin, bulk updates, COPY), the same choice as the search
vector (migration 0002). SQLite drops a table's triggers when a migration rebuilds the
table: tests/test_list_query_design.py checks the copies on the fully migrated schema,
so a later migration that loses them fails there. The column stays nullable because
SQLite fills it after the insert, not before.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

LINKS = ("articles_articletag", "articles_articleauthor", "articles_articleentity")

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION articles_link_published_at() RETURNS trigger AS $$
    BEGIN
      SELECT published_at INTO NEW.published_at FROM articles_article WHERE id = NEW.article_id;
      RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    *(
        f"""
        CREATE TRIGGER {table}_published_at BEFORE INSERT OR UPDATE ON {table}
        FOR EACH ROW EXECUTE FUNCTION articles_link_published_at()
        """
        for table in LINKS
    ),
    """
    CREATE OR REPLACE FUNCTION articles_article_published_at_links() RETURNS trigger AS $$
    BEGIN
      UPDATE articles_articletag SET published_at = NEW.published_at WHERE article_id = NEW.id;
      UPDATE articles_articleauthor SET published_at = NEW.published_at WHERE article_id = NEW.id;
      UPDATE articles_articleentity SET published_at = NEW.published_at WHERE article_id = NEW.id;
      RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER articles_article_published_at_links AFTER UPDATE OF published_at ON articles_article
    FOR EACH ROW WHEN (OLD.published_at IS DISTINCT FROM NEW.published_at)
    EXECUTE FUNCTION articles_article_published_at_links()
    """,
    # The planner's guess at how common one tag, author or entity is decides between
    # walking these indexes and another plan; the default sample misjudged rare ones by 10x.
    "ALTER TABLE articles_articletag ALTER COLUMN tag_id SET STATISTICS 1000",
    "ALTER TABLE articles_articleauthor ALTER COLUMN author_id SET STATISTICS 1000",
    "ALTER TABLE articles_articleentity ALTER COLUMN entity_id SET STATISTICS 1000",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS articles_article_published_at_links ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_published_at_links()",
    *(f"DROP TRIGGER IF EXISTS {table}_published_at ON {table}" for table in LINKS),
    "DROP FUNCTION IF EXISTS articles_link_published_at()",
]

# SQLite cannot assign to NEW, so the link is corrected right after it is written; the
# WHEN clause ends the trigger's own UPDATE (recursive triggers are off by default anyway).
SQLITE = [
    *(
        f"""
        CREATE TRIGGER {table}_published_at_{event.lower()} AFTER {event} ON {table}
        FOR EACH ROW WHEN NEW.published_at IS NOT
          (SELECT published_at FROM articles_article WHERE id = NEW.article_id)
        BEGIN
          UPDATE {table} SET published_at =
            (SELECT published_at FROM articles_article WHERE id = NEW.article_id)
          WHERE id = NEW.id;
        END
        """  # noqa: S608 (table names are the constants above)
        for table in LINKS
        for event in ("INSERT", "UPDATE")
    ),
    """
    CREATE TRIGGER articles_article_published_at_links AFTER UPDATE OF published_at ON articles_article
    FOR EACH ROW WHEN OLD.published_at IS NOT NEW.published_at
    BEGIN
      UPDATE articles_articletag SET published_at = NEW.published_at WHERE article_id = NEW.id;
      UPDATE articles_articleauthor SET published_at = NEW.published_at WHERE article_id = NEW.id;
      UPDATE articles_articleentity SET published_at = NEW.published_at WHERE article_id = NEW.id;
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS articles_article_published_at_links",
    *(
        f"DROP TRIGGER IF EXISTS {table}_published_at_{event}"
        for table in LINKS
        for event in ("insert", "update")
    ),
]

BACKFILL = (
    [
        f"UPDATE {table} SET published_at = "  # noqa: S608 (table names are the constants above)
        f"(SELECT published_at FROM articles_article WHERE articles_article.id = {table}.article_id)"
        for table in LINKS[:2]
    ]
    + [
        """
    INSERT INTO articles_articleentity (article_id, entity_id, mentions, published_at)
    SELECT m.article_id, m.entity_id, count(*), a.published_at
    FROM articles_mention m JOIN articles_article a ON a.id = m.article_id
    GROUP BY m.article_id, m.entity_id, a.published_at
    """
    ]
)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in [*BACKFILL, *{"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor, [])]:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_content_hash_plain_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleEntity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "mentions",
                    models.PositiveIntegerField(default=1, help_text="how many spans of the article name it"),
                ),
                ("published_at", models.DateTimeField(editable=False, null=True)),
            ],
        ),
        migrations.AddField(
            model_name="articleauthor",
            name="published_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="articletag",
            name="published_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="articleentity",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="article_entities",
                to="articles.article",
            ),
        ),
        migrations.AddField(
            model_name="articleentity",
            name="entity",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="article_links",
                to="articles.entity",
            ),
        ),
        # Before the triggers: SQLite adds a unique constraint by rebuilding the table,
        # which would drop them.
        migrations.AddConstraint(
            model_name="articleentity",
            constraint=models.UniqueConstraint(fields=("article", "entity"), name="articleentity_unique"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="articleauthor",
            index=models.Index(
                fields=["author", "-published_at", "-article"], name="articleauthor_newest_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="articletag",
            index=models.Index(fields=["tag", "-published_at", "-article"], name="articletag_newest_idx"),
        ),
        migrations.AddIndex(
            model_name="articleentity",
            index=models.Index(
                fields=["entity", "-published_at", "-article"], name="articleentity_newest_idx"
            ),
        ),
    ]
