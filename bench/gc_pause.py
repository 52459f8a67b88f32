"""How long a full garbage collection stops a web worker, with and without the start-up freeze.

    DEBUG=true python bench/gc_pause.py --database intelportal_bench_10k [--rounds 3]

Needs a database loaded by ``bench/scale.py``. Each variant runs in its own process:
Django set up as a worker is, then (``prepared``) ``intelportal.startup.prepare_worker``
as ``intelportal/wsgi.py`` calls it, then every page of the scale bench served once as the
RED admin per round, then ``gc.collect()`` timed five times. Python starts such a full
collection on its own every few hundred requests, inside whichever request is running, so
its length is added to that request. Prints, per variant, the objects the collector walks
and the median and longest collection.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VARIANTS = ("plain", "prepared")


def run_variant(database: str, variant: str, rounds: int) -> None:
    from bench.scale import RED_ADMIN, build_probes, picks, signed_in_client

    client = signed_in_client(database, RED_ADMIN)
    if variant == "prepared":
        from intelportal.startup import prepare_worker

        prepare_worker()
    probes = build_probes(picks())
    pauses = []
    for _ in range(rounds):
        for probe in probes:
            url = probe.url_for(RED_ADMIN)
            if url is not None:
                client.get(url)
        for _ in range(5):
            started = time.perf_counter()
            gc.collect()
            pauses.append((time.perf_counter() - started) * 1000)
    print(
        f"{variant:9} walks {len(gc.get_objects()):>9,} objects ({gc.get_freeze_count():,} frozen);"
        f" full collection median {statistics.median(pauses):6.1f} ms, longest {max(pauses):6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        run_variant(args.database, args.variant, args.rounds)
        return
    for variant in VARIANTS:
        command = [sys.executable, __file__, "--database", args.database, "--rounds", str(args.rounds)]
        subprocess.run([*command, "--variant", variant], check=True)


if __name__ == "__main__":
    main()
