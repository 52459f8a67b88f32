"""The seed format parser, on the real seed and on broken files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from articles.ingest.seeds import (
    SeedFormatError,
    drop_repeated_sentences,
    parse_seed,
    parse_seed_file,
)

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_7e4bbf7a3a8b7733.txt"
REPEATED = (
    "The deal aims to accelerate AI adoption, train workers, and develop cybersecurity "
    "partnerships — the latest move by a hyperscaler to compete for sovereign AI and data centers."
)

GOOD = """Jan 2, 2026 • Ann Author, Bob Writer and Cy Scribe & Di Reporter
A title
A teaser line.
Executive Summary
First line of the
executive summary.
Published Analysis
Para one.

Para two.
"""


def test_real_seed_parses_with_date_author_title_and_three_sections():
    doc = parse_seed_file(SEED)
    assert doc.published == dt.date(2026, 4, 15)
    assert doc.authors == ["Robert Lemos"]
    assert doc.title == "Microsoft Bets $10B to Boost Japan's AI, Cybersecurity"
    assert doc.teaser.startswith("Microsoft announced a $10 billion investment in Japan")
    assert doc.executive_summary.startswith("Microsoft announced a $10 billion investment")
    assert doc.executive_summary.endswith("rather than a direct threat intelligence alert.")
    assert doc.summary == REPEATED
    assert doc.analysis.endswith(REPEATED)


def test_real_seed_analysis_keeps_the_repeated_sentence_only_once():
    doc = parse_seed_file(SEED)
    assert doc.analysis.count(REPEATED) == 1
    raw = SEED.read_text(encoding="utf-8")
    assert raw.count(REPEATED) == 3  # summary + twice in the analysis: the input really is messy


def test_several_authors_joined_by_comma_and_ampersand():
    doc = parse_seed(GOOD.encode(), "good.txt")
    assert doc.authors == ["Ann Author", "Bob Writer", "Cy Scribe", "Di Reporter"]


def test_sections_span_lines_and_keep_paragraphs_and_missing_sections_are_empty():
    doc = parse_seed(GOOD.encode(), "good.txt")
    assert doc.executive_summary == "First line of the executive summary."
    assert doc.analysis == "Para one.\n\nPara two."
    assert doc.summary == ""


def test_same_content_gives_same_hash_and_changed_content_a_new_one():
    first = parse_seed(GOOD.encode(), "a.txt")
    again = parse_seed(GOOD.encode(), "b.txt")
    changed = parse_seed(GOOD.replace("Para two.", "Para 2.").encode(), "a.txt")
    assert first.content_hash == again.content_hash
    assert first.content_hash != changed.content_hash


def test_drop_repeated_sentences_ignores_case_and_spacing():
    text = "One here.  Two  there. one   HERE. Three!"
    assert drop_repeated_sentences(text) == "One here. Two  there. Three!"


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        (b"", None, "file is empty"),
        (b"   \n\n  \n", None, "file is empty"),
        (b"Hello world\nTitle\n", 1, "expected a dateline"),
        (b"Feb 30, 2026 \xe2\x80\xa2 A\nTitle\n", 1, "impossible date"),
        (b"Foo 3, 2026 \xe2\x80\xa2 A\nTitle\n", 1, "is not a month name"),
        (b"Apr 15, 2026 \xe2\x80\xa2 \nTitle\n", 1, "no author"),
        (b"Apr 15, 2026 \xe2\x80\xa2 A\n", 2, "expected the title"),
        (b"Apr 15, 2026 \xe2\x80\xa2 A\nSummary\n", 2, "expected the title"),
        (
            b"Apr 15, 2026 \xe2\x80\xa2 A\nT\nTeaser\nstray text\nSummary\nx\n",
            4,
            "expected a section heading",
        ),
        (
            b"Apr 15, 2026 \xe2\x80\xa2 A\nT\nTeaser\nSummary\nx\nSummary\ny\n",
            6,
            "appears a second time",
        ),
        (b"Apr 15, 2026 \xe2\x80\xa2 A\nT\n\xff\xfe bad\n", 3, "is not UTF-8"),
        (b"Apr 15, 2026 \xe2\x80\xa2 A\nT\nnul\x00\n", 3, "NUL byte"),
    ],
)
def test_bad_files_name_the_file_the_line_and_what_was_expected(content, line, fragment):
    with pytest.raises(SeedFormatError) as caught:
        parse_seed(content, "bad.txt")
    error = caught.value
    assert error.path == "bad.txt"
    assert error.line == line
    assert fragment in str(error)
    assert str(error).startswith(f"bad.txt, line {line}:" if line else "bad.txt:")


def test_missing_file_is_a_format_error_not_a_crash(tmp_path):
    with pytest.raises(SeedFormatError, match="cannot be read"):
        parse_seed_file(tmp_path / "nope.txt")


def test_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    import articles.ingest.seeds as seeds

    monkeypatch.setattr(seeds, "MAX_SEED_BYTES", 10)
    path = tmp_path / "big.txt"
    path.write_text("x" * 100)
    with pytest.raises(SeedFormatError, match="limited to 10"):
        parse_seed_file(path)
