"""Untrusted HTML is reduced to an allow-list before it can reach a page."""

from __future__ import annotations

import pytest

from articles.sanitize import html_to_text, sanitize_html, text_to_html


@pytest.mark.parametrize(
    ("hostile", "forbidden"),
    [
        ("<script>alert(1)</script>", "alert"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<p style="background:url(javascript:alert(1))">x</p>', "style"),
        ("<iframe src=https://evil.example></iframe>", "iframe"),
        ("<svg><script>alert(1)</script></svg>", "alert"),
        ('<form action="https://evil.example"><input name=p></form>', "<form"),
        ("<style>body{display:none}</style>text", "display"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
        ("<!-- <script>alert(1)</script> -->", "alert"),
    ],
)
def test_hostile_html_is_neutralised(hostile, forbidden):
    assert forbidden.lower() not in sanitize_html(hostile).lower()


def test_reading_markup_survives_and_links_cannot_reach_back():
    clean = sanitize_html(
        '<h2>Head</h2><p>Text <strong>bold</strong> <a href="https://x.example/a">l</a></p>'
    )
    assert clean == (
        "<h2>Head</h2><p>Text <strong>bold</strong> "
        '<a href="https://x.example/a" rel="noopener noreferrer nofollow">l</a></p>'
    )


def test_bare_domains_are_not_turned_into_links():
    assert "<a" not in sanitize_html("<p>C2 at evil.example and 1.2.3.4</p>")


def test_html_to_text_keeps_paragraphs_and_unescapes():
    assert html_to_text("<p>A &amp; B</p><script>x()</script><p>C<br>D</p>") == "A & B\n\nC\nD"


def test_text_to_html_escapes_and_makes_paragraphs():
    assert text_to_html("a < b\n\nc") == "<p>a &lt; b</p><p>c</p>"
