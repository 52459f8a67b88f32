"""Near-duplicate detection, with thresholds checked against the fixture stories."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from articles.ingest.similarity import (
    NEAR_DUPLICATE_DISTANCE,
    bands,
    fingerprint,
    hamming,
    is_near_duplicate,
    lsh_keys,
    sketch,
)

STORIES = Path(__file__).parent / "fixtures" / "stories"
STORY = (STORIES / "hospital_ransomware.txt").read_text()
PARAGRAPHS = STORY.split("\n\n")
OTHER_STORIES = ["pharmacy_ransomware", "school_ransomware", "vpn_vulnerability"]

REWRITES = {
    "different intro line": (
        "Four hospitals are diverting ambulances after a cyberattack claimed by BlackMarsh.\n\n"
        + "\n\n".join(PARAGRAPHS[1:])
    ),
    "trimmed ending": "\n\n".join(PARAGRAPHS[:-2]),
    "extra paragraph": STORY + "\n\nUpdate: Northvale Health said on Wednesday that its email "
    "system had been restored and that it had notified the data protection regulator.",
    "all three edits": "Hospitals are diverting ambulances after a cyberattack.\n\n"
    + "\n\n".join(PARAGRAPHS[1:-1])
    + "\n\nUpdate: email has been restored, the group said.",
    "syndicated copy": (STORIES / "hospital_ransomware_syndicated.txt").read_text(),
}


def story(name: str) -> str:
    return (STORIES / f"{name}.txt").read_text()


@pytest.mark.parametrize("edit", list(REWRITES))
def test_a_lightly_rewritten_story_is_a_near_duplicate(edit):
    distance = hamming(fingerprint(STORY), fingerprint(REWRITES[edit]))
    assert distance <= 13  # measured 6-13; the threshold leaves room above
    assert is_near_duplicate(fingerprint(STORY), fingerprint(REWRITES[edit]))


@pytest.mark.parametrize("edit", list(REWRITES))
def test_a_lightly_rewritten_story_shares_an_lsh_key(edit):
    assert set(lsh_keys(STORY)) & set(lsh_keys(REWRITES[edit]))


@pytest.mark.parametrize(
    ("first", "second"),
    list(itertools.combinations(["hospital_ransomware", *OTHER_STORIES], 2)),
)
def test_different_stories_on_the_same_topic_do_not_match(first, second):
    a, b = fingerprint(story(first)), fingerprint(story(second))
    assert hamming(a, b) >= 29  # measured 29-35, far above the threshold
    assert not is_near_duplicate(a, b)
    assert not set(lsh_keys(story(first))) & set(lsh_keys(story(second)))


def test_threshold_sits_between_the_measured_groups():
    assert 13 < NEAR_DUPLICATE_DISTANCE < 29


def test_case_spacing_and_punctuation_do_not_change_the_fingerprint():
    reflowed = " ".join(STORY.upper().replace(",", " ,").split())
    assert fingerprint(reflowed) == fingerprint(STORY)


def test_fingerprint_is_stable_across_runs_and_fits_a_signed_bigint():
    value = fingerprint(STORY)
    assert value == fingerprint(STORY)
    assert -(2**63) <= value < 2**63
    assert fingerprint("Ransomware hits hospital") == fingerprint("ransomware HITS hospital!")


def test_empty_text_never_matches_anything():
    assert fingerprint("") == fingerprint(" ... ") == 0
    assert lsh_keys("") == ()
    assert not is_near_duplicate(0, 0)


def test_hamming_counts_differing_bits_of_signed_values():
    assert hamming(0, -1) == 64
    assert hamming(-(2**63), 0) == 1
    assert hamming(0b1011, 0b0110) == 3


def test_bands_split_the_unsigned_value_high_bits_first():
    assert bands(0x0123456789ABCDEF) == (0x0123, 0x4567, 0x89AB, 0xCDEF)
    assert bands(-1) == (0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF)


def test_fingerprints_within_three_bits_always_share_a_band():
    base = fingerprint(STORY)
    for bits in itertools.combinations(range(64), 3):
        flipped = base ^ sum(1 << bit for bit in bits)
        assert set(enumerate(bands(base))) & set(enumerate(bands(flipped)))


def test_sketch_matches_the_separate_functions():
    result = sketch(STORY)
    assert result.fingerprint == fingerprint(STORY)
    assert result.bands == bands(fingerprint(STORY))
    assert result.lsh_keys == lsh_keys(STORY)
    assert len(result.lsh_keys) == 20


def test_short_texts_still_get_comparable_lsh_keys():
    first = lsh_keys("Critical VPN flaw exploited in the wild, vendor urges patching now")
    second = lsh_keys("Critical VPN flaw exploited in the wild, vendor urges patching today")
    assert len(first) == len(second) == 20
    assert set(first) & set(second)
