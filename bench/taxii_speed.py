"""How fast a TAXII 2.1 collection pages on a scale-bench database (bench/scale.py loads one).

    python bench/taxii_speed.py [--database intelportal_bench_100k] [--timed 10] [--json out.json]

Issues a read token for the scale bench's users (``bench-analyst``, GREEN; ``bench-red-admin``,
RED with grants; revoked again at the end) and asks the GREEN collection for pages of 100
objects through ``django.test.Client``: the first page (the oldest articles, which have the
most later articles to compare versions with), a page from the middle and one near the end
(``added_after``), the manifest's first page, and the first page with ``match[version]=all``
(no version filtering: what the version rule costs is the difference). 2 warm-up requests,
then ``--timed``; p50 and p95 in ms and the SQL queries of one request. Only the ``api`` app
is migrated on the database (its token table); nothing else is written.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import scale  # noqa: E402 (bench/scale.py: database helpers)

WARM = 2
USERS = ("bench-analyst", "bench-red-admin")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="intelportal_bench_100k")
    parser.add_argument("--timed", type=int, default=10)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    scale.ensure_database(args.database)
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "api", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=scale.django_env(args.database),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"migrate api failed:\n{done.stdout}\n{done.stderr}")
    scale.setup_django(args.database, "taxii-speed-bench-not-secret")

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from api.exports import taxii
    from api.tokens import issue_token, revoke_token

    collection = f"/api/v1/taxii2/root/collections/{taxii.collection_id('green')}"
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM articles_article")
        (count,) = cur.fetchone()
        # Dates added of the GREEN articles at the middle and near the end of the collection.
        cur.execute(
            "SELECT percentile_disc(ARRAY[0.5, 0.999]) WITHIN GROUP "
            "(ORDER BY COALESCE(processed_at, ingested_at)) FROM articles_article WHERE tlp = 'green'"
        )
        (middle, near_end) = cur.fetchone()[0]
    probes = [
        ("objects, first page", f"{collection}/objects/", {"limit": 100}),
        ("objects, middle", f"{collection}/objects/", {"limit": 100, "added_after": taxii.timestamp(middle)}),
        (
            "objects, near the end",
            f"{collection}/objects/",
            {"limit": 100, "added_after": taxii.timestamp(near_end)},
        ),
        ("manifest, first page", f"{collection}/manifest/", {"limit": 100}),
        (
            "objects, first page, version=all",
            f"{collection}/objects/",
            {"limit": 100, "match[version]": "all"},
        ),
    ]
    results: dict[str, dict[str, dict]] = {}
    tokens = []
    try:
        for username in USERS:
            user = User.objects.get(username=username)
            token, plain = issue_token(user, name="taxii speed bench")
            tokens.append((token, user))
            client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}", HTTP_ACCEPT=taxii.MEDIA_TYPE)
            for name, url, query in probes:
                for _ in range(WARM):
                    client.get(url, query)
                times, errors, served = [], 0, 0
                for _ in range(args.timed):
                    started = time.perf_counter()
                    response = client.get(url, query)
                    times.append((time.perf_counter() - started) * 1000)
                    errors += response.status_code != 200
                    served = len(response.json().get("objects", [])) if response.status_code == 200 else 0
                with CaptureQueriesContext(connection) as queries:
                    client.get(url, query)
                times.sort()
                results.setdefault(name, {})[username] = {
                    "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
                    "queries": len(queries.captured_queries),
                    "objects": served,
                    "errors": errors,
                }
    finally:
        for token, user in tokens:
            revoke_token(token, by=user)
    print(
        f"{count:,} articles ({args.database}); GREEN collection, pages of 100;"
        " p50 / p95 ms, queries, objects"
    )
    print(f"{'request':36} {'bench-analyst (GREEN)':>30} {'bench-red-admin (RED)':>30}")
    for name, by_user in results.items():
        cells = []
        for username in USERS:
            r = by_user[username]
            errs = f" {r['errors']} errors" if r["errors"] else ""
            cells.append(f"{r['p50_ms']:>7} / {r['p95_ms']:>7}, {r['queries']:>3}q {r['objects']:>3}o{errs}")
        print(f"{name:36} {cells[0]:>30} {cells[1]:>30}")
    if args.json:
        args.json.write_text(json.dumps({"articles": count, "results": results}, indent=2))


if __name__ == "__main__":
    main()
