"""How fast the JSON API answers on a scale-bench database (bench/scale.py loads one).

    python bench/api_speed.py [--database intelportal_bench_100k] [--json results.json]

Signs in nothing: it issues a read token for each of the scale bench's users
(``bench-analyst``, GREEN; ``bench-red-admin``, RED with grants) — revoked again at the end —
and sends every request through ``django.test.Client`` with ``Authorization: Bearer``,
3 times to warm up, then 20 times timed: p50 and p95 in ms and the SQL queries of one request.
The URLs are built from the data as scale.py builds the list page's (the busiest source, the
most used tag, the most mentioned entity, …), so the rows compare with its table (target:
50 ms p95, like the HTML list). Only the ``api`` app is migrated on the database (its token
table); nothing else is written.
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
import scale  # noqa: E402 (bench/scale.py: the data's picks)

WARM, TIMED = 3, 20
TARGET_MS = 50


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="intelportal_bench_100k")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    api_bench.prepare(args.database, "api-speed-bench-not-secret")

    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from api.tokens import issue_token, revoke_token

    found = scale.picks()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM articles_article")
        (count,) = cur.fetchone()
    v1 = "/api/v1"
    probes = [
        ("articles, first page", f"{v1}/articles/", {}),
        ("articles, page 10", None, {}),
        ("articles ?tlp=green", f"{v1}/articles/", {"tlp": "green"}),
        ("articles ?source=", f"{v1}/articles/", {"source": found["source"][0]}),
        ("articles ?tag= (most used)", f"{v1}/articles/", {"tag": found["tag"][0]}),
        ("articles ?tag= (rarest)", f"{v1}/articles/", {"tag": found["rare_tag"][0]}),
        ("articles ?author=", f"{v1}/articles/", {"author": found["author"][0]}),
        ("articles ?entity=", f"{v1}/articles/", {"entity": found["entity"][0]}),
        ("articles ?q=attack", f"{v1}/articles/", {"q": "attack"}),
        ("articles ?q=actor:…", f"{v1}/articles/", {"q": f'actor:"{found["actor"][0]}"'}),
        ("articles ?q=<ip>", f"{v1}/articles/", {"q": found["ip"][0]}),
        ("article detail", f"{v1}/articles/{found['article'][0]}/", {}),
        ("entities", f"{v1}/entities/", {}),
        ("indicators", f"{v1}/indicators/", {}),
        ("indicators ?type=ipv4&derived=false", f"{v1}/indicators/", {"type": "ipv4", "derived": "false"}),
        ("stories", f"{v1}/stories/", {}),
        ("story detail", f"{v1}/stories/{found['story'][0]}/", {}),
        ("briefs", f"{v1}/briefs/", {}),
    ]
    results: dict[str, dict[str, dict]] = {}
    tokens = []
    try:
        for username in ("bench-analyst", "bench-red-admin"):
            user = User.objects.get(username=username)
            token, plain = issue_token(user, name="api speed bench")
            tokens.append((token, user))
            client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
            page10 = f"{v1}/articles/"
            for _ in range(9):
                page10 = client.get(page10).json()["next"] or page10
            for name, path, params in probes:
                url, query = (page10, {}) if path is None else (path, params)
                timed = api_bench.time_request(client, url, query, warm=WARM, timed=TIMED)
                timed.pop("response")
                results.setdefault(name, {})[username] = timed
    finally:
        for token, user in tokens:
            revoke_token(token, by=user)
    print(f"{count:,} articles ({args.database}); p50 / p95 ms, queries; target p95 {TARGET_MS} ms")
    print(f"{'request':40} {'bench-analyst (GREEN)':>24} {'bench-red-admin (RED)':>24}")
    for name, by_user in results.items():
        cells = []
        for username in ("bench-analyst", "bench-red-admin"):
            r = by_user[username]
            flag = " !" if r["p95_ms"] > TARGET_MS else ""
            errs = f" {r['errors']} errors" if r["errors"] else ""
            cells.append(f"{r['p50_ms']:>6} / {r['p95_ms']:>6}, {r['queries']:>2}q{flag}{errs}")
        print(f"{name:40} {cells[0]:>24} {cells[1]:>24}")
    if args.json:
        args.json.write_text(json.dumps({"articles": count, "results": results}, indent=2))


if __name__ == "__main__":
    main()
