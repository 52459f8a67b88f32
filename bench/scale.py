"""Scale bench: load N realistic articles into a PostgreSQL bench database, then time the pages.

    python bench/scale.py --articles 1000000 [--database intelportal_bench] [--json FILE]
                          [--only-load | --only-measure] [--concurrency] [--indexes auto]

Loading (bench/scale_data.py makes the rows): ~200 sources, ~5,000 authors, ~500 tags,
~2,000 real galaxy entities and a pool of 50,000 indicators, then N articles with their
authors, tags, mentions, sightings, stories and RED grants, streamed with COPY in batches.
Article i is a function of i alone, so ``--articles N`` only adds articles from the current
count up to N (a larger N extends the database, the same N does nothing). The search vector
is computed by the app's own trigger (migration 0002) as each row is copied. A big load
(at least doubling the table) drops the non-primary-key indexes and unique constraints of
the tables it fills first, and recreates them afterwards from the definitions it read
(kept in the table ``bench_scale_dropped`` until done, so an interrupted load recreates
them on the next run); then VACUUM ANALYZE.

Measuring (after loading, or ``--only-measure``): django.setup() on the bench database
with the local (DEBUG) settings, and django.test.Client signed in as the GREEN analyst and
as the RED admin; each request 3 times to warm up, then 20 times timed (p50, p95, SQL
queries). ``--concurrency`` then serves the database with gunicorn and the production
settings, and has 8 signed-in clients request list, filter and search pages for 20 s.

The database name must contain "bench": it is created if missing and migrated.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_data as data  # noqa: E402

SERVER = "postgres://postgres@127.0.0.1:5432"
DEFAULT_DATABASE = "intelportal_bench"
BATCH = 5000
ANALYST = "bench-analyst"
RED_ADMIN = "bench-red-admin"
LOAD_TIME = dt.datetime(2026, 12, 1, 6, tzinfo=dt.UTC)  # "now" for shared rows: fixed, so reruns agree

# Tables whose secondary indexes a big load drops and recreates.
LOADED_TABLES = [
    "articles_article",
    "articles_articleauthor",
    "articles_articletag",
    "articles_mention",
    "articles_articleentity",
    "articles_sighting",
    "articles_indicator",
    "articles_articlegrant",
]
# Tables COPY writes, with the columns it writes (checked against the schema at start).
ARTICLE_COLUMNS = [
    "id",
    "guid",
    "url",
    "title",
    "teaser",
    "executive_summary",
    "summary",
    "body_html",
    "body_text",
    "published_at",
    "published_estimated",
    "ingested_at",
    "updated_at",
    "content_hash",
    "language",
    "word_count",
    "reading_minutes",
    "tlp",
    "category",
    "intel_level",
    "priority",
    "assessment",
    "classification_reasons",
    "auto_summary",
    "keywords",
    "processing_status",
    "processing_error",
    "processing_queued_at",
    "processing_claimed_at",
    "processing_attempts",
    "processing_retries",
    "processing_failure_kind",
    "processing_retry_at",
    "processed_at",
    "processing_versions",
    "source_id",
    "story_id",
    "fingerprint",
]
LINK_COLUMNS = {
    "articles_story": ["id", "created_at"],
    "articles_articleauthor": ["article_id", "author_id", "position"],
    "articles_articletag": ["article_id", "tag_id", "added_by_id", "added_by_enricher", "created_at"],
    "articles_mention": [
        "article_id",
        "entity_id",
        "section",
        "start",
        "end",
        "matched",
        "enricher",
        "enricher_version",
        "cves",
    ],
    # published_at on the three link tables is the app's trigger's (migration 0013) to fill.
    "articles_articleentity": ["article_id", "entity_id", "mentions"],
    "articles_sighting": [
        "article_id",
        "indicator_id",
        "section",
        "start",
        "end",
        "matched",
        "defanged",
        "enricher",
        "enricher_version",
        "derived_from",
        "note",
    ],
    "articles_indicator": ["id", "type", "value", "benign"],
    "articles_articlegrant": ["article_id", "user_id", "granted_by_id", "granted_at"],
}
SHARED_COLUMNS = {
    "articles_source": [
        "id",
        "name",
        "kind",
        "url",
        "folder",
        "enabled",
        "poll_interval_minutes",
        "include_keywords",
        "exclude_keywords",
        "default_tlp",
        "reliability",
        "next_poll_at",
        "last_polled_at",
        "last_success_at",
        "last_error",
        "last_error_kind",
        "last_result",
        "consecutive_failures",
        "etag",
        "last_modified",
        "created_at",
    ],
    "articles_author": ["id", "name", "slug"],
    "articles_tag": ["id", "name", "slug"],
    "articles_entity": ["id", "kind", "name", "external_id", "uuid", "ref"],
}


def log(message: str) -> None:
    print(message, flush=True)


# --- database ------------------------------------------------------------------------------


def database_url(name: str) -> str:
    return f"{SERVER}/{name}"


def ensure_database(name: str) -> None:
    if "bench" not in name:
        raise SystemExit(
            f"refusing database {name!r}: the scale bench writes and drops indexes, so it only "
            "works on a scratch database whose name contains 'bench' (default intelportal_bench)."
        )
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"database name {name!r}: use letters, digits and underscores only")
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            log(f"created database {name}")


def django_env(name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({"DATABASE_URL": database_url(name), "DEBUG": "true"})
    return env


def migrate(name: str) -> None:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=django_env(name),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"manage.py migrate failed:\n{result.stdout}\n{result.stderr}")
    log(f"migrated {name} ({time.perf_counter() - started:.1f} s)")


def setup_django(name: str, secret: str) -> None:
    os.environ.update(django_env(name))
    os.environ["SECRET_KEY"] = secret
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"  # django.test.Client's host
    os.environ["DJANGO_SETTINGS_MODULE"] = "intelportal.settings"
    os.environ.setdefault("INTELPORTAL_VAR_DIR", tempfile.mkdtemp(prefix="scale-bench-var-"))
    import django

    django.setup()


def signed_in_client(database: str, username: str):
    """A django.test.Client signed in as ``username`` on ``database``, a scale-bench one
    (refused otherwise: the benches write visits and sessions), Django set up for it."""
    if "bench" not in database:
        raise SystemExit("--database must be a scale-bench database (its name contains 'bench')")
    setup_django(database, secrets.token_urlsafe(32))
    import logging

    from django.test import Client

    from accounts.models import User

    logging.getLogger("axes").setLevel(logging.WARNING)
    client = Client(raise_request_exception=True)
    client.force_login(User.objects.get(username=username))
    return client


def _esc(value: object) -> str:
    """One field of COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    text = str(value)
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _line(*values: object) -> str:
    return "\t".join(map(_esc, values)) + "\n"


