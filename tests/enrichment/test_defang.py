"""Defanged indicators: refang/defang helpers and extraction of every written form."""

from __future__ import annotations

import pytest

from articles.enrichment.defang import defang, is_defanged, refang
from articles.enrichment.indicators import IndicatorExtractor
from articles.enrichment.types import Document

EXTRACTOR = IndicatorExtractor(warninglists=False)


def found(text: str) -> list[tuple[str, str, int, int, bool]]:
    """Findings as written (hosts derived from URLs and e-mails are tested elsewhere)."""
    return [
        (f.type, f.value, f.start, f.end, f.defanged)
        for f in EXTRACTOR.run(Document(text))
        if not f.derived_from
    ]


@pytest.mark.parametrize(
    ("written", "real"),
    [
        ("hxxp://a[.]b", "http://a.b"),
        ("hXXps://evil[.]com", "https://evil.com"),
        ("hxxp[:]//evil.com", "http://evil.com"),
        ("hxxps[://]evil.com", "https://evil.com"),
        ("fxp://files.evil.org", "ftp://files.evil.org"),
        ("example(.)com", "example.com"),
        ("example{.}com", "example.com"),
        ("example[dot]com", "example.com"),
        ("example(dot)com", "example.com"),
        ("example [ dot ] com", "example.com"),
        ("example [DOT] com", "example.com"),
        ("evil.com[:]8080", "evil.com:8080"),
        ("user[@]evil.com", "user@evil.com"),
        ("user[at]evil.com", "user@evil.com"),
        ("user(at)evil.com", "user@evil.com"),
        ("1.2.3[.]4", "1.2.3.4"),
    ],
)
def test_refang_undoes_each_defang_form(written: str, real: str) -> None:
    assert refang(written) == real
    assert is_defanged(written)


def test_refang_leaves_plain_text_and_its_case_alone() -> None:
    text = "HTTP://Example.COM/Path and the dot com era, meet at noon."
    assert refang(text) == text
    assert not is_defanged(text)


@pytest.mark.parametrize(
    ("value", "type_", "shown"),
    [
        ("1.2.3.4", "ipv4", "1.2.3[.]4"),
        ("https://evil.com/x", "url", "hxxps://evil[.]com/x"),
        ("http://a.b.evil.com:8080/q?x=1.2", "url", "hxxp://a.b.evil[.]com:8080/q?x=1.2"),
        ("ftp://files.evil.org/a", "url", "fxp://files.evil[.]org/a"),
        ("a@b.com", "email", "a[@]b[.]com"),
        ("evil.co.uk", "domain", "evil.co[.]uk"),
        ("2001:db8::1", "ipv6", "2001[:]db8[:][:]1"),
        ("CVE-2021-44228", "cve", "CVE-2021-44228"),
        ("d41d8cd98f00b204e9800998ecf8427e", "md5", "d41d8cd98f00b204e9800998ecf8427e"),
    ],
)
def test_defang_gives_the_display_form(value: str, type_: str, shown: str) -> None:
    assert defang(value, type_) == shown


@pytest.mark.parametrize(
    ("value", "type_"),
    [
        ("1.2.3.4", "ipv4"),
        ("2001:db8::1", "ipv6"),
        ("evil.example.com", "domain"),
        ("https://evil.example.com/x?y=1", "url"),
        ("bob@evil.example.com", "email"),
    ],
)
def test_defanged_display_form_is_extracted_back_to_the_same_value(value: str, type_: str) -> None:
    shown = defang(value, type_)
    assert found(f"IOC: {shown} .") == [(type_, value, 5, 5 + len(shown), True)]


def test_defanged_ipv4_is_refanged_and_flagged() -> None:
    assert found("C2 at 1.2.3[.]4 today") == [("ipv4", "1.2.3.4", 6, 15, True)]


def test_every_bracketed_dot_form_yields_the_same_domain() -> None:
    forms = ["evil[.]com", "evil(.)com", "evil{.}com", "evil[dot]com", "evil(dot)com", "evil [dot] com"]
    for form in forms:
        assert found(f"see {form} now") == [("domain", "evil.com", 4, 4 + len(form), True)], form


def test_dot_as_a_bare_word_is_not_a_defang() -> None:
    assert found("we met at example dot com in the dot com era") == []


@pytest.mark.parametrize(
    "written",
    [
        "hxxp://evil[.]com/a",
        "hXXp://evil.com/a",
        "hxxp[:]//evil.com/a",
        "http[://]evil.com/a",
        "hxxp:[//]evil.com/a",
    ],
)
def test_defanged_url_schemes_and_separators_are_recognized(written: str) -> None:
    assert found(f"get {written} now") == [("url", "http://evil.com/a", 4, 4 + len(written), True)]


def test_fxp_scheme_is_ftp() -> None:
    assert found("fxp://files.evil[.]org/x") == [("url", "ftp://files.evil.org/x", 0, 24, True)]


@pytest.mark.parametrize(
    "written", ["bob[@]evil[.]com", "bob[at]evil.com", "bob(at)evil(dot)com", "bob [at] evil [dot] com"]
)
def test_defanged_email_forms_are_recognized(written: str) -> None:
    assert found(f"mail {written}.") == [("email", "bob@evil.com", 5, 5 + len(written), True)]


def test_defanged_port_colon_is_part_of_the_url() -> None:
    assert found("hxxp://evil[.]com[:]8080/x") == [("url", "http://evil.com:8080/x", 0, 26, True)]


def test_plain_indicator_is_not_flagged_defanged() -> None:
    assert found("go to https://evil.com/x") == [("url", "https://evil.com/x", 6, 24, False)]
