"""Render an article's plain text with its findings marked, safely.

Every segment of text is HTML-escaped; only the ``<mark>`` and ``<p>`` tags we
write are markup. Spans that overlap an earlier (longer) span are left out of
the marking, never nested, so the output is always well-formed.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    key: str  # which finding: every span of one finding shares it
    css: str  # e.g. "finding--indicator", "finding--threat-actor"
    anchor: str  # unique element id, the target of the finding's link


def marked_text(text: str, spans: list[Span]) -> SafeString:
    chosen: list[Span] = []
    last_end = -1
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if span.start >= last_end and 0 <= span.start < span.end <= len(text):
            chosen.append(span)
            last_end = span.end
    out: list[str] = []
    cursor = 0
    for span in chosen:
        out.append(escape(text[cursor : span.start]))
        out.append(
            f'<mark class="finding {escape(span.css)}" id="{escape(span.anchor)}" '
            f'data-finding="{escape(span.key)}">{escape(text[span.start : span.end])}</mark>'
        )
        cursor = span.end
    out.append(escape(text[cursor:]))
    html = "".join(out)
    # Paragraphs: blank lines in the plain text. Offsets are unaffected (we only add tags).
    paragraphs = [p for p in html.split("\n\n") if p.strip()]
    return mark_safe("".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs))  # noqa: S308