def copy_lines(cur: psycopg.Cursor, table: str, columns: list[str], lines) -> int:
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    rows = 0
    chunk: list[str] = []
    size = 0
    with cur.copy(statement) as copy:
        for line in lines:
            chunk.append(line)
            size += len(line)
            rows += 1
            if size > 256_000:
                copy.write("".join(chunk))
                chunk, size = [], 0
        if chunk:
            copy.write("".join(chunk))
    return rows


def check_columns(conn: psycopg.Connection) -> None:
    """Every NOT NULL column without a default must be one COPY fills (a new migration may add one)."""
    tables = {"articles_article": ARTICLE_COLUMNS, **LINK_COLUMNS, **SHARED_COLUMNS}
    problems = []
    for table, columns in tables.items():
        rows = conn.execute(
            "SELECT column_name, is_nullable, column_default IS NOT NULL OR is_identity = 'YES' "
            "FROM information_schema.columns WHERE table_name = %s",
            [table],
        ).fetchall()
        existing = {name for name, _, _ in rows}
        missing = [c for c in columns if c not in existing]
        unfilled = [name for name, nullable, has_default in rows if nullable == "NO" and not has_default]
        unfilled = [c for c in unfilled if c not in columns]
        if missing:
            problems.append(f"{table}: no column(s) {', '.join(missing)}")
        if unfilled:
            problems.append(f"{table}: NOT NULL column(s) the bench does not fill: {', '.join(unfilled)}")
    if problems:
        raise SystemExit("the schema changed; update bench/scale.py:\n  " + "\n  ".join(problems))


# --- shared rows ---------------------------------------------------------------------------


def galaxy_entities() -> list[tuple[str, str, str, str, str]]:
    from articles.enrichment import galaxies
    from articles.enrichment.entities import organization_records, read_json

    by_kind: dict[str, list] = {}
    records = [
        *galaxies.load_threat_actors(),
        *galaxies.load_software(),
        *galaxies.load_attack_patterns(),
        *galaxies.load_sectors(read_json("sectors.json")),
        *galaxies.load_countries(read_json("countries.json")),
        *organization_records(),
    ]
    for record in records:
        by_kind.setdefault(record.kind, []).append(record)
    return data.pick_entities(by_kind)


def ensure_users() -> dict[str, int]:
    from accounts.models import Role, User
    from accounts.services import create_user

    ids = {}
    for username, role, clearance in ((ANALYST, Role.ANALYST, "green"), (RED_ADMIN, Role.ADMIN, "red")):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_user(username, role=role, clearance=clearance, password=None)
            log(f"created user {username} ({role}, clearance {clearance}, no password: sign in by session)")
        ids[username] = user.pk
    return ids


def _count(conn: psycopg.Connection, table: str) -> int:
    return conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]


def _with_unique_slugs(names: list[str], slug_for) -> list[tuple[str, str]]:
    """(name, slug) pairs: the app's slug for each name, with "-2", "-3"… on clashes as
    the models add them."""
    taken: set[str] = set()
    pairs = []
    for name in names:
        slug = base = slug_for(name)
        k = 1
        while slug in taken:
            k += 1
            slug = f"{base}-{k}"
        taken.add(slug)
        pairs.append((name, slug))
    return pairs


def ensure_shared(conn: psycopg.Connection) -> None:
    """Sources, authors, tags, entities and the indicator pool, with ids = position + 1."""
    from articles.models import Author, Tag

    expected = {
        "articles_source": data.N_SOURCES,
        "articles_author": data.N_AUTHORS,
        "articles_tag": data.N_TAGS,
        "articles_entity": data.N_ENTITIES,
    }
    counts = {table: _count(conn, table) for table in expected}
    if all(counts[t] == n for t, n in expected.items()):
        pooled = conn.execute(
            "SELECT count(*) FROM articles_indicator WHERE id <= %s", [data.N_POOL_INDICATORS]
        )
        if pooled.fetchone()[0] == data.N_POOL_INDICATORS:
            return
    if any(counts.values()) or _count(conn, "articles_article"):
        raise SystemExit(
            f"{conn.info.dbname} holds rows the bench did not make ({counts}); "
            "drop it (DROP DATABASE) or use another --database"
        )
    started = time.perf_counter()
    with conn.transaction(), conn.cursor() as cur:
        copy_lines(
            cur,
            "articles_source",
            SHARED_COLUMNS["articles_source"],
            (
                _line(
                    n + 1,
                    s.name,
                    "rss",
                    f"https://{s.host}/feed.xml",
                    "",
                    True,
                    s.interval,
                    "",
                    "",
                    s.default_tlp,
                    s.reliability,
                    LOAD_TIME + dt.timedelta(minutes=s.interval),
                    LOAD_TIME,
                    LOAD_TIME,
                    "",
                    "",
                    json.dumps({"new": 0, "updated": 0, "unchanged": 25, "failed": 0}),
                    0,
                    "",
                    "",
                    data.END - dt.timedelta(days=5 * 365 + 30),
                )
                for n, s in enumerate(data.sources())
            ),
        )
        author_lines = [
            _line(n + 1, name, slug)
            for n, (name, slug) in enumerate(_with_unique_slugs(data.author_names(), Author.slug_for))
        ]
        copy_lines(cur, "articles_author", SHARED_COLUMNS["articles_author"], author_lines)

        entities = galaxy_entities()
        copy_lines(
            cur,
            "articles_entity",
            SHARED_COLUMNS["articles_entity"],
            (_line(n + 1, *row) for n, row in enumerate(entities)),
        )
        tags = data.tag_names([(kind, name, ref) for kind, name, _, _, ref in entities])
        tag_lines = [
            _line(n + 1, name, slug)
            for n, (name, slug) in enumerate(_with_unique_slugs([name for name, _ in tags], Tag.slug_for))
        ]
        copy_lines(cur, "articles_tag", SHARED_COLUMNS["articles_tag"], tag_lines)
        copy_lines(
            cur,
            "articles_indicator",
            LINK_COLUMNS["articles_indicator"],
            (_line(n + 1, *row) for n, row in enumerate(data.indicator_pool())),
        )
    set_sequences(conn, ["articles_source", "articles_author", "articles_tag", "articles_entity"])
    log(
        f"shared rows: 200 sources, 5000 authors, 500 tags, 2000 entities, 50000 indicators "
        f"({time.perf_counter() - started:.1f} s)"
    )


