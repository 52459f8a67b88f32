"""Render an article's plain text with its findings marked, safely.

One section at a time (title, teaser, executive summary, summary, body): spans
are relative to the section they are given with. Every segment of text is
HTML-escaped; only the ``<mark>``, ``<p>`` and ``<br>`` tags we write are
markup. The text is cut into paragraphs first and spans are clipped to their
paragraph, and a span that overlaps an earlier (longer) one is
left unmarked rather than nested — so the output is always well-formed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    key: str  # which finding: every span of one finding shares it
    css: str  # e.g. "finding--indicator", "finding--threat-actor"
    anchor: str  # unique element id, the target of the finding's link


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank paragraph, as offsets into ``text``."""
    ranges, cursor = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        ranges.append((cursor, match.start()))
        cursor = match.end()
    ranges.append((cursor, len(text)))
    return [(a, b) for a, b in ranges if text[a:b].strip()]


def marked_text(text: str, spans: list[Span]) -> SafeString:
    """``text`` as paragraphs (``<p>``), its spans marked."""
    chosen = well_formed(text, spans)
    html_paragraphs = []
    for para_start, para_end in paragraphs(text):
        inside = [s for s in chosen if s.start < para_end and s.end > para_start]
        html_paragraphs.append(_mark_range(text, para_start, para_end, inside))
    return mark_safe("".join(f"<p>{p}</p>" for p in html_paragraphs))  # noqa: S308 (all text escaped)


def marked_line(text: str, spans: list[Span]) -> SafeString:
    """A one-line section (a title, a teaser) with its spans marked, without paragraph tags."""
    return mark_safe(_mark_range(text, 0, len(text), well_formed(text, spans)))  # noqa: S308 (all text escaped)


def well_formed(text: str, spans: list[Span]) -> list[Span]:
    """Spans inside the text, in order, each starting after the previous one ends."""
    chosen: list[Span] = []
    last_end = -1
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if span.start >= last_end and 0 <= span.start < span.end <= len(text):
            chosen.append(span)
            last_end = span.end
    return chosen


def _mark_range(text: str, start: int, end: int, spans: list[Span]) -> str:
    out: list[str] = []
    cursor = start
    for span in spans:
        a, b = max(span.start, start), min(span.end, end)  # clipped to this paragraph
        out.append(_escape_lines(text[cursor:a]))
        anchor = f' id="{escape(span.anchor)}"' if a == span.start else ""
        out.append(
            f'<mark class="finding {escape(span.css)}"{anchor} '
            f'data-finding="{escape(span.key)}">{_escape_lines(text[a:b])}</mark>'
        )
        cursor = b
    out.append(_escape_lines(text[cursor:end]))
    return "".join(out)


def _escape_lines(segment: str) -> str:
    return escape(segment).replace("\n", "<br>")
