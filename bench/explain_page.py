"""Where one page's time goes on a scale-bench database: its SQL, timed and explained.

    python bench/explain_page.py --database intelportal_bench_1m [--user bench-analyst]
                                 [--runs 10] [--explain 3] [--profile] URL

Requests URL with django.test.Client signed in as ``--user`` (the scale bench's users:
bench-analyst, GREEN; bench-red-admin, RED), ``--runs`` times after one warm-up, and prints
the median total time, the median time in SQL and the rest (Python). Then each SQL
statement of the last run with its time, and EXPLAIN (ANALYZE, BUFFERS) of the ``--explain``
slowest, run in a transaction that is rolled back. ``--profile`` adds the 30 most
expensive functions of ``--runs`` more requests under cProfile (summed).

It reads nothing the scale bench did not write and changes nothing; use it to see why a
row of ``bench/scale.py``'s table is over its target.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="path and query, e.g. '/articles/?q=attack'")
    parser.add_argument("--database", default=scale.DEFAULT_DATABASE)
    parser.add_argument("--user", default=scale.ANALYST, choices=[scale.ANALYST, scale.RED_ADMIN])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--explain", type=int, default=3, help="how many of the slowest statements")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--profile-out", metavar="FILE", help="with --profile: also write the raw stats (pstats) to FILE"
    )
    args = parser.parse_args()
    client = scale.signed_in_client(args.database, args.user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(args.url)  # warm-up: connection, caches, compiled templates

    totals, in_sql = [], []
    for _ in range(max(1, args.runs)):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(args.url)
            totals.append((time.perf_counter() - started) * 1000)
        in_sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    total, sql_ms = statistics.median(totals), statistics.median(in_sql)
    print(
        f"HTTP {response.status_code}; median of {len(totals)}: {total:.1f} ms total, "
        f"{sql_ms:.1f} ms in SQL, {total - sql_ms:.1f} ms elsewhere"
    )
    queries = captured.captured_queries
    print(f"\n{len(queries)} statements in the last run:")
    for n, query in enumerate(queries, 1):
        print(f"{n:3}. {float(query['time']) * 1000:7.2f} ms  {query['sql'][:160]}")

    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[: args.explain]
    for query in slowest:
        statement = query["sql"]
        if not statement.lstrip().upper().startswith("SELECT"):
            continue
        print(f"\n--- {float(query['time']) * 1000:.2f} ms: {statement[:400]}")
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
            try:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
                for (line,) in cursor.fetchall():
                    print(line)
            finally:
                cursor.execute("ROLLBACK")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.runs):  # summed over the runs: steadier than one request
            client.get(args.url)
        profiler.disable()
        if args.profile_out:
            profiler.dump_stats(args.profile_out)  # for pstats: callers, callees
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(30)
        # The project's own functions, where a page's time is usually decided.
        stats.sort_stats("cumulative").print_stats(r"/(articles|workspace|accounts|audit|intelportal)/", 40)
        stats.sort_stats("tottime").print_stats(45)
        print(out.getvalue())


if __name__ == "__main__":
    main()
