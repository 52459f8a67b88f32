"""An article's text sections read as one text, without losing where each span came from.

Extraction runs once over the *joined* text: every section in reading order, separated
by :data:`SEPARATOR` — a blank line, a marker that no extractor matches, another blank
line — so no indicator or name can run from the end of one section into the next. Each
finding is then mapped back to (section, start, end) relative to its section, and
``section_text[start:end] == finding.matched`` holds for every one.

Analysts' seeds repeat themselves (the Published Analysis restates the Summary and the
Executive Summary verbatim), so the joined text says some things several times. Spans
keep every repetition: the same indicator in three sections is three spans, one per
place a reader can see it. Everything that *weighs* the text — classification,
assessment, summary, key phrases — reads :attr:`SectionLayout.reading_text` instead: the
title, then every other section with each sentence kept only where it first appears
(compared ignoring case and runs of white space), so a restated paragraph counts once.
Classification and assessment get the findings that fall in that reading text (an
indicator only in the title still counts) with the title's words weighed as the title
only; the summary is drawn from the reading text after the title, key phrases from all
of it.

Pure Python, no Django.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from functools import cache
from operator import attrgetter
from typing import Any, TypeVar

from articles.enrichment.types import Section

# Recorded with every sectioned run: a change here re-runs old articles (``enrich --stale``).
VERSION = "1.0.0"
# Reading order, which is also the order of the article page.
SECTION_NAMES = ("title", "teaser", "executive_summary", "summary", "body")
SECTION_LABELS = {
    "title": "Title",
    "teaser": "Teaser",
    "executive_summary": "Executive Summary",
    "summary": "Summary",
    "body": "Published Analysis",
}
# "§" is not a word character, a host/URL/hash character or a defang bracket, and the
# blank lines around it end every sentence, list and paragraph the extractors look at.
SEPARATOR = "\n\n\u00a7\n\n"
# Where a sentence ends (same rule as the seed parser's repeated-sentence filter): after
# . ! ? or …, optionally closed by a quote or bracket, before white space; or at a newline.
# That is ``(?<=[.!?\u2026])[\"'\u201d\u2019)]*\s+|\s*\n\s*`` (the plain form; the tests hold
# this one to it), written to open with one character class, a closing quote or white
# space, so the regex engine skips straight to those instead of trying both branches at
# every character (half the instructions). Each branch then checks what comes before:
# a closing quote after terminal punctuation, white space after terminal punctuation,
# a newline, or white space running on to a newline.
_SENTENCE_END = re.compile(
    r"[\"'\u201d\u2019)\s](?:(?<=[.!?\u2026][\"'\u201d\u2019)])[\"'\u201d\u2019)]*\s+"
    r"|(?<=[.!?\u2026]\s)\s*|(?<=\n)\s*|(?<=\s)(?=\s*\n)\s*)"
)

Finding = TypeVar("Finding")


@dataclass(frozen=True, slots=True)
class _Run:
    """A stretch of the joined text kept in the reading text at ``reading_start``."""

    joined_start: int
    reading_start: int
    length: int


@dataclass(frozen=True, slots=True)
class _Piece:
    """One section, copied whole into the joined text at ``joined_start``."""

    section: str
    joined_start: int
    length: int


class SectionLayout:
    """The joined text of some sections, and the maps from its offsets back to them."""

    def __init__(self, sections: Sequence[Section]) -> None:
        # The title leads (the reading text and its blanked copy rely on it); the rest keep
        # the order they were given in.
        self.sections = tuple(sorted((s for s in sections if s.text), key=lambda s: s.name != "title"))
        self.texts = {s.name: s.text for s in self.sections}
        self.title = self.texts.get("title", "")
        pieces, cursor, parts = [], 0, []
        for section in self.sections:
            if parts:
                parts.append(SEPARATOR)
                cursor += len(SEPARATOR)
            pieces.append(_Piece(section.name, cursor, len(section.text)))
            parts.append(section.text)
            cursor += len(section.text)
        self.text = "".join(parts)
        self._pieces = pieces
        self._runs, self.reading_text, self.after_title = self._reading()
        # The same text with the title blanked out: offsets into the reading text still hold
        # (a finding in the title is still counted), but the title's words are weighed as
        # the title only, as classification always has, not a second time as body text.
        self.text_beside_title = " " * self.after_title + self.reading_text[self.after_title :]

    def place(self, findings: Iterable[Finding]) -> list[Finding]:
        """Findings with offsets into :attr:`text` → the same findings relative to their section.

        A finding that would cross a section boundary is dropped; the separator is chosen
        so that none does (the tests hold it to that).
        """
        placed = []
        for finding in findings:
            located = _locate(self._pieces, finding.start, finding.end)  # type: ignore[attr-defined]
            if located is not None:
                section, start, end = located
                placed.append(_replace(finding, section=section, start=start, end=end))
        return placed

    def for_reading(self, findings: Iterable[Finding]) -> list[Finding]:
        """Findings with offsets into :attr:`text` → those in the reading text, re-based into it.

        A finding inside a repeated sentence is left out: the same finding sits at the
        sentence's first appearance, which the reading text keeps.
        """
        starts = [run.joined_start for run in self._runs]
        placed = []
        for finding in findings:
            start, end = finding.start, finding.end  # type: ignore[attr-defined]
            index = bisect.bisect_right(starts, start) - 1
            if index < 0:
                continue
            run = self._runs[index]
            if end <= run.joined_start + run.length:
                shift = run.reading_start - run.joined_start
                placed.append(_replace(finding, start=start + shift, end=end + shift))
        return placed

    def _reading(self) -> tuple[list[_Run], str, int]:
        """The title, then the other sections' sentences each kept only where first said.

        Returns the kept runs, the reading text and where the text after the title
        starts in it (what the summary is drawn from).
        """
        seen: set[str] = set()
        runs: list[_Run] = []
        parts: list[str] = []
        cursor = 0
        after_title = 0
        for piece in self._pieces:
            text = self.texts[piece.section]
            fresh = []
            for a, b in _sentences(text):
                key = " ".join(text[a:b].split()).casefold()
                if key not in seen:
                    seen.add(key)
                    fresh.append((a, b))
            for number, (a, b) in enumerate(_merge_adjacent(fresh, text)):
                if parts:
                    # Sections are paragraphs of the reading text; a dropped sentence a space.
                    gap = " " if number else "\n\n"
                    parts.append(gap)
                    cursor += len(gap)
                runs.append(_Run(piece.joined_start + a, cursor, b - a))
                parts.append(text[a:b])
                cursor += b - a
            if piece.section == "title":
                after_title = cursor + 2 if fresh else 0
        reading = "".join(parts)
        return runs, reading, min(after_title, len(reading))


@cache
def _positional_fields(cls: type) -> tuple[Callable[[Any], tuple[Any, ...]], dict[str, int]] | None:
    """A getter of all of a dataclass's fields at once and each one's position, when every
    field is a positional ``__init__`` argument (as in the findings); else None."""
    names = [f.name for f in fields(cls) if f.init and not f.kw_only]
    # ``attrgetter`` of one name gives the value, not a tuple: such classes take ``replace``.
    if len(names) != len(fields(cls)) or len(names) < 2:
        return None
    return attrgetter(*names), {name: position for position, name in enumerate(names)}


def _replace(finding: Finding, **changes: Any) -> Finding:
    """``dataclasses.replace(finding, **changes)``, in about half its instructions.

    Every finding of a sectioned article is copied twice (into the reading text and
    into its section), ~130 copies a 5 KB article: ``replace`` looks up the fields and
    passes each by keyword (~36,000 instructions a copy), while this reads them in one
    ``attrgetter`` call and passes them by position (~19,000; the frozen ``__init__``
    that both end in is most of that).
    """
    layout = _positional_fields(type(finding))
    if layout is None:
        return replace(finding, **changes)  # type: ignore[type-var]
    values_of, position = layout
    values = list(values_of(finding))
    for name, value in changes.items():
        values[position[name]] = value
    return type(finding)(*values)


def _locate(pieces: list[_Piece], start: int, end: int) -> tuple[str, int, int] | None:
    index = bisect.bisect_right([p.joined_start for p in pieces], start) - 1
    if index < 0:
        return None
    piece = pieces[index]
    if end > piece.joined_start + piece.length:
        return None
    return piece.section, start - piece.joined_start, end - piece.joined_start


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, without the white space between them."""
    spans, cursor = [], 0
    for boundary in _SENTENCE_END.finditer(text):
        if boundary.start() > cursor:
            spans.append((cursor, boundary.start()))
        cursor = boundary.end()
    if cursor < len(text):
        spans.append((cursor, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _merge_adjacent(sentences: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Runs of consecutive kept sentences, each run one stretch of the original text."""
    runs: list[tuple[int, int]] = []
    for a, b in sentences:
        if runs and not text[runs[-1][1] : a].strip():
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((a, b))
    return runs
