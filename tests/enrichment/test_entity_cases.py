"""Entities by kind on labelled sentences, and trap words used in their ordinary sense.

``python bench/entity_cases.py --misses`` prints the tables. Measured when the bars were
set (issue 11): tuning entity P 0.991 / R 0.983, sectors R 1.000, 1 of 167 trap sentences
with a false positive ("Akira is a classic anime film"); held-out P 0.952 / R 0.976,
sectors R 0.938, 2 of 90. With the evidence-against rules (surnames, "a cherry Danish",
titles) and 24 more tuning traps: tuning P 0.992 / R 0.985, 0 of 191 traps (the code before
them: 13 of 191); held-out unchanged but 0 of 90 traps.
Three more rounds on 7 Dec, each written by a helper who had not read the extractor and
scored once as held-out before any change for it: round 2 P 0.972 / R 0.916, sectors 0.851,
3 of 123 traps; round 3 P 0.966 / R 0.905, sectors 0.804, 4 of 130 (both then moved to
tuning and worked on); round 4, on the final code and kept held-out: P 0.971 / R 0.952,
sectors 0.932, 2 of 130 traps.
Before issue 11's entity work: tuning P 0.746 / R 0.427 (sectors R 0.14),
44 of 167 traps; held-out P 0.643 / R 0.220, 26 of 90.
"""

import json
from pathlib import Path

import pytest

from bench.entity_cases import SETS, evaluate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tuning():
    return evaluate(SETS["tuning"])


@pytest.fixture(scope="module")
def heldout():
    return evaluate(SETS["heldout"])


def test_there_are_at_least_200_trap_sentences_and_tuning_and_held_out_do_not_share_any():
    def texts(name):
        return {
            case["text"]
            for path in (SETS[name] / "traps").glob("*.json")
            for case in json.loads(Path(path).read_text("utf-8"))
        }

    assert len(texts("tuning")) + len(texts("heldout")) >= 200
    assert not texts("tuning") & texts("heldout")


def test_sector_recall_is_at_least_90_percent_on_both_sets(tuning, heldout):
    assert tuning.kinds["sector"].recall >= 0.9
    assert heldout.kinds["sector"].recall >= 0.9


def test_products_and_vendors_are_found(tuning, heldout):
    for report in (tuning, heldout):
        for kind in ("product", "vendor"):
            assert report.kinds[kind].recall >= 0.9, kind
            assert report.kinds[kind].precision >= 0.9, kind


def test_entity_precision_and_recall_stay_above_the_bars(tuning, heldout):
    assert tuning.total().precision >= 0.95 and tuning.total().recall >= 0.95
    assert heldout.total().precision >= 0.9 and heldout.total().recall >= 0.9


# Trap sentences of rounds 5 and 6 (each scored once as held-out, then tuned on) that still
# yield an entity, by kind of miss; docs/entities.md lists them. Any other tuning trap that
# yields an entity fails, so this is a ceiling that only goes down.
KNOWN_TUNING_TRAPS = {
    # a threat word in its everyday sense next to the name ("crew", "gangs", "hackers" in a
    # TV plot, "target" of a fundraiser, an election "campaign", "actor", "rat" chef)
    "Golden Cup",
    "Double Dragon",
    "Evil Corp",
    "Jolly Roger",
    "Casinos",
    "Restaurants",
    "Superman",
    "Remy",
    "Cardinal",
    "Lookout",
    # a vendor naming scheme word in its everyday sense ("Cozy Bear, the teddy")
    "Cozy Bear",
    # companies, vendors and agencies whose name is a word or a common name elsewhere
    "Firefox",
    "Cisco",
    "Tesla",
    "Intel",
    "Docker",
    "Talos",
    "ASD",
    "BSI",
    "Unit 42",
    "Sophos",
    "Norton",
    "Interpol",
    "Secret Service",
    "Taj Mahal",
    # a country as a film, a drink or a first name; "in French" read as France
    "Madagascar",
    "Greenland",
    "Montenegro",
    "Montserrat",
    "MOIS",
}


def test_no_tuning_trap_sentence_yields_an_entity_and_few_held_out_ones_do(tuning, heldout):
    assert {word for word, _text, _found in tuning.trapped} <= KNOWN_TUNING_TRAPS
    assert len(heldout.trapped) <= max(1, heldout.trap_cases // 30)
