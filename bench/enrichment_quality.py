"""Extraction quality on the labelled set in ``tests/enrichment/corpus``.

Prints micro precision and recall per indicator type and per entity kind, the
accuracy of the proposed intelligence level and category, and then every false
positive and false negative with the article it came from.

    python bench/enrichment_quality.py [--corpus DIR] [--as-articles]

With ``--as-articles`` each labelled article is read the way the portal reads one: its
title and its text as sections (so names and indicators in the title are found too).

``tests/enrichment/test_quality.py`` asserts bars on the same numbers.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from articles.enrichment.pipeline import Pipeline, get_pipeline  # noqa: E402
from articles.enrichment.types import Document, EnrichmentResult, Section  # noqa: E402

CORPUS = ROOT / "tests" / "enrichment" / "corpus"
# "LockBit (Windows)" and "LockBit" are one family for a reader; the platform suffix of
# some galaxy names is not what the label is about.
_PLATFORM_SUFFIX = re.compile(r"\s*\([^)]*\)\s*$")


@dataclass
class Tally:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


@dataclass
class QualityReport:
    indicators: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    entities: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    benign_flags: Tally = field(default_factory=Tally)
    intel_level_right: int = 0
    category_right: int = 0
    articles: int = 0
    # (article, "indicator"/"entity"/"benign"/"intel_level"/"category", detail)
    false_positives: list[tuple[str, str, str]] = field(default_factory=list)
    false_negatives: list[tuple[str, str, str]] = field(default_factory=list)
    misclassified: list[tuple[str, str, str]] = field(default_factory=list)

    def total(self, group: dict[str, Tally]) -> Tally:
        overall = Tally()
        for tally in group.values():
            overall.true_positives += tally.true_positives
            overall.false_positives += tally.false_positives
            overall.false_negatives += tally.false_negatives
        return overall


def entity_key(kind: str, name_or_id: str) -> tuple[str, str]:
    return kind, _PLATFORM_SUFFIX.sub("", name_or_id).casefold()


def _found_entities(result: EnrichmentResult) -> set[tuple[str, str]]:
    keys = set()
    for entity in result.entities:
        # Techniques are labelled by ATT&CK ID: names vary ("Spearphishing Link" vs
        # "Phishing: Spearphishing Link"), IDs do not.
        label = entity.external_id if entity.kind == "attack-pattern" else entity.name
        keys.add(entity_key(entity.kind, label or entity.name))
    return keys


def _compare(
    report: QualityReport,
    group: dict[str, Tally],
    article: str,
    what: str,
    expected: set[tuple[str, str]],
    found: set[tuple[str, str]],
) -> None:
    for kind, _value in expected & found:
        group[kind].true_positives += 1
    for kind, value in sorted(found - expected):
        group[kind].false_positives += 1
        report.false_positives.append((article, what, f"{kind} {value}"))
    for kind, value in sorted(expected - found):
        group[kind].false_negatives += 1
        report.false_negatives.append((article, what, f"{kind} {value}"))


def evaluate(
    corpus: Path = CORPUS, pipeline: Pipeline | None = None, *, as_articles: bool = False
) -> QualityReport:
    """Run the pipeline over every labelled article and tally the results."""
    pipeline = pipeline or get_pipeline()
    report = QualityReport()
    for path in sorted(corpus.glob("*.json")):
        article = json.loads(path.read_text(encoding="utf-8"))
        expected = article["expected"]
        if as_articles:
            sections = (Section("title", article["title"]), Section("body", article["text"]))
            result = pipeline.run(Document(text="", sections=sections))
        else:
            result = pipeline.run(Document(text=article["text"], title=article["title"]))
        name = path.stem
        report.articles += 1

        # The labels list indicators as written; hosts derived from URLs and e-mail
        # addresses are scored by bench/indicator_cases.py.
        written = [f for f in result.indicators if f.derived_from is None]
        actionable = {(f.type, f.value) for f in written if f.benign is None}
        flagged = {(f.type, f.value) for f in written if f.benign is not None}
        _compare(
            report,
            report.indicators,
            name,
            "indicator",
            {tuple(pair) for pair in expected["indicators"]},
            actionable,
        )
        expected_benign = {tuple(pair) for pair in expected.get("benign", [])}
        # A known-benign value that is found and flagged is right; one that is found
        # but not flagged already shows up above as a false positive indicator.
        report.benign_flags.true_positives += len(expected_benign & flagged)
        for kind, value in sorted(expected_benign - flagged):
            report.benign_flags.false_negatives += 1
            report.false_negatives.append((name, "benign", f"{kind} {value}"))

        _compare(
            report,
            report.entities,
            name,
            "entity",
            {entity_key(kind, label) for kind, label in expected["entities"]},
            _found_entities(result),
        )
        classification = result.classification
        if classification.intel_level == expected["intel_level"]:
            report.intel_level_right += 1
        else:
            report.misclassified.append(
                (name, "intel_level", f"{classification.intel_level} != {expected['intel_level']}")
            )
        if classification.category == expected["category"]:
            report.category_right += 1
        else:
            report.misclassified.append(
                (name, "category", f"{classification.category} != {expected['category']}")
            )
    return report


def _row(label: str, tally: Tally) -> str:
    return (
        f"{label:<16} {tally.true_positives:>4} {tally.false_positives:>4} "
        f"{tally.false_negatives:>4}   {tally.precision:6.3f} {tally.recall:6.3f}"
    )


def render(report: QualityReport) -> str:
    header = f"{'':<16} {'TP':>4} {'FP':>4} {'FN':>4}   {'prec':>6} {'recall':>6}"
    lines = [f"{report.articles} labelled articles", "", "INDICATORS (non-benign)", header]
    lines += [_row(kind, tally) for kind, tally in sorted(report.indicators.items())]
    lines += [
        _row("all", report.total(report.indicators)),
        _row("benign flag", report.benign_flags),
    ]
    lines += ["", "ENTITIES", header]
    lines += [_row(kind, tally) for kind, tally in sorted(report.entities.items())]
    lines += [_row("all", report.total(report.entities)), ""]
    lines.append(f"intel_level accuracy {report.intel_level_right}/{report.articles}")
    lines.append(f"category accuracy    {report.category_right}/{report.articles}")
    for title, rows in (
        ("FALSE POSITIVES", report.false_positives),
        ("FALSE NEGATIVES", report.false_negatives),
        ("MISCLASSIFIED", report.misclassified),
    ):
        lines += ["", f"{title} ({len(rows)})"]
        lines += [f"  {article:<36} {what:<11} {detail}" for article, what, detail in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--as-articles", action="store_true", help="read title and text as sections, as the portal does"
    )
    args = parser.parse_args()
    print(render(evaluate(args.corpus, as_articles=args.as_articles)))


if __name__ == "__main__":
    main()
