"""The search box's language, parsed without Django or a database (articles/search/query.py)."""

from __future__ import annotations

import pytest

from articles.search.query import (
    FIELD,
    INDICATOR,
    MAX_TERMS,
    PHRASE,
    WORD,
    Clause,
    Term,
    fts5_query,
    parse,
    websearch_text,
)
from articles.search.snippets import render


def shape(raw: str) -> list[tuple]:
    """Each clause as (negated, [(kind, text, field or type), …])."""
    return [
        (clause.negated, [(t.kind, t.text, t.field or t.type) for t in clause.terms])
        for clause in parse(raw).clauses
    ]


def test_words_are_separate_clauses_that_must_all_match():
    assert shape("ransomware  hospital") == [
        (False, [(WORD, "ransomware", "")]),
        (False, [(WORD, "hospital", "")]),
    ]


def test_quoted_words_are_a_phrase_and_a_quoted_single_word_is_a_word():
    assert shape('"threat actors" "lockbit"') == [
        (False, [(PHRASE, "threat actors", "")]),
        (False, [(WORD, "lockbit", "")]),
    ]


def test_a_minus_excludes_a_word_a_phrase_or_a_prefix():
    assert shape('-phishing -"cloud provider" -tag:apt') == [
        (True, [(WORD, "phishing", "")]),
        (True, [(PHRASE, "cloud provider", "")]),
        (True, [(FIELD, "apt", "tag")]),
    ]


def test_or_joins_its_neighbours_and_binds_tighter_than_and():
    assert shape("attack lockbit OR blackcat or akira") == [
        (False, [(WORD, "attack", "")]),
        (False, [(WORD, "lockbit", ""), (WORD, "blackcat", ""), (WORD, "akira", "")]),
    ]


@pytest.mark.parametrize(
    "raw", ["or lockbit", "lockbit or", "lockbit or or blackcat", "lockbit or -blackcat"]
)
def test_an_or_without_a_positive_term_on_each_side_is_ignored(raw):
    assert all(len(clause.terms) == 1 for clause in parse(raw).clauses)
    assert not any(t.text.lower() == "or" for c in parse(raw).clauses for t in c.terms)


@pytest.mark.parametrize(
    ("raw", "field", "value"),
    [
        ('actor:"Fancy Bear"', "actor", "Fancy Bear"),
        ("ACTOR:apt28", "actor", "apt28"),
        ("malware:LockBit", "malware", "LockBit"),
        ("technique:T1566.001", "technique", "T1566.001"),
        ("author:jane-doe", "author", "jane-doe"),
        ('source:"The Record"', "source", "The Record"),
        ("tag:tlp:amber", "tag", "tlp:amber"),
        ('tag:"misp-galaxy:threat-actor=APT28"', "tag", "misp-galaxy:threat-actor=APT28"),
    ],
)
def test_prefixes_take_a_bare_or_quoted_value(raw, field, value):
    assert shape(raw) == [(False, [(FIELD, value, field)])]