def set_sequences(conn: psycopg.Connection, tables: list[str]) -> None:
    for table in tables:
        conn.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({t}, 'id'), GREATEST((SELECT max(id) FROM {i}), 1))"
            ).format(t=sql.Literal(table), i=sql.Identifier(table))
        )


# --- indexes -------------------------------------------------------------------------------

STATE_TABLE = "bench_scale_dropped"
RECORD_DROPPED = (
    "INSERT INTO bench_scale_dropped (name, tbl, is_constraint, definition) VALUES (%s, %s, %s, %s)"
)


def drop_indexes(conn: psycopg.Connection) -> int:
    """Record and drop the secondary indexes and unique constraints of LOADED_TABLES."""
    with conn.transaction():
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (name text PRIMARY KEY, tbl text NOT NULL, "
            "is_constraint boolean NOT NULL, definition text NOT NULL, position serial)"
        )
        dropped = 0
        for table in LOADED_TABLES:
            constraints = conn.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'u' ORDER BY conname",
                [table],
            ).fetchall()
            indexes = conn.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = 'public' AND i.tablename = %s AND NOT EXISTS ("
                "  SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%%I.%%I', i.schemaname,"
                "  i.indexname)::regclass) ORDER BY i.indexname",
                [table],
            ).fetchall()
            for name, definition in constraints:
                conn.execute(RECORD_DROPPED, [name, table, True, definition])
                conn.execute(
                    sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                        sql.Identifier(table), sql.Identifier(name)
                    )
                )
                dropped += 1
            for name, definition in indexes:
                conn.execute(RECORD_DROPPED, [name, table, False, definition])
                conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
                dropped += 1
    return dropped


def pending_indexes(conn: psycopg.Connection) -> int:
    if not conn.execute("SELECT to_regclass(%s)", [STATE_TABLE]).fetchone()[0]:
        return 0
    return conn.execute(f"SELECT count(*) FROM {STATE_TABLE}").fetchone()[0]  # noqa: S608


def recreate_indexes(conn: psycopg.Connection) -> None:
    if not pending_indexes(conn):
        return
    conn.execute("SET maintenance_work_mem = '1GB'")
    conn.execute("SET max_parallel_maintenance_workers = 2")
    rows = conn.execute(
        f"SELECT name, tbl, is_constraint, definition FROM {STATE_TABLE} ORDER BY position"  # noqa: S608
    ).fetchall()
    total = time.perf_counter()
    for name, table, is_constraint, definition in rows:
        started = time.perf_counter()
        with conn.transaction():
            if is_constraint:
                conn.execute(
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(
                        sql.Identifier(table), sql.Identifier(name)
                    )
                    + sql.SQL(definition)
                )
            else:
                conn.execute(sql.SQL(definition))
            conn.execute(f"DELETE FROM {STATE_TABLE} WHERE name = %s", [name])  # noqa: S608
        log(f"  recreated {name} on {table} ({time.perf_counter() - started:.1f} s)")
    conn.execute(f"DROP TABLE {STATE_TABLE}")
    log(f"indexes recreated in {time.perf_counter() - total:.1f} s")


# --- loading articles ----------------------------------------------------------------------


@dataclass
class LoadReport:
    before: int
    after: int
    seconds: float = 0.0
    generate_seconds: float = 0.0
    index_seconds: float = 0.0
    vacuum_seconds: float = 0.0
    dropped_indexes: bool = False


def current_count(conn: psycopg.Connection) -> int:
    count, top = conn.execute("SELECT count(*), coalesce(max(id), 0) FROM articles_article").fetchone()
    if count != top:
        raise SystemExit(
            f"articles_article has {count} rows but ids up to {top}: it holds articles the bench "
            "did not make; use a fresh bench database"
        )
    return count


def generator(conn: psycopg.Connection) -> data.Generator:
    entities = conn.execute("SELECT kind, name FROM articles_entity ORDER BY id").fetchall()
    pool = conn.execute(
        "SELECT type, value FROM articles_indicator WHERE id <= %s ORDER BY id", [data.N_POOL_INDICATORS]
    ).fetchall()
    return data.Generator([tuple(e) for e in entities], [tuple(p) for p in pool])


def processing_versions() -> str:
    from articles.enrichment.pipeline import current_versions
    from articles.processing import STATS_VERSION

    return json.dumps({"stats": STATS_VERSION, **current_versions()})


@dataclass
class Batch:
    """COPY text for articles start..end-1 and everything attached to them."""

    start: int
    end: int
    articles: str
    links: dict[str, str]
    generate_seconds: float


@dataclass
class BatchContext:
    red_admin: int
    versions: str
    entity_version: str
    indicator_version: str
    machine_tags: frozenset[int]


