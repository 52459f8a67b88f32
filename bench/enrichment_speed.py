"""Enrichment speed on a generated corpus, one process (so: per core).

    python bench/enrichment_speed.py [--articles 1000] [--runs 5] [--seed 7] [--profile]

Generates ``--articles`` articles of about 5 KB (fixed seed) that mix prose from
the labelled set with IOCs (plain and defanged), CVEs, actor, malware and
technique names, then prints: pipeline build (load) time, articles per second
for extraction (indicators + entities) and for the whole pipeline (median of
``--runs`` runs), the median milliseconds per article of each stage, and the
process's peak RSS. ``--profile`` adds the top functions of one pipeline run
under cProfile. Targets: >= 300 articles/s extraction, >= 100 whole pipeline.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from articles.enrichment.pipeline import STAGES, Pipeline  # noqa: E402
from articles.enrichment.types import Document  # noqa: E402

CORPUS = ROOT / "tests" / "enrichment" / "corpus"
ARTICLE_BYTES = 5_000
ACTORS = ["APT28", "Fancy Bear", "Lazarus Group", "Volt Typhoon", "Sandworm", "Kimsuky", "FIN7"]
MALWARE = ["LockBit", "Emotet", "QakBot", "AsyncRAT", "Cobalt Strike", "Mimikatz", "IcedID"]
TECHNIQUES = ["PowerShell", "T1059.001", "Valid Accounts", "T1486", "spearphishing attachment"]


def _prose_sentences() -> list[str]:
    sentences = []
    for path in sorted(CORPUS.glob("*.json")):
        text = json.loads(path.read_text(encoding="utf-8"))["text"]
        sentences += [s.strip() + "." for s in text.split(". ") if len(s.split()) > 5]
    return sentences


def _ioc_sentence(rng: random.Random) -> str:
    octets = ".".join(str(rng.randint(11, 223)) for _ in range(4))
    if rng.random() < 0.5:
        octets = octets.replace(".", "[.]", 1)
    host = f"{rng.choice(['cdn', 'update', 'mail', 'sync'])}-{rng.randint(1, 999)}"
    domain = f"{host}.{rng.choice(['xyz', 'top', 'online', 'com'])}"
    choices = [
        f"The implant beaconed to {octets} every few minutes.",
        f"Payloads were served from hxxps://{domain.replace('.', '[.]')}/p/{rng.randint(1, 99)}.",
        f"A sample with SHA-256 {rng.getrandbits(256):064x} was recovered.",
        f"The dropper's MD5 is {rng.getrandbits(128):032x}.",
        f"Operators registered {domain} a week before the attack.",
        f"The flaw is tracked as CVE-20{rng.randint(18, 25)}-{rng.randint(1000, 49999)}.",
        f"Replies went to ops{rng.randint(1, 99)}@{domain}.",
    ]
    return rng.choice(choices)


def _entity_sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(ACTORS)} deployed {rng.choice(MALWARE)} and relied on "
        f"{rng.choice(TECHNIQUES)} against targets in the energy sector."
    )


def generate(count: int, seed: int) -> list[Document]:
    """``count`` documents of about 5 KB each, the same for the same seed."""
    rng = random.Random(seed)
    prose = _prose_sentences()
    documents = []
    for number in range(count):
        parts: list[str] = []
        size = 0
        while size < ARTICLE_BYTES:
            roll = rng.random()
            if roll < 0.12:
                sentence = _ioc_sentence(rng)
            elif roll < 0.2:
                sentence = _entity_sentence(rng)
            else:
                sentence = rng.choice(prose)
            parts.append(sentence)
            size += len(sentence) + 1
        documents.append(Document(text=" ".join(parts), title=f"Generated article {number}"))
    return documents


def _rate(work, documents: list[Document], runs: int) -> float:
    """Median articles per second over ``runs`` passes."""
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        for doc in documents:
            work(doc)
        rates.append(len(documents) / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    documents = generate(args.articles, args.seed)
    mean_kb = statistics.mean(len(d.text.encode()) for d in documents) / 1000
    started = time.perf_counter()
    pipeline = Pipeline()
    build_seconds = time.perf_counter() - started

    def extract(doc: Document) -> None:
        pipeline.indicator_extractor.run(doc)
        pipeline.entity_extractor.run(doc)

    extract_rate = _rate(extract, documents, args.runs)
    pipeline_rate = _rate(pipeline.run, documents, args.runs)

    per_stage: dict[str, list[float]] = {stage: [] for stage in STAGES}
    for doc in documents:
        timings: dict[str, float] = {}
        pipeline.run_timed(doc, timings)
        for stage in STAGES:
            per_stage[stage].append(timings[stage] * 1000)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"corpus            {len(documents)} articles, mean {mean_kb:.1f} KB, seed {args.seed}")
    print(f"pipeline build    {build_seconds:.2f} s")
    print(f"extraction        {extract_rate:7.0f} articles/s (indicators + entities, median)")
    print(f"whole pipeline    {pipeline_rate:7.0f} articles/s (median of {args.runs} runs)")
    print("per stage         median ms per article")
    for stage in STAGES:
        print(f"  {stage:<15} {statistics.median(per_stage[stage]):7.3f}")
    print(f"peak RSS          {peak_rss_mb:.0f} MB")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for doc in documents:
            pipeline.run(doc)
        profiler.disable()
        output = io.StringIO()
        pstats.Stats(profiler, stream=output).sort_stats("cumulative").print_stats(25)
        print(output.getvalue())


if __name__ == "__main__":
    main()
