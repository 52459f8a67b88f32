"""The article list's Python, request by request, for an A/B of two checkouts.

    python bench/list_python.py --database intelportal_bench_10k [--requests 10] [--mode cpu]
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=builtin_exec \\
        --dump-after=builtin_exec python bench/list_python.py --database … --mode exec

Requests the list page and its filtered and search variants (built from ``scale.picks()``)
with django.test.Client, signed in as ``--user``, after three warm-ups each. ``--mode cpu``
prints each URL's median process CPU per request (the Django side: the server's SQL work
is not in it), its query count and its size. ``--mode exec`` runs each URL's requests in
an ``exec()``: under the callgrind command above only they are counted, one dump file per
URL, in the order printed by ``--mode cpu`` (instructions are steady on a busy machine,
where the wall clock is not). Run it from each checkout (a worktree for the baseline)
against the same database. The process is prepared as a gunicorn worker is
(``intelportal.startup.prepare_worker``) unless ``--unprepared``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale


def urls(found: dict[str, object]) -> list[str]:
    return [
        "/articles/",
        f"/articles/?source={found['source'][0]}",
        f"/articles/?tag={found['tag'][0]}&q=attack",
        "/articles/?q=attack",
        f"/articles/?entity={found['entity'][0]}",
        "/articles/?tlp=green",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=scale.DEFAULT_DATABASE)
    parser.add_argument("--user", default=scale.ANALYST, choices=[scale.ANALYST, scale.RED_ADMIN])
    parser.add_argument("--requests", type=int, default=10, help="per URL")
    parser.add_argument("--mode", choices=["cpu", "exec"], default="cpu")
    parser.add_argument(
        "--unprepared",
        action="store_true",
        help="skip intelportal.startup.prepare_worker (which intelportal/wsgi.py and scale.py call)",
    )
    args = parser.parse_args()
    client = scale.signed_in_client(args.database, args.user)
    if not args.unprepared:
        from intelportal.startup import prepare_worker

        prepare_worker()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages = urls(scale.picks())
    for url in pages:
        for _ in range(3):  # connection, compiled templates, caches
            client.get(url)
    for url in pages:
        if args.mode == "exec":
            # callgrind's --toggle-collect=builtin_exec counts what runs inside exec() only.
            exec("for _ in range(args.requests): client.get(url)")  # noqa: S102
            continue
        spent = []
        for _ in range(args.requests):
            started = time.process_time()
            client.get(url)
            spent.append((time.process_time() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        print(
            f"{statistics.median(spent):7.2f} ms CPU  {len(captured.captured_queries):2d} queries  "
            f"{len(response.content):7,d} bytes  {url}"
        )


if __name__ == "__main__":
    main()
