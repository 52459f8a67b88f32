"""Untrusted HTML in, safe HTML and plain text out.

Every piece of HTML that reaches a page (feed content, seed bodies, manual
entry) passes through :func:`sanitize_html` before it is stored; templates may
then mark the stored value safe. The allow-list is deliberately small: reading
text, links and simple structure, no styles, no scripts, no embeds.
"""

from __future__ import annotations

import html
import re

import bleach
from bleach.html5lib_shim import Filter

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan", "scope"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Elements whose *content* must disappear too, not just the tags.
_DROP_WITH_CONTENT = re.compile(
    r"<(script|style|template|iframe|object|noscript|svg|math)\b[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK_BOUNDARY = re.compile(
    r"</?(p|div|br|li|ul|ol|h[1-6]|tr|table|blockquote|pre|dd|dt|hr|figure)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


class _SafeLinks(Filter):
    """Mark every surviving link so it cannot reach back into the portal's window.

    Links are not auto-created from bare text on purpose: in threat intel a bare
    ``evil.example`` is an indicator, and making it clickable invites accidents.
    """

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                attrs = dict(token.get("data") or {})
                attrs[(None, "rel")] = "noopener noreferrer nofollow"
                token["data"] = attrs
            yield token


_cleaner = bleach.sanitizer.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_SafeLinks],
)


def sanitize_html(raw: str) -> str:
    """Return ``raw`` reduced to the allow-list; safe to render unescaped."""
    if not raw:
        return ""
    without_active = _DROP_WITH_CONTENT.sub("", raw)
    return _cleaner.clean(without_active)


def html_to_text(raw: str) -> str:
    """Plain text of an HTML fragment: block elements become line breaks."""
    if not raw:
        return ""
    text = _DROP_WITH_CONTENT.sub("", raw)
    text = _BLOCK_BOUNDARY.sub("\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def text_to_html(text: str) -> str:
    """Paragraphs of escaped plain text, for sources that deliver text only."""
    paragraphs = [p.strip() for p in _BLANK_LINES.split(text or "") if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
