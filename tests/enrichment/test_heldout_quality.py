"""Extraction quality on the held-out set (tests/enrichment/heldout, 20 articles).

Unlike tests/enrichment/corpus, this set was written and labelled before anyone
looked at the extractor's output on it, and was not used to tune the category rules.
The first measurement (before the bug fixes it prompted) was: indicators P 0.978 /
R 1.000, entities P 0.980 / R 0.814, intel level 20/20, category 17/20. The bars
sit below that so regressions fail while the remaining known misses (organizations
and tools missing from the gazetteer, sectors phrased without "sector") do not.
``python bench/enrichment_quality.py --corpus tests/enrichment/heldout`` prints the
table with every miss.
"""

from pathlib import Path

import pytest

from bench.enrichment_quality import evaluate

pytestmark = pytest.mark.slow
HELDOUT = Path(__file__).parent / "heldout"


@pytest.fixture(scope="module")
def report():
    return evaluate(HELDOUT)


def test_held_out_indicators_are_found_with_high_precision_and_recall(report):
    overall = report.total(report.indicators)
    assert overall.precision >= 0.95 and overall.recall >= 0.95


def test_held_out_entities_keep_precision_and_most_of_their_recall(report):
    overall = report.total(report.entities)
    assert overall.precision >= 0.95 and overall.recall >= 0.78


def test_held_out_intel_level_is_right_for_nine_articles_in_ten(report):
    assert report.intel_level_right / report.articles >= 0.9
