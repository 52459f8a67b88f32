"""Collection speed: poll N local feeds of M entries each, the way one worker process does.

    python bench/collection_speed.py [--feeds 200] [--entries 50] [--runs 3]

Serves generated RSS feeds from a real HTTP server on 127.0.0.1 (the fetch goes
through the guarded ``fetch`` with FETCH_ALLOW_NETWORKS=127.0.0.0/8), creates one
source per feed in a fresh database, and calls the collector's ``poll`` for each
source in turn — fetch, parse, sanitize, upsert, story grouping — with the
enrichment tasks queued to a file-system broker nobody consumes (enrichment has
its own bench). Prints wall time, articles ingested per second, the median poll
time per feed, and this process's peak RSS. Set DATABASE_URL to measure on
PostgreSQL — it must name a scratch database whose name contains "bench", because
the bench migrates and flushes it; by default a temporary SQLite file is used.

Each run starts from an empty database; a second pass over the same feeds shows
the cost of an unchanged re-poll (ETag → 304 is off here on purpose: the server
sends no validators, so every entry is re-parsed and compared).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Distinct stories need distinct words: texts drawn from a handful of words would all be
# near duplicates of each other and land in one giant story, which real feeds never do.
_SYLLABLES = [
    "ra",
    "so",
    "mi",
    "ke",
    "tu",
    "lan",
    "dor",
    "vex",
    "qui",
    "bal",
    "zen",
    "cor",
    "fy",
    "wex",
    "ptal",
]
WORDS = sorted({"".join(random.Random(n).choices(_SYLLABLES, k=3)) for n in range(6000)})


def make_feed(feed: int, entries: int, rng: random.Random) -> bytes:
    items = []
    for n in range(entries):
        body = " ".join(rng.choice(WORDS) for _ in range(320))  # about 2.5 KB of text
        items.append(
            f"<item><title>Feed {feed} story {n}: {escape(body[:60])}</title>"
            f"<link>https://feed{feed}.example/{n}?utm_source=rss</link>"
            f"<guid isPermaLink='false'>f{feed}-{n}</guid>"
            f"<pubDate>Mon, 0{1 + n % 9} Jun 2026 10:{n % 60:02d}:00 GMT</pubDate>"
            f"<category>bench</category><description>{escape('<p>' + body + '</p>')}</description></item>"
        )
    return (
        "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
        f"<title>Feed {feed}</title><link>https://feed{feed}.example/</link>{''.join(items)}</channel></rss>"
    ).encode()


def serve(feeds: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = feeds.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="collection-bench-"))
    os.environ.update(
        {
            "DEBUG": "true",
            "INTELPORTAL_VAR_DIR": str(workdir),
            "FETCH_ALLOW_NETWORKS": "127.0.0.0/8",
            "DJANGO_SETTINGS_MODULE": "intelportal.settings",
        }
    )
    os.environ.pop("REDIS_URL", None)
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url and "bench" not in database_url.rsplit("/", 1)[-1]:
        raise SystemExit(
            "DATABASE_URL must name a scratch database with 'bench' in its name (it is flushed)."
        )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries

    from articles.ingest.collector import poll
    from articles.models import Article, Source

    rng = random.Random(7)
    feeds = {f"/feed{n}.xml": make_feed(n, args.entries, rng) for n in range(args.feeds)}
    server, base = serve(feeds)
    print(
        f"{args.feeds} feeds x {args.entries} entries, {sum(map(len, feeds.values())) / 1e6:.1f} MB of XML, "
        f"database: {connection.vendor}"
    )

    first_rates, repoll_rates, per_feed = [], [], []
    for run in range(args.runs):
        if not run:
            call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)  # a scratch database may hold an old run
        sources = [
            Source.objects.create(name=f"bench {n}", kind="rss", url=f"{base}/feed{n}.xml")
            for n in range(args.feeds)
        ]
        started = time.perf_counter()
        for source in sources:
            t0 = time.perf_counter()
            report = poll(source.pk, force=True)
            per_feed.append(time.perf_counter() - t0)
            reset_queries()  # DEBUG's query log would hold every statement's text (a worker has none)
            if report.status != "ok":
                raise SystemExit(f"poll failed: {report.line()}")
        wall = time.perf_counter() - started
        ingested = Article.objects.count()
        first_rates.append(ingested / wall)
        started = time.perf_counter()
        for source in sources:
            poll(source.pk, force=True)
            reset_queries()
        repoll_rates.append(ingested / (time.perf_counter() - started))
        print(f"run {run + 1}: {ingested} articles in {wall:.1f} s")
    server.shutdown()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"first poll:   median {statistics.median(first_rates):7.0f} articles/s "
        f"(wall for {args.feeds} feeds: {args.feeds * args.entries / statistics.median(first_rates):.1f} s)"
    )
    print(f"re-poll:      median {statistics.median(repoll_rates):7.0f} articles/s (all unchanged)")
    print(
        f"per feed:     median {statistics.median(per_feed) * 1000:7.0f} ms "
        f"to fetch, parse and store {args.entries} entries"
    )
    print(f"peak RSS:     {peak_mb:7.0f} MB (one process acting as the worker; no enrichment data loaded)")


if __name__ == "__main__":
    main()
