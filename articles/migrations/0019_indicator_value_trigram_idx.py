"""A trigram index for "part of an indicator's value" (the API's ``?q=``, icontains).

``value__icontains`` is ``UPPER(value::text) LIKE UPPER('%…%')`` on PostgreSQL, which no
b-tree can serve: every indicator was read (100 ms at 50,000 indicators, bench/README.md).
A GIN index of that same expression's trigrams serves any part of three characters or more.
pg_trgm is a trusted extension (PostgreSQL 13+), so the database's owner may create it.
SQLite has no such index; its ``LIKE`` scan of the table stays.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS indicator_value_trgm_idx ON articles_indicator "
    "USING gin (UPPER(value::text) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS indicator_value_trgm_idx"]  # the extension may serve others


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_indicator_benign_and_derived_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