def render_batch(gen: data.Generator, start: int, end: int, ctx: BatchContext) -> Batch:
    t0 = time.perf_counter()
    articles: list[str] = []
    links: dict[str, list[str]] = {table: [] for table in LINK_COLUMNS}
    story, authors, tags = (
        links["articles_story"],
        links["articles_articleauthor"],
        links["articles_articletag"],
    )
    mentions, sightings = links["articles_mention"], links["articles_sighting"]
    article_entities = links["articles_articleentity"]
    indicators, grants = links["articles_indicator"], links["articles_articlegrant"]
    for index in range(start, end):
        a = gen.article(index)
        pk = index + 1
        ingested = a.published_at + dt.timedelta(minutes=3 + index % 40)
        claimed = ingested + dt.timedelta(seconds=2)
        processed = claimed + dt.timedelta(seconds=1, milliseconds=index % 900)
        articles.append(
            _line(
                pk,
                a.guid,
                a.url,
                a.title,
                a.teaser,
                a.executive_summary,
                a.summary,
                a.body_html,
                a.body_text,
                a.published_at,
                False,
                ingested,
                processed,
                a.content_hash,
                "en",
                a.word_count,
                max(1, round(a.word_count / 200)),
                a.tlp,
                a.category,
                a.intel_level,
                a.priority,
                a.assessment,
                json.dumps(a.reasons),
                a.auto_summary,
                json.dumps(a.keywords),
                "done",
                "",
                ingested,
                claimed,
                1,
                0,
                "",
                None,
                processed,
                ctx.versions,
                a.source + 1,
                a.story,
                a.fingerprint,
            )
        )
        if a.new_story:
            story.append(_line(a.story, a.published_at))
        for position, author in enumerate(a.authors):
            authors.append(_line(pk, author + 1, position))
        for tag in a.tags:
            enricher = "entities" if tag in ctx.machine_tags else "feed"
            tags.append(_line(pk, tag + 1, None, enricher, processed))
        for entity, section, s, e, matched in a.mentions:
            mentions.append(
                # cves empty: the bench's entities are actors and malware, not products.
                _line(pk, entity + 1, section, s, e, matched[:300], "entities", ctx.entity_version, "")
            )
        for entity, spans in Counter(m[0] for m in a.mentions).items():
            article_entities.append(_line(pk, entity + 1, spans))
        for indicator, section, s, e, matched, defanged in a.sightings:
            sightings.append(
                # derived_from and note empty: the bench's sightings are indicators as written.
                _line(
                    pk,
                    indicator,
                    section,
                    s,
                    e,
                    matched,
                    defanged,
                    "indicators",
                    ctx.indicator_version,
                    "",
                    "",
                )
            )
        for ident, kind, value in a.new_indicators:
            indicators.append(_line(ident, kind, value, ""))
        if a.grant:
            grants.append(_line(pk, ctx.red_admin, None, processed))
    return Batch(
        start=start,
        end=end,
        articles="".join(articles),
        links={table: "".join(lines) for table, lines in links.items()},
        generate_seconds=time.perf_counter() - t0,
    )


def copy_batch(conn: psycopg.Connection, batch: Batch) -> None:
    """One transaction per batch: a load that stops keeps whole batches only."""
    with conn.transaction(), conn.cursor() as cur:
        copy_text(cur, "articles_article", ARTICLE_COLUMNS, batch.articles)
        for table, text in batch.links.items():
            if text:
                copy_text(cur, table, LINK_COLUMNS[table], text)


def copy_text(cur: psycopg.Cursor, table: str, columns: list[str], text: str) -> None:
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with cur.copy(statement) as copy:
        for at in range(0, len(text), 1 << 20):
            copy.write(text[at : at + (1 << 20)])


def produce(queue, gen: data.Generator, ctx: BatchContext, before: int, target: int) -> None:
    """The child process: renders batches ahead of the COPY (a bounded queue keeps memory flat)."""
    try:
        for start in range(before, target, BATCH):
            queue.put(render_batch(gen, start, min(start + BATCH, target), ctx))
        queue.put(None)
    except BaseException:
        import traceback

        queue.put(traceback.format_exc())


def load(conn: psycopg.Connection, target: int, users: dict[str, int], indexes: str) -> LoadReport:
    import multiprocessing

    before = current_count(conn)
    report = LoadReport(before=before, after=max(before, target))
    to_add = target - before
    if to_add <= 0:
        log(f"{before:,} articles already loaded: nothing to add")
        recreate_indexes(conn)  # an earlier load that stopped half way
        return report

    big = to_add >= 20_000 and to_add >= before
    if indexes == "drop" or (indexes == "auto" and big):
        already = pending_indexes(conn)
        dropped = drop_indexes(conn)
        report.dropped_indexes = True
        log(
            f"dropped {dropped} secondary indexes and unique constraints"
            + (f" ({already} still dropped from an interrupted load)" if already else "")
        )
    conn.execute("SET synchronous_commit = off")

    versions = processing_versions()
    machine = conn.execute("SELECT id - 1 FROM articles_tag WHERE name LIKE 'misp-galaxy:%'").fetchall()
    ctx = BatchContext(
        red_admin=users[RED_ADMIN],
        versions=versions,
        entity_version=json.loads(versions).get("entities", ""),
        indicator_version=json.loads(versions).get("indicators", ""),
        machine_tags=frozenset(r[0] for r in machine),
    )
    gen = generator(conn)
    # Python renders the rows in a child process while this one copies them in: the
    # server's work (the search vector trigger, foreign keys) overlaps the generation.
    mp = multiprocessing.get_context("fork")
    queue = mp.Queue(maxsize=2)
    child = mp.Process(target=produce, args=(queue, gen, ctx, before, target), daemon=True)
    child.start()
    started = time.perf_counter()
    last_report = started
    try:
        while True:
            batch = queue.get()
            if batch is None:
                break
            if isinstance(batch, str):
                raise SystemExit(f"generating articles failed:\n{batch}")
            copy_batch(conn, batch)
            report.generate_seconds += batch.generate_seconds
            now = time.perf_counter()
            if now - last_report > 10 or batch.end == target:
                rate = (batch.end - before) / (now - started)
                eta = (target - batch.end) / rate if rate else 0
                elapsed = now - started
                log(f"  {batch.end:>9,} articles  {rate:6.0f} articles/s  {elapsed:6.0f} s  eta {eta:5.0f} s")
                last_report = now
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
    report.seconds = time.perf_counter() - started
    set_sequences(conn, ["articles_article", "articles_story", "articles_indicator"])

    t0 = time.perf_counter()
    recreate_indexes(conn)
    report.index_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    for table in [*LOADED_TABLES, "articles_story"]:
        conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)))
    report.vacuum_seconds = time.perf_counter() - t0
    log(f"VACUUM ANALYZE: {report.vacuum_seconds:.1f} s")
    return report


