"""workspace/anchoring.py: notes find their passage again after the text changes (pure)."""

from __future__ import annotations

import pytest

from workspace.anchoring import Selector, anchor, annotatable, find_quote, selector_for

TEXT = annotatable(
    "APT28 sent phishing mail.\n\nThe loader contacted 203.0.113.5 over HTTPS.\n"
    "Later, the loader contacted 198.51.100.7 as well."
)


def test_whitespace_counts_as_one_space_and_ends_are_trimmed():
    assert annotatable("  a\n\n b\t\tc  ") == "a b c"


def test_a_selector_keeps_the_quote_with_its_context_and_offsets():
    start = TEXT.index("203.0.113.5")
    selector = selector_for(TEXT, start, start + len("203.0.113.5"))
    assert selector.exact == "203.0.113.5" and selector.start == start
    assert selector.prefix.endswith("The loader contacted ") and selector.suffix.startswith(" over HTTPS")


def test_an_unchanged_text_anchors_at_the_recorded_offsets():
    start = TEXT.index("loader contacted 198")
    selector = selector_for(TEXT, start, start + 16)
    assert anchor(TEXT, selector).start == start and not anchor(TEXT, selector).moved


def test_text_inserted_before_the_passage_moves_it_and_context_picks_the_right_occurrence():
    second = TEXT.index("the loader contacted 198") + 4  # "loader contacted" of the second sentence
    selector = selector_for(TEXT, second, second + len("loader contacted"))
    edited = "UPDATE: new details below. " + TEXT
    found = anchor(edited, selector)
    assert found.moved and edited[found.start : found.end] == "loader contacted"
    assert edited[found.end :].startswith(" 198.51.100.7")  # the second occurrence, by its suffix


def test_a_passage_that_is_gone_is_orphaned_not_guessed():
    start = TEXT.index("203.0.113.5")
    selector = selector_for(TEXT, start, start + 11)
    assert anchor(TEXT.replace("203.0.113.5", "192.0.2.1"), selector) is None


def test_a_whole_article_note_has_no_anchor():
    assert Selector("").is_whole_article and anchor(TEXT, Selector("")) is None


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (0, 10_000)])
def test_offsets_outside_the_text_are_refused(start, end):
    with pytest.raises(ValueError, match="outside the text"):
        selector_for(TEXT, start, end)


def test_find_quote_prefers_the_occurrence_nearest_the_hint_when_context_ties():
    text = "alpha beta alpha beta alpha"
    assert find_quote(text, "alpha", near=20) == 22
    assert find_quote(text, "gamma") is None and find_quote(text, "  ") is None


def test_a_one_letter_quote_in_a_huge_text_is_found_quickly():
    import time

    text = "e " * 400_000  # 800k characters, 400k occurrences
    started = time.perf_counter()
    assert find_quote(text, "e", prefix="e ", suffix=" e", near=10) is not None
    assert time.perf_counter() - started < 5.0  # ~10 ms; slicing whole texts took minutes
