"""How many 5 KB texts per second get a SimHash fingerprint (and a full sketch).

    python bench/similarity_speed.py [--texts 500]

Texts are built from the fixture stories so the vocabulary is realistic prose; each
is cut to exactly 5,000 characters and made unique by a numbered opening line.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles.ingest.similarity import fingerprint, sketch

STORIES = Path(__file__).resolve().parent.parent / "tests" / "ingest" / "fixtures" / "stories"
TEXT_CHARS = 5_000


def sample_texts(count: int) -> list[str]:
    corpus = "\n\n".join(path.read_text() for path in sorted(STORIES.glob("*.txt")))
    texts = []
    for number in range(count):
        start = (number * 997) % max(len(corpus) - TEXT_CHARS, 1)
        body = (corpus * 2)[start : start + TEXT_CHARS]
        texts.append(f"Report {number}.\n{body}"[:TEXT_CHARS])
    return texts


def rate(function, texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        function(text)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=500)
    args = parser.parse_args()
    texts = sample_texts(args.texts)
    rate(fingerprint, texts[:20])  # warm-up: regex compilation, allocator
    print(f"texts: {len(texts)} x {TEXT_CHARS:,} characters")
    print(f"fingerprint(): {rate(fingerprint, texts):,.0f} texts/s")
    print(f"sketch() (fingerprint + bands + LSH keys): {rate(sketch, texts):,.0f} texts/s")


if __name__ == "__main__":
    main()
