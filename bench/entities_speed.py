"""Time the entity extractor: build time, memory, and articles per second.

Run: ``python bench/entities_speed.py [--articles 500] [--size 5000] [--passes 3]``

Articles are generated from a fixed seed: sentences of ordinary news prose with threat
names, organizations, countries, technique IDs and names and sectors mixed in, ~5 KB
each. Throughput is the best of several passes over them: on a machine shared with
other work, the best pass is the one least disturbed by it.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from articles.enrichment.entities import EntityExtractor
from articles.enrichment.types import Document

FILLER = (
    "The company said the investment would accelerate cloud adoption across the region. "
    "Officials expect the partnership to train workers and strengthen infrastructure. "
    "Analysts noted the deal follows a series of similar moves by rival providers. "
    "The report describes the threat landscape and the defensive steps taken so far. "
    "Python scripts and Windows servers were updated during the maintenance window. "
    "The equation behind the pricing model was published with the quarterly results. "
)
MENTIONS = [
    "Researchers linked the campaign to APT28, also known as Fancy Bear.",
    "The Lazarus Group deployed a new Emotet loader against banks in Japan.",
    "Microsoft and CISA warned that Volt Typhoon targets the energy sector.",
    "The operators used Cobalt Strike and Mimikatz (T1003.001) to move laterally.",
    "North Korean hackers abused Telegram for command and control.",
    "LockBit ransomware hit healthcare organizations in the United States.",
    "Sandworm hackers attacked Ukrainian utilities with Industroyer.",
    "Google and the FBI described spearphishing with T1566.001 attachments.",
    "They ran PowerShell, used password spraying and added a scheduled task.",
    "Financial services firms and government agencies in Germany were hit by the Carbanak group.",
]


def make_articles(count: int, size: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    sentences = [s.strip() + " " for s in FILLER.split(". ") if s.strip()]
    articles = []
    for _ in range(count):
        parts: list[str] = []
        length = 0
        while length < size:
            part = rng.choice(MENTIONS) + " " if rng.random() < 0.2 else rng.choice(sentences)
            parts.append(part)
            length += len(part)
        articles.append("".join(parts)[:size])
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()

    # Resident memory (ru_maxrss is in KiB on Linux): tracemalloc would slow the
    # allocation-heavy build several times over and distort its time.
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    extractor = EntityExtractor()
    build_seconds = time.perf_counter() - started
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    started = time.perf_counter()
    EntityExtractor()
    rebuild_seconds = time.perf_counter() - started

    articles = make_articles(args.articles, args.size)
    timings = []
    for _ in range(max(1, args.passes)):
        started = time.perf_counter()
        findings = sum(len(extractor.run(Document(text))) for text in articles)
        timings.append(time.perf_counter() - started)
    elapsed = min(timings)

    print(f"names in automaton     {extractor.name_count}")
    print(f"first build            {build_seconds:.2f} s, resident memory +{rss_growth / 1024:.0f} MB")
    print(f"second build           {rebuild_seconds:.2f} s (name tables cached in the process)")
    print(f"articles               {len(articles)} x {args.size} chars")
    print(f"findings               {findings}")
    print(
        f"throughput             {len(articles) / elapsed:.0f} articles/s (one core, best of "
        f"{len(timings)}; slowest {len(articles) / max(timings):.0f})"
    )


if __name__ == "__main__":
    main()