def check_search_vectors(conn: psycopg.Connection, sample: int = 200) -> None:
    """The stored vectors are what the app's trigger makes: touch a sample, compare, roll back."""
    step = max(1, current_count(conn) // sample)
    with conn.transaction(force_rollback=True):
        conn.execute(
            "CREATE TEMP TABLE bench_vectors ON COMMIT DROP AS SELECT id, search_vector "
            "FROM articles_article WHERE id %% %s = 1 LIMIT %s",
            [step, sample],
        )
        conn.execute("UPDATE articles_article a SET title = a.title FROM bench_vectors b WHERE a.id = b.id")
        differ, total = conn.execute(
            "SELECT count(*) FILTER (WHERE a.search_vector IS DISTINCT FROM b.search_vector "
            "OR b.search_vector IS NULL), count(*) FROM articles_article a JOIN bench_vectors b USING (id)"
        ).fetchone()
    if differ:
        raise SystemExit(f"{differ} of {total} sampled search vectors differ from the app's trigger")
    log(f"search_vector: {total} sampled rows equal the app trigger's output")


def check_text_to_html() -> None:
    from articles.sanitize import text_to_html

    sample = "One para & <b>.\n\nTwo\nlines."
    if text_to_html(sample) != data.text_to_html(sample):
        raise SystemExit("articles.sanitize.text_to_html changed; update bench/scale_data.text_to_html")


def database_size(conn: psycopg.Connection) -> str:
    return conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]


# --- measuring -----------------------------------------------------------------------------

LIST_TARGET_MS = 50
RELEVANCE_TARGET_MS = 150
PAGE_TARGET_MS = 30
DASHBOARD_TARGET_MS = 100
NOTES_ON_ARTICLE = 20  # shared notes on the measured article: its notes panel is timed too
SAVED_SEARCHES = ("attack", "ransomware", "phishing", "vulnerability", "espionage")
WARMUP = 3
MEASURED = 20
# The measured requests of each row are spread over this many rounds through every row, so
# that a slow spell of the machine (a shared VM: its CPU time per request was seen to vary
# by a third from one minute to the next) lands on all rows a little rather than on one row's
# every request.
ROUNDS = 4


@dataclass
class Probe:
    name: str
    url: str | None  # None: not available (reported as n/a)
    target_ms: int
    per_user: dict[str, str] = field(default_factory=dict)  # user -> url when it differs
    note: str = ""

    def url_for(self, user: str) -> str | None:
        return self.per_user.get(user, self.url)


@dataclass
class Result:
    p50: float | None = None
    p95: float | None = None
    queries: int | None = None
    db_ms: float | None = None  # median time in SQL (as Django measures it)
    errors: list[str] = field(default_factory=list)
    note: str = ""
    timings: list[float] = field(default_factory=list, repr=False)
    query_counts: list[int] = field(default_factory=list, repr=False)
    db_times: list[float] = field(default_factory=list, repr=False)


def picks() -> dict[str, object]:
    """What the URLs are built from, read from the data."""
    from django.db import connection

    def one(query: str, params=()):
        with connection.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchone()

    # Set-up, not a measured request: on a cold cache the grouped counts below can take
    # longer than the portal's statement timeout (the entity one did at 1M).
    with connection.cursor() as cur:
        cur.execute("SET statement_timeout = 0")
    try:
        return _picks(one)
    finally:
        with connection.cursor() as cur:
            cur.execute("RESET statement_timeout")


def _picks(one) -> dict[str, object]:
    found: dict[str, object] = {}
    found["author"] = one(
        "SELECT a.slug, n FROM (SELECT author_id, count(*) n FROM articles_articleauthor GROUP BY author_id"
        " ORDER BY n DESC, author_id LIMIT 1) c JOIN articles_author a ON a.id = c.author_id"
    )
    found["rare_author"] = one(
        "SELECT a.slug, n FROM (SELECT author_id, count(*) n FROM articles_articleauthor GROUP BY author_id"
        " ORDER BY n, author_id LIMIT 1) c JOIN articles_author a ON a.id = c.author_id"
    )
    found["tag"] = one(
        "SELECT t.slug, n FROM (SELECT tag_id, count(*) n FROM articles_articletag GROUP BY tag_id"
        " ORDER BY n DESC, tag_id LIMIT 1) c JOIN articles_tag t ON t.id = c.tag_id"
    )
    # The search box's prefix and indicator probes: the most mentioned threat actor, an IP.
    found["actor"] = one(
        # MATERIALIZED: counted once. Inlined, the planner (expecting one threat actor) re-ran
        # the count over every link for each threat actor and took minutes at 1M.
        "WITH c AS MATERIALIZED (SELECT entity_id, count(*) n FROM articles_articleentity GROUP BY entity_id)"
        " SELECT e.name, c.n FROM c JOIN articles_entity e ON e.id = c.entity_id"
        " WHERE e.kind = 'threat-actor' ORDER BY c.n DESC, e.id LIMIT 1"
    ) or ("", 0)
    found["ip"] = one(
        "SELECT i.value, (SELECT count(DISTINCT s.article_id) FROM articles_sighting s"
        " WHERE s.indicator_id = i.id) FROM articles_indicator i WHERE i.type = 'ipv4' ORDER BY i.id LIMIT 1"
    ) or ("", 0)
    found["rare_tag"] = one(
        "SELECT t.slug, n FROM (SELECT tag_id, count(*) n FROM articles_articletag GROUP BY tag_id"
        " ORDER BY n, tag_id LIMIT 1) c JOIN articles_tag t ON t.id = c.tag_id"
    )
    found["source"] = one(
        "SELECT source_id, count(*) n FROM articles_article GROUP BY source_id"
        " ORDER BY n DESC, source_id LIMIT 1"
    )
    found["entity"] = one(
        "SELECT entity_id, count(DISTINCT article_id) n FROM articles_mention GROUP BY entity_id"
        " ORDER BY n DESC, entity_id LIMIT 1"
    )
    # An article both users may read, with many findings: the newest CLEAR ones, the richest.
    found["article"] = one(
        "SELECT a.id, (SELECT count(*) FROM articles_mention m WHERE m.article_id = a.id)"
        " + (SELECT count(*) FROM articles_sighting s WHERE s.article_id = a.id) AS n"
        " FROM (SELECT id FROM articles_article WHERE tlp = 'clear'"
        " ORDER BY published_at DESC, id DESC LIMIT 200) a ORDER BY n DESC, a.id LIMIT 1"
    )
    found["story"] = one(
        "SELECT story_id, count(*) n FROM articles_article WHERE story_id IS NOT NULL"
        " AND tlp IN ('clear', 'green') GROUP BY story_id ORDER BY n DESC, story_id DESC LIMIT 1"
    )
    return found


