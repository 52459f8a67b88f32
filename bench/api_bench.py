"""What the token-authenticated benches (api_speed.py, taxii_speed.py) share: a scale-bench
database made ready for tokens, and one request timed the same way in each."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import scale  # noqa: E402 (bench/scale.py: database helpers)


def prepare(database: str, secret: str) -> None:
    """Set Django up on ``database`` (loaded by scale.py) with only the ``api`` app migrated
    there (its token table); nothing else is written."""
    scale.ensure_database(database)
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "api", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=scale.django_env(database),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"migrate api failed:\n{done.stdout}\n{done.stderr}")
    scale.setup_django(database, secret)


def time_request(client, url: str, query: dict, *, warm: int, timed: int) -> dict:
    """``warm`` untimed requests, then ``timed`` ones: p50 and p95 in ms, the SQL queries of
    one more request, the non-200 answers, and the last answer (for what it served)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm):
        client.get(url, query)
    times, errors, response = [], 0, None
    for _ in range(timed):
        started = time.perf_counter()
        response = client.get(url, query)
        times.append((time.perf_counter() - started) * 1000)
        errors += response.status_code != 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url, query)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "queries": len(queries.captured_queries),
        "errors": errors,
        "response": response,
    }
