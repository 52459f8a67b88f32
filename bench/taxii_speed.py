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
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import api_bench  # noqa: E402 (bench/api_bench.py: the database, one request timed)

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
    api_bench.prepare(args.database, "taxii-speed-bench-not-secret")

    from django.db import connection
    from django.test import Client

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
                timed = api_bench.time_request(client, url, query, warm=WARM, timed=args.timed)
                response = timed.pop("response")
                ok = response is not None and response.status_code == 200
                timed["objects"] = len(response.json().get("objects", [])) if ok else 0
                results.setdefault(name, {})[username] = timed
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
