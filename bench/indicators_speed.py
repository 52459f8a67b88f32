"""How fast is indicator extraction on ~5 KB articles?

Generates 500 synthetic news articles (prose plus a few indicators each, some
defanged), runs the extractor over all of them five times and prints the median
rate, with and without warning-list lookups. Run from the repository root:

    python bench/indicators_speed.py

The target: well under 1 ms per article without warning-list hits, so that the
whole pure pipeline can do >= 300 articles/s per core.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles.enrichment.indicators import IndicatorExtractor
from articles.enrichment.types import Document
from articles.enrichment.warninglists import default_index

SENTENCES = [
    "Microsoft announced a $10 billion investment in Japan to enhance AI capabilities.",
    "The initiative focuses on accelerating AI adoption, workforce training, and partnerships.",
    "While the article highlights cybersecurity partnerships, it does not detail specific threats.",
    "Researchers at the vendor said the campaign, active since Q3 2025, targeted U.S. utilities.",
    "Organizations should monitor such partnerships for future security tool integrations.",
    "The group relied on spear-phishing e-mails with password-protected archives (v2.1 tooling).",
    "Analysts expect regulators to publish guidance on 3.5% of the affected systems by March.",
    "This represents a shift in sovereign cloud security dynamics rather than a direct alert.",
]


def make_indicator(rng: random.Random) -> str:
    octets = ".".join(str(rng.randint(1, 254)) for _ in range(4))
    name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(5, 12)))
    return rng.choice(
        [
            octets,
            octets.rsplit(".", 1)[0] + "[.]" + octets.rsplit(".", 1)[1],
            f"{name}[.]com",
            f"hxxps://{name}[.]net/payload/{rng.randint(1, 999)}.bin",
            f"https://www.{name}.org/report",
            f"{rng.getrandbits(256):064x}",
            f"CVE-2025-{rng.randint(1000, 99999)}",
            f"{name}[@]{name}-mail[.]ru",
        ]
    )


def make_article(rng: random.Random, size: int = 5000) -> str:
    parts: list[str] = []
    length = 0
    while length < size:
        sentence = rng.choice(SENTENCES)
        if rng.random() < 0.12:
            sentence = sentence.replace("vendor", f"vendor ({make_indicator(rng)})", 1)
            sentence += f" Indicator: {make_indicator(rng)}."
        parts.append(sentence)
        length += len(sentence) + 1
    return " ".join(parts)[:size]


def median_rate(extractor: IndicatorExtractor, docs: list[Document], runs: int = 5) -> float:
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        for doc in docs:
            extractor.run(doc)
        rates.append(len(docs) / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> None:
    rng = random.Random(42)
    docs = [Document(make_article(rng)) for _ in range(500)]
    findings = sum(len(IndicatorExtractor(warninglists=False).run(d)) for d in docs)
    print(
        f"{len(docs)} articles, {sum(len(d.text) for d in docs) / len(docs):.0f} chars each, "
        f"{findings / len(docs):.1f} indicators per article"
    )

    started = time.perf_counter()
    index = default_index()
    print(f"warning lists: {len(index.lists)} loaded in {time.perf_counter() - started:.2f} s")

    plain = median_rate(IndicatorExtractor(warninglists=False), docs)
    print(f"extraction only:          {plain:7.0f} articles/s  ({1000 / plain:.3f} ms/article)")
    # Fresh extractor and cache-cold values on the first run; later runs hit the cache.
    flagged = median_rate(IndicatorExtractor(warninglists=True), docs)
    print(f"with warning-list checks: {flagged:7.0f} articles/s  ({1000 / flagged:.3f} ms/article)")
    hostile_megabytes()
    dense_pastes()


def dense_pastes() -> None:
    """A megabyte of distinct indicators, one a line, as a pasted blocklist is: every value
    a finding (found, refanged, checked against the warning lists), 15,000-100,000 of them."""
    import random

    from tests.enrichment.hostile_inputs import extraction_seconds

    rng = random.Random(1)

    def address() -> str:
        return ".".join(str(rng.randrange(1, 255)) for _ in range(4))

    def domain() -> str:
        name = "".join(rng.choice("abcdefghijklmnop") for _ in range(rng.randrange(5, 12)))
        return name + rng.choice([".com", ".net", ".ru", ".xyz"])

    def hexes(length: int) -> str:
        return "".join(rng.choice("0123456789abcdef") for _ in range(length))

    pastes = {
        "IPv4 addresses": address,
        "domains": domain,
        "URLs": lambda: f"http://{domain()}/{hexes(8)}/gate.php?id={hexes(6)}",
        "SHA-256 hashes": lambda: hexes(64),
        "defanged IPs and URLs": lambda: (
            f"{address().replace('.', '[.]')} hxxp://{domain().replace('.', '[.]')}/x"
        ),
        "e-mail addresses": lambda: f"{hexes(6)}@{domain()}",
    }
    extractor = IndicatorExtractor()
    print("dense pastes, 1 MB of distinct values each (best of 2; target < 1 s):")
    for name, make in pastes.items():
        lines, size = [], 0
        while size < 1_000_000:
            lines.append(make())
            size += len(lines[-1]) + 1
        took = extraction_seconds(extractor, "\n".join(lines))
        print(f"  {name:28} {took:6.3f} s  {len(lines):6,} lines{'  over target' if took >= 1 else ''}")


def hostile_megabytes() -> None:
    """A megabyte of each hostile form (tests/enrichment/hostile_inputs.py), indicators and
    ATT&CK ids, best of two runs. Target: under 1 s each (issue 11's linear-time bound)."""
    from tests.enrichment.hostile_inputs import HOSTILE, extraction_seconds, megabyte

    extractor = IndicatorExtractor()
    print("hostile input, 1 MB each (best of 2; target < 1 s):")
    for name, piece in HOSTILE.items():
        took = extraction_seconds(extractor, megabyte(piece))
        print(f"  {name:28} {took:6.3f} s{'  over target' if took >= 1 else ''}")


if __name__ == "__main__":
    main()