@pytest.mark.parametrize(
    ("raw", "type_", "value"),
    [
        ("203.0.113.7", "ipv4", "203.0.113.7"),
        ("203.0.113[.]7", "ipv4", "203.0.113.7"),
        ("(203.0.113.7),", "ipv4", "203.0.113.7"),
        ("2001:db8:0:0::1", "ipv6", "2001:db8::1"),
        ("Evil.Example.COM", "domain", "evil.example.com"),
        ("evil[.]example(dot)com", "domain", "evil.example.com"),
        ("hxxps://evil[.]example[.]com/path?x=1", "url", "https://evil.example.com/path?x=1"),
        ("ops[at]evil[.]example[.]com", "email", "ops@evil.example.com"),
        ("D41D8CD98F00B204E9800998ECF8427E", "md5", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a" * 63 + "b", "sha256", "a" * 63 + "b"),
        ("cve-2024-3400", "cve", "CVE-2024-3400"),
        ("cve:2024-3400", "cve", "CVE-2024-3400"),
        ("cve:CVE\u20132024\u20133400", "cve", "CVE-2024-3400"),
        ("ioc:hxxp://evil[.]example[.]com/", "url", "http://evil.example.com/"),
    ],
)
def test_an_indicator_typed_in_any_form_is_an_exact_lookup_of_its_stored_value(raw, type_, value):
    assert shape(raw) == [(False, [(INDICATOR, value, type_)])]


@pytest.mark.parametrize("raw", ["setup.py", "e.g.", "3.5", "version 1.2.3.4.5", "2024", "node.js"])
def test_ordinary_words_with_dots_are_not_indicators(raw):
    assert all(t.kind != INDICATOR for c in parse(raw).clauses for t in c.terms)


def test_a_quoted_indicator_searches_the_text_instead():
    assert shape('"203.0.113.7"') == [(False, [(WORD, "203.0.113.7", "")])]


def test_ioc_with_an_unrecognised_value_stays_a_prefix_lookup():
    assert shape("ioc:some-mutex-name") == [(False, [(FIELD, "some-mutex-name", "ioc")])]


@pytest.mark.parametrize(
    ("raw", "notice"),
    [
        ('"unbalanced quote', "unbalanced quote"),
        ("actor:", "actor: needs a value"),
        ('actor:""', "actor: needs a value"),
        ("cve:nope", "is not a CVE id"),
        ("note:foo", "is not a search prefix"),
    ],
)
def test_what_cannot_be_used_is_searched_as_words_with_a_notice(raw, notice):
    parsed = parse(raw)
    assert parsed.clauses and all(c.is_text for c in parsed.clauses)
    assert any(notice in n for n in parsed.notices), parsed.notices


@pytest.mark.parametrize(
    "raw", ["", "   ", "-", "- -", "or", "OR or", '""', '" "', '-- or - ""', "!!! ???", "-:"]
)
def test_only_operators_or_punctuation_leave_nothing_to_search(raw):
    assert parse(raw).is_empty


def test_urls_with_schemes_are_not_unknown_prefixes():
    assert not parse("http://evil.example.com/x").notices


def test_a_huge_query_is_cut_to_the_first_terms_and_long_words_are_cut():
    parsed = parse(" ".join(f"w{n}" for n in range(100)) + " " + "x" * 10_000)
    assert len(parsed.clauses) == MAX_TERMS
    assert any("first 16 terms" in n for n in parsed.notices)
    assert max(len(t.text) for c in parse("y" * 10_000).clauses for t in c.terms) <= 300


def test_nul_and_control_characters_never_break_the_parser():
    assert shape("a\x00b") == [(False, [(WORD, "a", "")]), (False, [(WORD, "b", "")])]
    assert parse("\x01\x02").is_empty


def test_a_repeated_clause_is_kept_once():
    assert len(parse("apt apt APT").clauses) == 2  # case is the database's business


def test_websearch_text_quotes_every_term_so_no_operator_hides_in_a_word():
    clauses = parse('lockbit or "black cat" -akira ran&some|ware!').clauses
    assert websearch_text(clauses) == '"lockbit" or "black cat" -"akira" "ran&some|ware!"'
    evil = (Clause((Term(WORD, 'a"b'),)),)
    assert websearch_text(evil) == '"a b"'


def test_fts5_query_quotes_every_term_and_keeps_exclusions_apart():
    clauses = parse('lockbit or "black cat" -akira NEAR AND*').clauses
    match, exclude = fts5_query(clauses)
    assert match == '("lockbit" OR "black cat") AND ("NEAR") AND ("AND*") NOT ("akira")'
    assert exclude == '"akira"'
    assert fts5_query(parse("-akira").clauses) == ("", '"akira"')
    assert fts5_query((Clause((Term(WORD, 'say "hi"'),)),))[0] == '("say ""hi""")'


def test_snippet_markup_is_escaped_and_always_well_formed():
    assert render("a \x01<b>\x02 & c") == "a <mark>&lt;b&gt;</mark> &amp; c"
    assert render("no match here") is None
    assert render("\x02stray stop \x01open never closed") == "stray stop <mark>open never closed</mark>"
    assert render("\x01\x01twice\x02\x02") == "<mark>twice</mark>"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("8.8.8[.]8", True),
        ("ransomware 44d88612fea8a8f36de82e1278abb02f", True),
        ("ioc:whatever.example", True),
        ("ransomware or loader", False),
        ('actor:APT28 "initial access"', False),
        ("-8.8.8.8", True),  # excluded, but still found from the sightings
    ],
)
def test_a_query_knows_whether_it_looks_for_an_indicator(raw, expected):
    assert parse(raw).has_indicators is expected
