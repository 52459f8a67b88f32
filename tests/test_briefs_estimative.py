"""The estimative-language check: one probability scale, confidence stated apart."""

from __future__ import annotations

from briefs.estimative import YARDSTICK, check, likelihood_terms


def codes(text: str) -> list[str]:
    return [w.code for w in check(text)]


def test_the_seven_terms_of_the_scale_pass():
    for term, _, _ in YARDSTICK:
        assert codes(f"Renewed attacks are {term}.") == [], term


def test_mixing_the_two_scales_is_warned():
    assert codes("Exploitation is likely; a patch this month is highly improbable.") == ["mixed-scales"]


def test_the_second_scale_alone_is_pointed_to_the_brief_s_terms():
    warnings = check("Exploitation is probable.")
    assert [w.code for w in warnings] == ["synonym-scale"]
    assert "“likely”" in warnings[0].message


def test_likelihood_and_confidence_in_one_sentence_is_warned():
    assert codes("We assess with high confidence that exploitation is very likely.") == [
        "likelihood-and-confidence"
    ]
    assert codes("Exploitation is very likely. We have high confidence in this.") == []


def test_longer_terms_are_read_whole_and_remote_code_execution_is_not_a_likelihood():
    assert likelihood_terms("It is very unlikely, almost certain, roughly even chance.") == [
        ("very unlikely", "scale"),
        ("almost certain", "scale"),
        ("roughly even chance", "scale"),
    ]
    assert codes("A remote code execution flaw is likely to be exploited.") == []
    assert codes("There is a remote chance; it is likely.") == ["mixed-scales"]


def test_a_key_judgment_without_any_likelihood_is_warned_but_a_summary_is_not():
    assert codes("APT28 will target the elections.") == []
    assert [w.code for w in check("APT28 will target the elections.", judgment=True)] == ["no-likelihood"]
    assert check("APT28 will very likely target the elections.", judgment=True) == []
