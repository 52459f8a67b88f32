"""Indicator extraction against public Python IOC extractors, on the same documents.

    python bench/extractor_peers.py [--articles 200] [--runs 3] [--seed 7]

The documents are those of ``enrichment_speed.py`` (about 5 KB of prose with
plain and defanged IPs, URLs, domains, hashes, e-mail addresses and CVEs).
Each extractor is called the way its README shows, on each document's text:

- ours: ``IndicatorExtractor().run`` (refanging, validation, derived hosts,
  warning lists), the pipeline's indicator stage;
- ioc-finder: ``ioc_finder.find_iocs(text)``;
- iocsearcher: ``Searcher().search_raw(text)``.

The peers are bench-only dependencies (``bench/requirements-peers.txt``); one
that is not installed is reported and skipped. After one untimed pass over 20
documents (lazy tables, regex caches), rounds are interleaved (each round runs
every extractor once), so a slow spell of a shared machine hits them
all alike; the rate printed is the median of ``--runs`` rounds, in one process
(per core). The last line is the ratio of our rate to the fastest peer's.
The finding counts are there to show each extractor did its work, not to
compare quality: the types and rules differ (see docs/indicators.md).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from enrichment_speed import generate  # noqa: E402

from articles.enrichment.indicators import IndicatorExtractor  # noqa: E402

INSTALL_HINT = "pip install -r bench/requirements-peers.txt"


def _ours() -> tuple[Callable[[str], Any], Callable[[Any], int]]:
    from articles.enrichment.types import Document

    extractor = IndicatorExtractor()
    return (lambda text: extractor.run(Document(text=text))), len


def _ioc_finder() -> tuple[Callable[[str], Any], Callable[[Any], int]]:
    from ioc_finder import find_iocs

    def count(found: dict[str, Any]) -> int:
        # Flat lists per type, except a few nested dicts (ATT&CK, registry keys).
        return sum(len(values) for values in found.values())

    return find_iocs, count


def _iocsearcher() -> tuple[Callable[[str], Any], Callable[[Any], int]]:
    from iocsearcher.searcher import Searcher

    searcher = Searcher()
    return searcher.search_raw, len


EXTRACTORS: dict[str, Callable[[], tuple[Callable[[str], Any], Callable[[Any], int]]]] = {
    "ours": _ours,
    "ioc-finder": _ioc_finder,
    "iocsearcher": _iocsearcher,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    texts = [doc.text for doc in generate(args.articles, args.seed)]
    mean_kb = statistics.mean(len(text.encode()) for text in texts) / 1000
    print(f"corpus          {len(texts)} articles, mean {mean_kb:.1f} KB, seed {args.seed}")

    loaded: dict[str, tuple[Callable[[str], Any], Callable[[Any], int]]] = {}
    for name, load in EXTRACTORS.items():
        started = time.perf_counter()
        try:
            loaded[name] = load()
        except ImportError as error:
            print(f"{name:<15} not installed ({error.name}): skipped; {INSTALL_HINT}")
            continue
        print(f"{name:<15} loaded in {time.perf_counter() - started:.2f} s")

    # A first, untimed pass: lazy tables and regex caches fill here, as in a long-lived worker.
    for extract, _ in loaded.values():
        for text in texts[:20]:
            extract(text)
    rates: dict[str, list[float]] = {name: [] for name in loaded}
    findings: dict[str, int] = {}
    for _ in range(args.runs):
        for name, (extract, count) in loaded.items():
            started = time.perf_counter()
            results = [extract(text) for text in texts]
            rates[name].append(len(texts) / (time.perf_counter() - started))
            findings[name] = sum(map(count, results))

    print(f"{'extractor':<15} {'articles/s':>10}  findings per article (median of {args.runs} rounds)")
    medians = {name: statistics.median(values) for name, values in rates.items()}
    for name, rate in medians.items():
        print(f"{name:<15} {rate:10.0f}  {findings[name] / len(texts):.1f}")
    peers = {name: rate for name, rate in medians.items() if name != "ours"}
    if "ours" in medians and peers:
        fastest = max(peers, key=peers.__getitem__)
        ratio = medians["ours"] / peers[fastest]
        print(f"ratio           ours / fastest peer ({fastest}) = {ratio:.1f}x (target >= 10x)")
    else:
        print(f"ratio           no peer installed: {INSTALL_HINT}")


if __name__ == "__main__":
    main()
