"""Marked-up article text is escaped and well-formed whatever the spans are."""

from __future__ import annotations

from html.parser import HTMLParser

from articles.highlight import Span, marked_line, marked_text


class TagBalance(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag, attrs):
        if tag != "br":
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.ok = False


def balanced(html: str) -> bool:
    parser = TagBalance()
    parser.feed(html)
    return parser.ok and not parser.stack


def test_spans_are_marked_and_text_is_escaped():
    text = "APT28 used <script> at 1.2.3.4."
    html = marked_text(
        text,
        [Span(0, 5, "e1", "finding--threat-actor", "a1"), Span(23, 30, "i1", "finding--indicator", "a2")],
    )
    assert '<mark class="finding finding--threat-actor" id="a1" data-finding="e1">APT28</mark>' in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert balanced(html)


def test_a_span_across_a_paragraph_break_stays_well_formed():
    text = "First para ends here.\n\nSecond para starts."
    html = marked_text(text, [Span(11, 30, "k", "finding--x", "a")])
    assert balanced(html)
    assert html.count("<p>") == 2 and html.count('data-finding="k"') == 2
    assert html.count('id="a"') == 1  # the anchor is on the first part only


def test_overlapping_spans_are_not_nested():
    text = "hxxp://evil[.]com/path"
    html = marked_text(
        text, [Span(0, 22, "u", "finding--indicator", "a"), Span(7, 17, "d", "finding--indicator", "b")]
    )
    assert html.count("<mark") == 1 and balanced(html)


def test_hostile_attribute_values_are_escaped():
    html = marked_text("abc", [Span(0, 3, '"><img src=x onerror=1>', 'x" onclick="y', "z")])
    assert "<img" not in html and 'onclick="y' not in html


def test_a_one_line_section_is_marked_without_paragraph_tags():
    html = marked_line("Patch <CVE-2024-3400> now", [Span(7, 20, "i1", "finding--indicator", "a1")])

    assert html == (
        'Patch &lt;<mark class="finding finding--indicator" id="a1" data-finding="i1">'
        "CVE-2024-3400</mark>&gt; now"
    )
