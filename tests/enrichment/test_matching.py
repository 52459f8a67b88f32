"""The multi-name matcher: boundaries, longest match, case and context rules, offsets."""

import re

import pytest

from articles.enrichment.matching import (
    BLOCKED,
    ContextRule,
    NameMatch,
    NameMatcher,
    NamePattern,
    fold,
    has_word_boundaries,
)

CONTEXTS = {"actor": ContextRule(re.compile(r"\b(?:group|hackers)\b"), window=20)}


def spans(matcher: NameMatcher, text: str) -> list[tuple[str, int]]:
    return [(text[m.start : m.end], m.target) for m in matcher.find(text)]


def test_name_inside_a_longer_word_is_not_matched():
    matcher = NameMatcher([NamePattern("Turla", 1)])
    assert spans(matcher, "Turlaxx and xTurla, but Turla.") == [("Turla", 1)]


def test_apt1_does_not_match_inside_apt10():
    matcher = NameMatcher([NamePattern("APT1", 1), NamePattern("APT10", 2)])
    assert spans(matcher, "APT10 then APT1.") == [("APT10", 2), ("APT1", 1)]


def test_longest_of_overlapping_matches_wins():
    matcher = NameMatcher([NamePattern("Lazarus", 1), NamePattern("Lazarus Group", 2)])
    text = "The Lazarus Group, or Lazarus."
    assert matcher.find(text) == [NameMatch(4, 17, 2), NameMatch(22, 29, 1)]


def test_leftmost_match_wins_over_a_later_overlapping_one():
    matcher = NameMatcher([NamePattern("Cobalt Strike", 1), NamePattern("Strike Team", 2)])
    assert spans(matcher, "Cobalt Strike Team") == [("Cobalt Strike", 1)]


def test_exact_case_rule_rejects_other_casings():
    matcher = NameMatcher([NamePattern("Mercury", 1, exact_case=True)])
    assert spans(matcher, "mercury, MERCURY, Mercury") == [("Mercury", 1)]


def test_any_case_rule_accepts_all_casings():
    matcher = NameMatcher([NamePattern("Emotet", 1)])
    assert spans(matcher, "emotet EMOTET") == [("emotet", 1), ("EMOTET", 1)]


def test_context_rule_needs_a_context_word_within_the_window():
    matcher = NameMatcher([NamePattern("Sandworm", 1, True, "actor")], CONTEXTS)
    assert spans(matcher, "Sandworm hackers struck.") == [("Sandworm", 1)]
    assert spans(matcher, "A Sandworm crawled out of the desert sand.") == []
    assert spans(matcher, "Sandworm crawled out of the desert, said the group.") == []


def test_failed_longer_name_lets_a_valid_shorter_one_match():
    matcher = NameMatcher([NamePattern("Lazarus", 1), NamePattern("Lazarus Group", 2, exact_case=True)])
    assert spans(matcher, "lazarus group") == [("lazarus", 1)]


def test_blocked_phrase_hides_the_name_inside_it():
    matcher = NameMatcher([NamePattern("American", 1), NamePattern("Latin American", BLOCKED)])
    assert spans(matcher, "Latin American and American banks") == [("American", 1)]


def test_name_inside_a_domain_or_file_name_is_not_matched():
    matcher = NameMatcher([NamePattern("Microsoft", 1), NamePattern("T1059", 2)])
    assert spans(matcher, "microsoft.com T1059.001 user@microsoft") == []
    assert spans(matcher, "Microsoft. T1059.") == [("Microsoft", 1), ("T1059", 2)]


def test_word_boundaries_accept_punctuation_and_hyphens():
    assert has_word_boundaries("APT28-linked", 0, 5)
    assert has_word_boundaries("(Turla)", 1, 6)
    assert not has_word_boundaries("APT281", 0, 5)


def test_fold_keeps_length_for_characters_that_grow_when_lowered():
    text = "İstanbul Straße ẞ"
    assert len(fold(text)) == len(text)
    assert fold(text) == "İstanbul straße ß"


def test_offsets_stay_exact_after_turkish_dotted_i_and_sharp_s():
    matcher = NameMatcher([NamePattern("Turla", 1)])
    text = "İİİ Straße: TURLA and Turla"
    found = matcher.find(text)
    assert [(m.start, m.end) for m in found] == [(12, 17), (22, 27)]
    assert [text[m.start : m.end] for m in found] == ["TURLA", "Turla"]


def test_one_name_for_two_targets_is_refused():
    with pytest.raises(ValueError, match="two targets"):
        NameMatcher([NamePattern("Snake", 1), NamePattern("snake", 2)])


def test_unknown_context_group_is_refused():
    with pytest.raises(ValueError, match="unknown context group"):
        NameMatcher([NamePattern("Snake", 1, True, "nope")], CONTEXTS)


def test_empty_matcher_finds_nothing():
    assert NameMatcher([]).find("anything") == []


def test_follows_rule_needs_its_pattern_right_after_the_name():
    contexts = {"sector": ContextRule(re.compile(r"(?:\s+and\s+\w+)?\s+sectors?\b"), window=30, follows=True)}
    matcher = NameMatcher([NamePattern("energy", 1, context="sector")], contexts)
    assert matcher.find("the energy and water sectors") == [NameMatch(4, 10, 1)]
    assert matcher.find("the energy sector") == [NameMatch(4, 10, 1)]
    assert matcher.find("sector energy") == []
    assert matcher.find("energy, said the sector") == []


def test_name_in_a_list_next_to_an_accepted_name_of_its_group_has_context():
    matcher = NameMatcher(
        [
            NamePattern("Qakbot", 1, True, None, group="actor"),
            NamePattern("Hornet", 2, True, "actor", group="actor"),
            NamePattern("Wasp", 3, True, "actor", group="actor"),
        ],
        CONTEXTS,
    )
    text = "Police shut down Qakbot, Hornet and Wasp last spring, far from any other clue."
    assert spans(matcher, text) == [("Qakbot", 1), ("Hornet", 2), ("Wasp", 3)]
    assert spans(matcher, "A Hornet and a Wasp flew past Qakbot.") == [("Qakbot", 1)]


def test_list_neighbour_of_another_group_gives_no_context():
    matcher = NameMatcher(
        [NamePattern("Qakbot", 1, True, None, group="software"), NamePattern("Hornet", 2, True, "actor")],
        CONTEXTS,
    )
    assert spans(matcher, "Analysts compared Qakbot and Hornet in the lab today.") == [("Qakbot", 1)]


def test_a_vouching_name_satisfies_its_group_anywhere_in_the_text_unless_refused():
    def posing_as(_text, folded, start, _end):
        return folded[:start].endswith("posing as ")

    threatened = ContextRule(re.compile(r"\battack"), window=20, refuses=posing_as)
    patterns = [NamePattern("Spider", 1), NamePattern("casinos", 2, context="threatened")]
    vouching = NameMatcher(patterns, {"threatened": threatened}, vouchers={"threatened": [1]})
    plain = NameMatcher(patterns, {"threatened": threatened})
    text = "Spider phoned the help desks of many large casinos."
    assert spans(vouching, text) == [("Spider", 1), ("casinos", 2)]
    assert spans(plain, text) == [("Spider", 1)]
    # Without the vouching name, the context word is still needed.
    assert spans(vouching, "The help desks of many large casinos.") == []
    # Evidence against the name outweighs the voucher, as it outweighs a context word.
    assert spans(vouching, "Spider called them, posing as casinos.") == [("Spider", 1)]
