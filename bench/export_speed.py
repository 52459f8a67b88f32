"""Exporting N indicators as a STIX bundle and as a CSV blocklist: time and peak memory.

    DEBUG=true python bench/export_speed.py [--indicators 10000 1000] [--per-article 100]

Builds a throwaway test database (SQLite, or PostgreSQL with DATABASE_URL) holding
``--indicators`` distinct IPv4 values, ``--per-article`` to an article, all TLP:CLEAR, then
consumes the same generators the views stream (``stix.bundle_chunks`` over a search scope,
``blocklists.csv_chunks``) without keeping the output. Each size is timed once without
tracemalloc, and once under tracemalloc for the peak of Python allocations. Constant memory
means the peak does not grow with N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def fill(count: int, per_article: int) -> object:
    from accounts.services import create_user
    from articles.models import Article, Indicator, Sighting, Source

    Sighting.objects.all().delete()
    Article.objects.all().delete()
    Indicator.objects.all().delete()
    source, _ = Source.objects.get_or_create(name="Bench source")
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    articles = Article.objects.bulk_create(
        Article(
            source=source,
            guid=f"bench-{n}",
            title=f"Bench article {n}",
            published_at=start + dt.timedelta(hours=n),
            content_hash=f"{n:064d}",
            processing_status="done",
        )
        for n in range((count + per_article - 1) // per_article)
    )
    values = [f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in range(count)]
    Indicator.objects.bulk_create((Indicator(type="ipv4", value=v) for v in values), batch_size=2000)
    ids = dict(Indicator.objects.values_list("value", "pk"))
    Sighting.objects.bulk_create(
        (
            Sighting(
                article=articles[n // per_article],
                indicator_id=ids[v],
                start=0,
                end=len(v),
                matched=v,
                enricher="bench",
                enricher_version="1",
            )
            for n, v in enumerate(values)
        ),
        batch_size=2000,
    )
    user = getattr(fill, "user", None) or create_user(
        "bench", role="analyst", clearance="clear", password=None
    )
    fill.user = user
    return user


def stix_export(user) -> int:
    from django.http import QueryDict

    from api.exports import scope, stix

    articles, _ = scope.search_scope(user, QueryDict(""))
    report = stix.report_for_search("", dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    return sum(len(chunk) for chunk in stix.bundle_chunks(articles, report))


def csv_export(user) -> int:
    from api.exports import blocklists

    filters = blocklists.BlocklistFilters()
    sightings = blocklists.sightings_for(user, "ipv4", filters)
    return sum(len(chunk) for chunk in blocklists.csv_chunks(sightings, "ipv4"))


def measure(function, user) -> tuple[float, int, float]:
    started = time.perf_counter()
    size = function(user)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    function(user)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, size, peak / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--per-article", type=int, default=100)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor}")
        print(f"{'indicators':>10}  {'format':<6} {'seconds':>8} {'output MB':>10} {'peak MB':>8}")
        for count in args.indicators:
            user = fill(count, args.per_article)
            for name, function in (("stix", stix_export), ("csv", csv_export)):
                seconds, size, peak = measure(function, user)
                print(f"{count:>10,}  {name:<6} {seconds:>8.2f} {size / 1024 / 1024:>10.1f} {peak:>8.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
