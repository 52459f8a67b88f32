"""Entity quality on short labelled sentences, by kind, and trap words used in their ordinary sense.

Two kinds of case files, each a JSON list, in a tuning set (``tests/enrichment/corpus``)
and a held-out set (``tests/enrichment/heldout``, never tuned on):

- ``entities/*.json``: threat prose naming sectors as writers do ("telcos", "ministries"),
  products and vendors, places, organizations, and galaxy names that are also ordinary
  words used as names ("the Sandworm group")::

      {"text": "CVE-2023-38831 — WinRAR", "entities": [["product", "WinRAR"]]}

  ``entities`` is every entity the sentence names: each finding is compared with it.
- ``traps/*.json``: sentences that use a galaxy name, a country or a demonym in its
  ordinary sense ("Jordan scored thirty points", "French fries"); ``word`` names the trap
  and ``entities`` is usually empty. Every finding that is not labelled is a trap false
  positive.

    python bench/entity_cases.py [--set tuning|heldout|both] [--misses]

Prints TP, FP, FN, precision and recall per entity kind for the entity cases, and the
number of trap sentences with a false positive (and which, with ``--misses``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.enrichment_quality import Tally, entity_key  # noqa: E402

SETS = {
    "tuning": ROOT / "tests" / "enrichment" / "corpus",
    "heldout": ROOT / "tests" / "enrichment" / "heldout",
}


@dataclass
class EntityCaseReport:
    kinds: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    trap_cases: int = 0
    trapped: list[tuple[str, str, list[str]]] = field(default_factory=list)  # word, text, findings
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # "FP"/"FN", finding, text

    def total(self) -> Tally:
        overall = Tally()
        for tally in self.kinds.values():
            overall.true_positives += tally.true_positives
            overall.false_positives += tally.false_positives
            overall.false_negatives += tally.false_negatives
        return overall


def _found(pipeline, text: str) -> set[tuple[str, str]]:
    from articles.enrichment.types import Document

    result = pipeline.run(Document(text=text))
    return {
        entity_key(e.kind, e.external_id if e.kind == "attack-pattern" and e.external_id else e.name)
        for e in result.entities
    }


def evaluate(directory: Path, pipeline=None) -> EntityCaseReport:
    from articles.enrichment.pipeline import get_pipeline

    pipeline = pipeline or get_pipeline()
    report = EntityCaseReport()
    for path in sorted((directory / "entities").glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            expected = {entity_key(kind, name) for kind, name in case["entities"]}
            found = _found(pipeline, case["text"])
            for kind, _ in expected & found:
                report.kinds[kind].true_positives += 1
            for kind, name in sorted(found - expected):
                report.kinds[kind].false_positives += 1
                report.misses.append(("FP", f"{kind} {name}", case["text"]))
            for kind, name in sorted(expected - found):
                report.kinds[kind].false_negatives += 1
                report.misses.append(("FN", f"{kind} {name}", case["text"]))
    for path in sorted((directory / "traps").glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            report.trap_cases += 1
            expected = {entity_key(kind, name) for kind, name in case["entities"]}
            found_extra = sorted(_found(pipeline, case["text"]) - expected)
            if found_extra:
                report.trapped.append((case["word"], case["text"], [f"{k} {n}" for k, n in found_extra]))
    return report


def render(name: str, report: EntityCaseReport, misses: bool) -> str:
    header = f"{'':<14} {'TP':>4} {'FP':>4} {'FN':>4}   {'prec':>6} {'recall':>6}"
    lines = [f"== {name}: entity cases by kind", header]
    rows = [*sorted(report.kinds.items()), ("all", report.total())]
    for kind, t in rows:
        lines.append(
            f"{kind:<14} {t.true_positives:>4} {t.false_positives:>4} {t.false_negatives:>4}"
            f"   {t.precision:6.3f} {t.recall:6.3f}"
        )
    lines.append(f"trap sentences with a false positive: {len(report.trapped)} of {report.trap_cases}")
    if misses:
        lines += [f"  {what} {finding:<40} {text}" for what, finding, text in report.misses]
        lines += [f"  TRAP {word:<12} {', '.join(found)}  <- {text}" for word, text, found in report.trapped]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=[*SETS, "both"], default="both")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    names = list(SETS) if args.set == "both" else [args.set]
    for name in names:
        print(render(name, evaluate(SETS[name]), args.misses))
        print()


if __name__ == "__main__":
    main()
