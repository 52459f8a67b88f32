"""Where a note's passage is in an article's text, the way the W3C Web Annotation model
anchors it: a text-quote selector (the exact words, with a little text before and after)
and a text-position selector (offsets), so a note finds its passage again after the
text changes, and says so when the passage is gone.

Offsets count characters of the *annotatable text*: the article's body text with every
run of whitespace made one space and the ends trimmed (:func:`annotatable`). The page's
script builds the same string from the rendered text (paragraphs and line breaks are
whitespace there too), so an offset means the same on both sides whatever markup the
findings add. Pure Python: no Django.

Re-anchoring (:func:`anchor`) tries, in order: the exact quote at its recorded offsets;
every occurrence of the quote, scored by how much of the recorded prefix and suffix
surround it, nearest to the old position on a tie; otherwise the note is orphaned and
listed with its quote (it is never dropped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CONTEXT_LENGTH = 32  # characters of prefix and suffix kept with a quote
MAX_QUOTE_LENGTH = 5_000
# Occurrences of a quote weighed when re-anchoring; a quote that occurs more often than
# this is as good as lost (the first thousand are still tried, nearest the old place).
MAX_OCCURRENCES = 1_000
_WHITESPACE = re.compile(r"\s+")


def annotatable(text: str) -> str:
    """``text`` as notes count it: whitespace runs as one space, ends trimmed."""
    return _WHITESPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Selector:
    exact: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None  # text-position hint; None when only the quote is known

    @property
    def is_whole_article(self) -> bool:
        return not self.exact


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    moved: bool  # found somewhere else than its recorded offsets


def selector_for(text: str, start: int, end: int) -> Selector:
    """The selector of ``text[start:end]`` (``text`` already annotatable)."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"passage {start}–{end} is outside the text (length {len(text)})")
    return Selector(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_LENGTH) : start],
        suffix=text[end : end + CONTEXT_LENGTH],
        start=start,
    )


def find_quote(
    text: str, quote: str, *, prefix: str = "", suffix: str = "", near: int | None = None
) -> int | None:
    """Offset of the best occurrence of ``quote`` in ``text``, or None."""
    quote = annotatable(quote)
    if not quote:
        return None
    best: tuple[int, int] | None = None  # (score, -distance) of the best so far
    best_at = None
    at = text.find(quote)
    looked = 0
    while at != -1 and looked < MAX_OCCURRENCES:
        looked += 1
        # Only as much text as the context can match: slicing to the ends of the text for
        # every occurrence of a one-letter quote was quadratic in the article's length.
        before = text[max(0, at - len(prefix)) : at]
        after = text[at + len(quote) : at + len(quote) + len(suffix)]
        score = _common_suffix(before, prefix) + _common_prefix(after, suffix)
        distance = abs(at - near) if near is not None else at
        key = (score, -distance)
        if best is None or key > best:
            best, best_at = key, at
        at = text.find(quote, at + 1)
    return best_at


def anchor(text: str, selector: Selector) -> Anchor | None:
    """Where ``selector``'s passage is in ``text`` (annotatable) now; None when it is gone."""
    exact = annotatable(selector.exact)
    if not exact:
        return None
    hint = selector.start
    if hint is not None and text[hint : hint + len(exact)] == exact:
        return Anchor(hint, hint + len(exact), moved=False)
    at = find_quote(text, exact, prefix=selector.prefix, suffix=selector.suffix, near=hint)
    if at is None:
        return None
    return Anchor(at, at + len(exact), moved=True)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n