def ensure_workspace_data(found: dict[str, object]) -> None:
    """What an analyst's own work adds to the pages, made once per bench database: shared
    notes on the measured article (its notes panel), saved searches for both users (the
    list's sidebar and the dashboard count their new matches), a few stars and a visit
    under way with a previous one (the list counts what is new since)."""
    from django.utils import timezone

    from accounts.models import User
    from articles.models import Article
    from workspace import actions, annotations, saved_searches
    from workspace.models import Annotation, ListVisit, SavedSearch

    article = Article.objects.get(pk=found["article"][0])
    analyst = User.objects.get(username=ANALYST)
    missing = NOTES_ON_ARTICLE - Annotation.objects.filter(article=article).count()
    for n in range(max(0, missing)):
        annotations.create_note(article, analyst, f"Bench note {n}: **check** the indicators", shared=True)
    for username in (ANALYST, RED_ADMIN):
        user = User.objects.get(username=username)
        for word in SAVED_SEARCHES:
            if not SavedSearch.objects.filter(user=user, name=word).exists():
                saved_searches.save_search(user, word, f"q={word}")
        # Last opened three days before the newest article, so "new matches" has work to count.
        newest = Article.objects.visible_to(user).order_by("-published_at", "-id")
        latest = newest.values_list("published_at", flat=True).first()
        SavedSearch.objects.filter(user=user).update(last_opened_at=latest - dt.timedelta(days=3))
        actions.star(user, list(newest.values_list("pk", flat=True)[:10]))
        # A returning analyst: a visit under way whose previous one ended three days before
        # the newest article, so every list view counts "new since your last visit" (without
        # this row the count ran only after a bench user's 30-minute gap: runs differed by
        # four statements a page). The first measured view moves last_list_view_at on.
        ListVisit.objects.update_or_create(
            user=user,
            defaults={"last_list_view_at": timezone.now(), "new_since": latest - dt.timedelta(days=3)},
        )


def build_probes(found: dict[str, object]) -> list[Probe]:
    from django.urls import NoReverseMatch, reverse

    base = reverse("articles:list")
    word = data.COMMON_WORD

    def listing(**params) -> str:
        return f"{base}?{urlencode(params)}" if params else base

    filters = [
        ("TLP green", {"tlp": "green"}),
        ("prolific author", {"author": found["author"][0]}),
        ("most used tag", {"tag": found["tag"][0]}),
        ("busy source", {"source": found["source"][0]}),
        ("popular entity", {"entity": found["entity"][0]}),
        ("rare tag", {"tag": found["rare_tag"][0]}),
        ("rare author", {"author": found["rare_author"][0]}),
    ]
    probes = [
        Probe("list, first page", listing(), LIST_TARGET_MS),
        Probe("list, page 100", None, LIST_TARGET_MS, note="per user: 99 'Older' links followed"),
    ]
    for name, params in filters:
        probes.append(Probe(f"filter {name}", listing(**params), LIST_TARGET_MS))
    probes += [
        Probe(f'search phrase "{data.COMMON_PHRASE}"', listing(q=f'"{data.COMMON_PHRASE}"'), LIST_TARGET_MS),
        Probe(f"search word {word}", listing(q=word), LIST_TARGET_MS),
        Probe(f"search nothing ({data.NOTHING_WORD})", listing(q=data.NOTHING_WORD), LIST_TARGET_MS),
    ]
    # The search language (articles/search/): an entity by prefix, an indicator typed defanged.
    # Every word search above already renders its rows' snippets (one ts_headline query).
    actor, ip = found["actor"][0], found["ip"][0]
    probes += [
        Probe(
            f"search prefix actor:{actor}",
            listing(q=f'actor:"{actor}"') if actor else None,
            LIST_TARGET_MS,
            note="" if actor else "n/a (no threat actor in the data)",
        ),
        Probe(
            f"search prefix actor:{actor} + {word}",
            listing(q=f'actor:"{actor}" {word}') if actor else None,
            LIST_TARGET_MS,
            note="" if actor else "n/a (no threat actor in the data)",
        ),
        Probe(
            "search an IP (defanged)",
            listing(q=ip.rpartition(".")[0] + "[.]" + ip.rpartition(".")[2]) if ip else None,
            LIST_TARGET_MS,
            note="" if ip else "n/a (no IPv4 indicator in the data)",
        ),
    ]
    for name, params in filters:
        probes.append(Probe(f"filter {name} + {word}", listing(**params, q=word), LIST_TARGET_MS))
    probes += [
        Probe("article page", reverse("articles:detail", kwargs={"pk": found["article"][0]}), PAGE_TARGET_MS),
        Probe("author page", reverse("articles:author", kwargs={"slug": found["author"][0]}), PAGE_TARGET_MS),
        Probe("entity page", reverse("articles:entity", kwargs={"pk": found["entity"][0]}), PAGE_TARGET_MS),
        Probe("story page", reverse("articles:story", kwargs={"pk": found["story"][0]}), PAGE_TARGET_MS),
        Probe("search by relevance", None, RELEVANCE_TARGET_MS, note="n/a (not built yet)"),
        Probe("dashboard", None, DASHBOARD_TARGET_MS, note="n/a (not built yet)"),
    ]
    for name in ("dashboard", "articles:dashboard"):
        with contextlib.suppress(NoReverseMatch):
            probes[-1].url = reverse(name)
            probes[-1].note = ""
            break
    return probes


_ARTICLE_LINK = re.compile(r'href="/articles/(\d+)/"')
_OLDER_LINK = re.compile(r'rel="next" href="\?([^"]*)"')


def article_ids(html: str) -> list[str]:
    return list(dict.fromkeys(_ARTICLE_LINK.findall(html)))


def page_100_url(client, base: str) -> tuple[str | None, str]:
    import html as html_lib

    url = base
    for page in range(1, 100):
        response = client.get(url)
        if response.status_code != 200:
            return None, f"page {page}: HTTP {response.status_code}"
        match = _OLDER_LINK.search(response.content.decode())
        if not match:
            return None, f"no 'Older' link on page {page}"
        url = f"{base}?{html_lib.unescape(match.group(1))}"
    return url, ""


def relevance_url(client, base: str) -> str | None:
    """``?q=…&sort=relevance``, if the list orders by relevance when asked (it differs)."""
    plain = f"{base}?{urlencode({'q': data.COMMON_WORD})}"
    ranked = f"{base}?{urlencode({'q': data.COMMON_WORD, 'sort': 'relevance'})}"
    first, second = client.get(plain), client.get(ranked)
    if first.status_code != 200 or second.status_code != 200:
        return None
    if article_ids(first.content.decode()) != article_ids(second.content.decode()):
        return ranked
    return None


