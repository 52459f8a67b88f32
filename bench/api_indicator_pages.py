"""The API's indicator list: one page's query for each filter, timed on a scale-bench database.

    DEBUG=true python bench/api_indicator_pages.py [--database intelportal_bench_100k]
                                                   [--filters '[{"type": "ipv4"}]'] [--explain]

Builds the queryset ``IndicatorList`` builds for ``bench-analyst`` (GREEN) and
``bench-red-admin`` (RED), takes its first page (51 rows, newest first, as the cursor
paginator asks), runs it 7 times and prints the median ms and the rows found; ``--explain``
adds PostgreSQL's EXPLAIN ANALYZE of each. ``api_speed.py`` times whole requests; this
isolates the one query whose plan depends on how the filters are written.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale  # noqa: E402

DEFAULT_FILTERS = [
    {},
    {"type": "ipv4"},
    {"type": "ipv4", "derived": "false"},
    {"type": "email", "benign": "false", "derived": "false"},
    {"derived": "false"},
    {"derived": "true"},
    {"benign": "true"},
    {"since": "2026-11-01"},
    {"q": "evil"},
    {"q": "com"},  # a part many values share
    {"q": "ev"},  # shorter than a trigram: the index cannot serve it
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="intelportal_bench_100k")
    parser.add_argument(
        "--filters", type=json.loads, default=DEFAULT_FILTERS, help="a JSON list of query dicts"
    )
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    scale.setup_django(args.database, "api-indicator-bench-not-secret")

    from django.db import connection
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from accounts.models import User
    from api.views.intel import IndicatorList

    factory = APIRequestFactory()
    for username in ("bench-analyst", "bench-red-admin"):
        user = User.objects.get(username=username)
        for params in args.filters:
            request = Request(factory.get("/api/v1/indicators/", params))
            request.user = user
            view = IndicatorList()
            view.request, view.kwargs, view.format_kwarg = request, {}, None
            page = view.get_queryset().order_by("-id")[:51]
            times = []
            for _ in range(7):
                started = time.perf_counter()
                rows = list(page.all())
                times.append((time.perf_counter() - started) * 1000)
            print(
                f"{username:16} {json.dumps(params):60} {statistics.median(times):8.1f} ms {len(rows):3} rows"
            )
            if args.explain:
                sql, sql_params = page.query.sql_with_params()
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN ANALYZE " + sql, sql_params)
                    print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
