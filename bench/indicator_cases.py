"""Indicator quality on short labelled field-text cases, class by class.

The cases live in ``tests/enrichment/corpus/indicators`` (the tuning set) and
``tests/enrichment/heldout/indicators`` (the measured set, not tuned on). Each file is
one class of field text (Markdown links, userinfo URLs, defanged schemes...) and holds
a list of cases::

    {"text": "see [x](https://a.example/p)",
     "indicators": [["url", "https://a.example/p"], ["domain", "a.example"]],
     "must_contain": [["url", "https://a.example/p"]]}

``indicators`` is the complete set the text holds: every finding is compared with it
(precision, exact recall, F1). ``must_contain`` (optional) lists values that must be
among the findings while extra findings are not counted: for noisy text whose full
set is a matter of opinion. Both count every finding, known-benign or not, derived
or not (flagging benign values is measured by ``enrichment_quality.py``).

ATT&CK technique IDs are entities, scored from ``attack_ids/`` beside each set: every
case lists ``techniques`` as (ID as written, outcome), where the outcome is the current
technique ID a revoked or deprecated ID leads to, ``"retired"`` when none does, or
``"unknown"`` for an ID ATT&CK never had. Those need the whole pipeline (a few seconds
to load the galaxies).

Two recall figures are printed:

- exact recall: the (type, value) pairs of ``indicators`` found exactly;
- containment recall: every labelled value (``indicators`` and ``must_contain``)
  whose value is among the findings' values, whatever type the finding has.

    python bench/indicator_cases.py [--set tuning|heldout|both] [--misses]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from articles.enrichment.attack_ids import TECHNIQUE_ID, UNKNOWN_REF  # noqa: E402
from articles.enrichment.indicators import IndicatorExtractor  # noqa: E402
from articles.enrichment.pipeline import Pipeline, get_pipeline  # noqa: E402
from articles.enrichment.types import Document, EntityFinding  # noqa: E402

SETS = {
    "tuning": ROOT / "tests" / "enrichment" / "corpus" / "indicators",
    "heldout": ROOT / "tests" / "enrichment" / "heldout" / "indicators",
}
ATTACK_SETS = {name: directory.parent / "attack_ids" for name, directory in SETS.items()}
_SUCCESSOR = re.compile(r"(?:now|see) (T\d{4}(?:\.\d{3})?)")


@dataclass
class ClassScore:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    contained: int = 0
    containable: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: ClassScore) -> None:
        self.true_positives += other.true_positives
        self.false_positives += other.false_positives
        self.false_negatives += other.false_negatives
        self.contained += other.contained
        self.containable += other.containable

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def containment(self) -> float:
        return self.contained / self.containable if self.containable else 1.0


def load_cases(directory: Path) -> dict[str, list[dict]]:
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.json"))
    }


def score(directory: Path, extractor: IndicatorExtractor | None = None) -> dict[str, ClassScore]:
    """One score per case file (class of field text)."""
    extractor = extractor or IndicatorExtractor(warninglists=False)
    scores: dict[str, ClassScore] = {}
    for name, cases in load_cases(directory).items():
        tally = scores[name] = ClassScore()
        for case in cases:
            findings = extractor.run(Document(case["text"]))
            found = {(f.type, f.value) for f in findings}
            found_values = {value for _, value in found}
            expected = {tuple(pair) for pair in case["indicators"]}
            tally.true_positives += len(found & expected)
            for pair in sorted(found - expected):
                tally.false_positives += 1
                tally.misses.append(f"FP {pair[0]} {pair[1]!r}   in {case['text'][:70]!r}")
            for pair in sorted(expected - found):
                tally.false_negatives += 1
                tally.misses.append(f"FN {pair[0]} {pair[1]!r}   in {case['text'][:70]!r}")
            labelled = expected | {tuple(pair) for pair in case.get("must_contain", [])}
            tally.containable += len(labelled)
            for pair in sorted(labelled):
                if pair[1] in found_values:
                    tally.contained += 1
                elif pair not in expected:
                    tally.misses.append(f"NC {pair[0]} {pair[1]!r}   in {case['text'][:70]!r}")
    return scores


def technique_outcome(finding: EntityFinding) -> str:
    """What a technique finding says an ID became (see the module docstring)."""
    if finding.ref == UNKNOWN_REF:
        return "unknown"
    if finding.note and "no successor" in finding.note:
        return "retired"
    successor = _SUCCESSOR.search(finding.note or "")
    return successor.group(1) if successor else finding.external_id or finding.name


def score_attack_ids(directory: Path, pipeline: Pipeline | None = None) -> dict[str, ClassScore]:
    """ATT&CK ID cases: (ID as written, outcome) pairs compared like indicators."""
    pipeline = pipeline or get_pipeline()
    scores: dict[str, ClassScore] = {}
    for name, cases in load_cases(directory).items():
        tally = scores[f"attack:{name}"] = ClassScore()
        for case in cases:
            entities = pipeline.run(Document(case["text"])).entities
            found = {
                (f.matched, technique_outcome(f))
                for f in entities
                if f.kind == "attack-pattern" and TECHNIQUE_ID.fullmatch(f.matched)  # IDs, not names
            }
            expected = {tuple(pair) for pair in case["techniques"]}
            tally.true_positives += len(found & expected)
            tally.false_positives += len(found - expected)
            tally.false_negatives += len(expected - found)
            tally.containable += len(expected)
            tally.contained += len({written for written, _ in expected} & {written for written, _ in found})
            tally.misses += [f"FP {pair}   in {case['text'][:70]!r}" for pair in sorted(found - expected)]
            tally.misses += [f"FN {pair}   in {case['text'][:70]!r}" for pair in sorted(expected - found)]
    return scores


def total(scores: dict[str, ClassScore]) -> ClassScore:
    overall = ClassScore()
    for tally in scores.values():
        overall.add(tally)
    return overall


def render(label: str, scores: dict[str, ClassScore], misses: bool) -> str:
    header = f"{label:<22} {'TP':>4} {'FP':>4} {'FN':>4}  {'prec':>6} {'recall':>6} {'F1':>6} {'contain':>7}"
    lines = [header]
    for name, tally in [*sorted(scores.items()), ("ALL", total(scores))]:
        lines.append(
            f"{name:<22} {tally.true_positives:>4} {tally.false_positives:>4} {tally.false_negatives:>4}"
            f"  {tally.precision:6.3f} {tally.recall:6.3f} {tally.f1:6.3f} {tally.containment:7.3f}"
        )
    if misses:
        for name, tally in sorted(scores.items()):
            lines += [f"  [{name}] {miss}" for miss in tally.misses]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=("tuning", "heldout", "both"), default="both")
    parser.add_argument("--misses", action="store_true", help="list every false positive and negative")
    parser.add_argument("--no-attack", action="store_true", help="skip the ATT&CK ID cases (no galaxy load)")
    args = parser.parse_args()
    extractor = IndicatorExtractor(warninglists=False)
    chosen = SETS if args.set == "both" else {args.set: SETS[args.set]}
    for label, directory in chosen.items():
        print(render(label, score(directory, extractor), args.misses))
        print()
    if not args.no_attack:
        for label in chosen:
            print(render(f"{label} ATT&CK", score_attack_ids(ATTACK_SETS[label]), args.misses))
            print()


if __name__ == "__main__":
    main()