def time_url(
    client, url: str, *, warmup: int = WARMUP, measured: int = MEASURED, into: Result | None = None
) -> Result:
    """Request ``url`` ``warmup`` times untimed, then ``measured`` times timed, adding the
    timings to ``into`` (a new Result by default); ``summarize`` computes the figures."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    result = into if into is not None else Result()
    for n in range(warmup + measured):
        # The capture keeps the connection's query log (9,000 entries) from being cleared
        # between requests; past that its slices are wrong. Start each request empty.
        reset_queries()
        try:
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - t0) * 1000
            status = response.status_code
        except Exception as exc:  # a crash in the app is a result, not the end of the bench
            result.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            continue
        if status != 200:
            result.errors.append(f"HTTP {status}")
            continue
        if n >= warmup:
            result.timings.append(elapsed)
            result.query_counts.append(len(captured.captured_queries))
            result.db_times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    return summarize(result) if into is None else result


def summarize(result: Result) -> Result:
    if result.timings:
        timings = sorted(result.timings)
        result.p50 = statistics.median(timings)
        result.p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
        result.queries = max(result.query_counts)
        result.db_ms = statistics.median(result.db_times)
    return result


def measure(name: str) -> tuple[int, list[Probe], dict[str, dict[str, Result]]]:
    import logging

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User

    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # errors are counted instead
    logging.getLogger("axes").setLevel(logging.WARNING)  # force_login is a sign-in
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM articles_article")
        count = cur.fetchone()[0]
    started = time.perf_counter()
    found = picks()
    ensure_workspace_data(found)
    log(
        "measuring with: "
        + ", ".join(
            f"{k}={v[0]} ({v[1]} {'articles' if k not in {'article'} else 'findings'})"
            for k, v in found.items()
        )
        + f" ({time.perf_counter() - started:.1f} s to find them)"
    )
    probes = build_probes(found)
    # What a gunicorn worker does at start-up (intelportal/wsgi.py), so the requests meet the
    # garbage collector as they do in production.
    from intelportal.startup import prepare_worker

    log(f"worker prepared as intelportal/wsgi.py does: {prepare_worker():,} objects frozen for the GC")
    base = reverse("articles:list")
    results: dict[str, dict[str, Result]] = {}
    for username in (ANALYST, RED_ADMIN):
        user = User.objects.get(username=username)
        client = Client(raise_request_exception=False)
        client.force_login(user)
        t0 = time.perf_counter()
        url, problem = page_100_url(client, base)
        probes[1].per_user[username] = url
        if problem:
            probes[1].note = problem
        log(
            f"{username}: page 100 reached in {time.perf_counter() - t0:.1f} s"
            + (f" ({problem})" if problem else "")
        )
        ranked = relevance_url(client, base)
        relevance = next(p for p in probes if p.name == "search by relevance")
        if ranked:
            relevance.per_user[username] = ranked
            relevance.note = ""
        per_probe = {}
        for probe in probes:
            if probe.url_for(username) is None:
                per_probe[probe.name] = Result(note=probe.note or "n/a")
        for round_ in range(ROUNDS):
            for probe in probes:
                url = probe.url_for(username)
                if url is not None:
                    per_probe.setdefault(probe.name, Result())
                    time_url(
                        client,
                        url,
                        warmup=WARMUP if round_ == 0 else 0,
                        measured=MEASURED // ROUNDS + (round_ < MEASURED % ROUNDS),
                        into=per_probe[probe.name],
                    )
        results[username] = {name: summarize(result) for name, result in per_probe.items()}
        log(f"{username}: measured {len(probes)} requests in {time.perf_counter() - t0:.0f} s")
    return count, probes, results


def _cell(result: Result, target: int) -> tuple[str, str, str]:
    if result.p50 is None:
        text = result.note or ("ERR " + result.errors[0] if result.errors else "n/a")
        return text, "", ""
    flag = " !" if result.p95 > target else ""
    errors = f" ({len(result.errors)} err)" if result.errors else ""
    return f"{result.p50:7.1f}", f"{result.p95:7.1f}{flag}{errors}", str(result.queries)


def print_table(count: int, probes: list[Probe], results: dict[str, dict[str, Result]]) -> None:
    rows = []
    for probe in probes:
        a = _cell(results[ANALYST][probe.name], probe.target_ms)
        r = _cell(results[RED_ADMIN][probe.name], probe.target_ms)
        rows.append((probe.name, str(probe.target_ms), *a, *r))
    header = (
        "request",
        "target",
        "analyst p50",
        "analyst p95",
        "queries",
        "admin p50",
        "admin p95",
        "queries",
    )
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    log(
        f"\n{count:,} articles; ms per request (p50/p95 of {MEASURED} in {ROUNDS} rounds, "
        f"after {WARMUP} warm-up); '!' marks a p95 over its target"
    )
    fmt = " | ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    log(fmt.format(*header))
    log("-+-".join("-" * w for w in widths))
    for row in rows:
        log(fmt.format(*row))
    for username, per_probe in results.items():
        for name, result in per_probe.items():
            if result.errors:
                log(f"errors ({username}, {name}): {', '.join(sorted(set(result.errors)))}")


# --- concurrency ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.middleware import SEEN_KEY, STARTED_KEY

    store = SessionStore()
    now = int(time.time())
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[STARTED_KEY] = now
    store[SEEN_KEY] = now
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def concurrency(
    name: str, secret: str, urls: dict[str, list[str]], seconds: float = 20, clients: int = 8
) -> dict:
    from accounts.models import User

    tmp = Path(tempfile.mkdtemp(prefix="scale-bench-gunicorn-"))
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": secret,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url(name),
            "BEHIND_TLS_PROXY": "true",
            "TRUSTED_PROXY_COUNT": "1",
            "STATIC_ROOT": str(tmp / "static"),
            "INTELPORTAL_VAR_DIR": str(tmp / "var"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"collectstatic failed:\n{result.stdout}\n{result.stderr}")
    log_path = tmp / "gunicorn.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({process.returncode}):\n{log_path.read_text()[-3000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not listen within 60 s")
            time.sleep(0.2)
        users = [User.objects.get(username=u) for u in (ANALYST, RED_ADMIN)]
        sessions = [(users[n % 2].username, session_cookie(users[n % 2])) for n in range(clients)]
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = [0.0]
        warm_until = [0.0]

        def worker(n: int, username: str, cookie: str) -> None:
            mine = urls[username]
            conn = HTTPConnection("127.0.0.1", port, timeout=60)
            headers = {
                "Cookie": cookie,
                "Host": "127.0.0.1",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": f"203.0.113.{n + 1}",
            }
            k = n
            while time.monotonic() < stop_at[0]:
                url = mine[k % len(mine)]
                k += 1
                t0 = time.monotonic()
                try:
                    conn.request("GET", url, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except OSError as exc:
                    conn.close()
                    conn = HTTPConnection("127.0.0.1", port, timeout=60)
                    status = f"{type(exc).__name__}"
                elapsed = (time.monotonic() - t0) * 1000
                if t0 < warm_until[0]:
                    continue
                with lock:
                    if status == 200:
                        latencies.append(elapsed)
                    else:
                        errors.append(f"{status} {url}")
            conn.close()

        begin = time.monotonic()
        warm_until[0] = begin + 3
        stop_at[0] = begin + 3 + seconds
        threads = [
            threading.Thread(target=worker, args=(n, u, c), daemon=True) for n, (u, c) in enumerate(sessions)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        latencies.sort()
        done = len(latencies) + len(errors)
        report = {
            "clients": clients,
            "seconds": seconds,
            "requests": done,
            "requests_per_s": done / seconds,
            "p50_ms": statistics.median(latencies) if latencies else None,
            "p95_ms": latencies[max(0, round(0.95 * len(latencies)) - 1)] if latencies else None,
            "errors": len(errors),
            "workers": env.get("WEB_CONCURRENCY") or "gunicorn.conf.py default",
        }
        log(
            f"\nconcurrency: {clients} clients for {seconds:.0f} s, gunicorn ({report['workers']} workers): "
            f"{report['requests_per_s']:.1f} requests/s, p50 {report['p50_ms'] or 0:.0f} ms, "
            f"p95 {report['p95_ms'] or 0:.0f} ms, {len(errors)} errors"
        )
        for line in sorted(set(errors))[:10]:
            log(f"  error: {line}")
        return report
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        shutil.rmtree(tmp / "static", ignore_errors=True)
        log(f"gunicorn stopped (exit {process.returncode}); its log: {log_path}")


# --- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--articles", type=int, help="load up to this many articles (required unless --only-measure)"
    )
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="must contain 'bench'")
    parser.add_argument("--json", type=Path, help="write the results here")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--only-load", action="store_true")
    only.add_argument("--only-measure", action="store_true")
    parser.add_argument("--concurrency", action="store_true", help="also hammer gunicorn with 8 clients")
    parser.add_argument(
        "--indexes",
        choices=["auto", "drop", "keep"],
        default="auto",
        help="drop secondary indexes while loading: auto = when the load at least doubles the table",
    )
    args = parser.parse_args()
    if args.articles is None and not args.only_measure:
        parser.error("--articles is required (unless --only-measure)")

    ensure_database(args.database)
    migrate(args.database)
    secret = secrets.token_urlsafe(50)
    setup_django(args.database, secret)
    output: dict[str, object] = {}

    with psycopg.connect(database_url(args.database), autocommit=True) as conn:
        check_columns(conn)
        check_text_to_html()
        if not args.only_measure:
            t0 = time.perf_counter()
            ensure_shared(conn)
            users = ensure_users()
            report = load(conn, args.articles, users, args.indexes)
            total = time.perf_counter() - t0
            if report.after > report.before:
                check_search_vectors(conn)
            size = database_size(conn)
            added = report.after - report.before
            log(
                f"load: {report.before:,} -> {report.after:,} articles in {total:.0f} s "
                f"(copy {report.seconds:.0f} s, of which Python generation {report.generate_seconds:.0f} s; "
                f"indexes {report.index_seconds:.0f} s; vacuum analyze {report.vacuum_seconds:.0f} s)"
                + (f"; {added / report.seconds:.0f} articles/s while copying" if added else "")
                + f"; database size {size}"
            )
            output["load"] = {
                "before": report.before,
                "after": report.after,
                "total_s": round(total, 1),
                "copy_s": round(report.seconds, 1),
                "generate_s": round(report.generate_seconds, 1),
                "index_s": round(report.index_seconds, 1),
                "vacuum_s": round(report.vacuum_seconds, 1),
                "dropped_indexes": report.dropped_indexes,
                "database_size": size,
            }
        elif pending_indexes(conn):
            log("an earlier load stopped with indexes dropped: recreating them first")
            recreate_indexes(conn)
        output["database_size"] = database_size(conn)

    if args.only_load:
        _write_json(args.json, output)
        return

    count, probes, results = measure(args.database)
    print_table(count, probes, results)
    output["articles"] = count
    output["requests"] = {
        f"{probe.name} ({'analyst' if user == ANALYST else 'admin'})": _result_json(
            results[user][probe.name], probe
        )
        for user in (ANALYST, RED_ADMIN)
        for probe in probes
    }
    if args.concurrency:
        urls = {}
        for user in (ANALYST, RED_ADMIN):
            urls[user] = [
                probe.url_for(user)
                for probe in probes
                if probe.url_for(user) and probe.target_ms == LIST_TARGET_MS and probe.name != "dashboard"
            ]
        output["concurrency"] = concurrency(args.database, secret, urls)
    _write_json(args.json, output)


def _result_json(result: Result, probe: Probe) -> dict:
    if result.p50 is None:
        return {
            "p50_ms": None,
            "p95_ms": None,
            "queries": None,
            "note": result.note or "error",
            "errors": result.errors[:3],
        }
    return {
        "p50_ms": round(result.p50, 1),
        "p95_ms": round(result.p95, 1),
        "queries": result.queries,
        "db_ms": round(result.db_ms, 1),
        "target_ms": probe.target_ms,
        "over_target": result.p95 > probe.target_ms,
        "errors": len(result.errors),
    }


def _write_json(path: Path | None, output: dict) -> None:
    if path:
        path.write_text(json.dumps(output, indent=2) + "\n")
        log(f"wrote {path}")


if __name__ == "__main__":
    main()
