"""Parse seed files: the plain-text article format analysts receive.

Layout::

    Apr 15, 2026 • Robert Lemos            (dateline: date • authors)
    Microsoft Bets $10B to Boost …         (title)
    Microsoft announced a $10 billion …    (teaser)
    Executive Summary                      (named sections, any may be missing,
    …text, may span several lines…          each at most once, in any order)
    Summary
    …
    Published Analysis
    …

Pure Python, no Django: :func:`parse_seed` returns a :class:`SeedDocument` or
raises :class:`SeedFormatError` naming the file, the line and what was expected.
Messages never quote the file's text: a seed folder is read on an admin's say-so,
and an error must not become a way to read a file line by line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

SECTIONS = {
    "executive summary": "executive_summary",
    "summary": "summary",
    "published analysis": "analysis",
}
_SECTION_HEADINGS = {key: name.title() for name, key in SECTIONS.items()}
MAX_SEED_BYTES = 5 * 1024 * 1024

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
# "Apr 15, 2026 • Robert Lemos"; the bullet may also be written as "|" or "-" by hand.
_DATELINE = re.compile(
    r"^(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})\s*(?:[•·|]|\s-\s)\s*(?P<authors>.*)$"
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|&|\band\b)\s*", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+")


class SeedFormatError(ValueError):
    """A seed file that does not follow the format. ``str()`` is the message for a person."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}, line {line}" if line else path
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class SeedDocument:
    path: str
    published: dt.date
    authors: list[str]
    title: str
    teaser: str
    executive_summary: str = ""
    summary: str = ""
    analysis: str = ""
    content_hash: str = field(default="")


def starts_with_dateline(text: str) -> bool:
    """Does ``text`` begin like a seed file ("Apr 15, 2026 • Author")? Tells seeds from raw text."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return _DATELINE.match(first.strip()) is not None


def parse_seed_file(path: Path) -> SeedDocument:
    """Read and parse one file; every problem becomes a :class:`SeedFormatError`."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_SEED_BYTES:
            raise SeedFormatError(
                name, None, f"file is {size:,} bytes; seed files are limited to {MAX_SEED_BYTES:,}"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise SeedFormatError(name, None, f"cannot be read ({exc.strerror or exc})") from exc
    return parse_seed(raw, name)


def parse_seed(raw: bytes, path: str = "<seed>") -> SeedDocument:
    text = _decode(raw, path)
    lines = text.splitlines()
    # Leading and trailing blank lines are layout, not content.
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise SeedFormatError(
            path, None, "file is empty; expected a dateline such as 'Apr 15, 2026 • Author Name'"
        )

    published, authors = _parse_dateline(lines[first], path, first + 1)
    cursor = first + 1
    title, cursor = _next_nonblank(lines, cursor)
    if title is None or _section_key(title) is not None:
        line_number = first + 2 if title is None else cursor
        raise SeedFormatError(path, line_number, "expected the title on the line after the dateline")
    teaser_line, cursor_after_teaser = _next_nonblank(lines, cursor)
    teaser = ""
    if teaser_line is not None and _section_key(teaser_line) is None:
        teaser, cursor = teaser_line.strip(), cursor_after_teaser

    sections = _parse_sections(lines, cursor, path)
    analysis = drop_repeated_sentences(sections.get("analysis", ""))
    executive_summary = sections.get("executive_summary", "")
    summary = sections.get("summary", "")
    digest = hashlib.sha256(
        "\x1f".join(
            [
                published.isoformat(),
                "|".join(authors),
                title.strip(),
                teaser,
                executive_summary,
                summary,
                analysis,
            ]
        ).encode("utf-8")
    ).hexdigest()
    return SeedDocument(
        path=path,
        published=published,
        authors=authors,
        title=title.strip(),
        teaser=teaser,
        executive_summary=executive_summary,
        summary=summary,
        analysis=analysis,
        content_hash=digest,
    )


def drop_repeated_sentences(text: str) -> str:
    """Remove sentences that repeat, verbatim, one said earlier in the same text.

    Real input is messy: the seed's analysis ends with the same sentence twice.
    Paragraph breaks are kept; comparison ignores case and runs of white space.
    """
    seen: set[str] = set()
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text):
        kept = []
        for sentence in _SENTENCE_END.split(paragraph.strip()):
            key = " ".join(sentence.split()).lower()
            if not key:
                continue
            if key in seen:
                continue
            seen.add(key)
            kept.append(sentence.strip())
        if kept:
            paragraphs.append(" ".join(kept))
    return "\n\n".join(paragraphs)


def _decode(raw: bytes, path: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SeedFormatError(
            path,
            line,
            f"is not UTF-8 (an invalid byte at offset {exc.start}); save the file as UTF-8",
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SeedFormatError(path, line, "contains a NUL byte; seed files are plain text")
    return text


def _parse_dateline(line: str, path: str, number: int) -> tuple[dt.date, list[str]]:
    expected = "expected a dateline such as 'Apr 15, 2026 • Author Name'"
    match = _DATELINE.match(line.strip())
    if not match:
        raise SeedFormatError(path, number, f"{expected}; this line is not in that form")
    month = _MONTHS.get(match["month"].lower())
    if month is None:
        raise SeedFormatError(
            path, number, f"the word before the day is not a month name (Jan to Dec, or in full); {expected}"
        )
    try:
        published = dt.date(int(match["year"]), month, int(match["day"]))
    except ValueError as exc:
        raise SeedFormatError(
            path,
            number,
            f"impossible date ({exc}); {expected}",
        ) from None
    authors = [a.strip() for a in _AUTHOR_SPLIT.split(match["authors"]) if a.strip()]
    if not authors:
        raise SeedFormatError(path, number, f"no author after the date; {expected}")
    too_long = next((a for a in authors if len(a) > 200), None)
    if too_long:
        raise SeedFormatError(path, number, f"author name is {len(too_long)} characters; at most 200")
    return published, authors


def _next_nonblank(lines: list[str], start: int) -> tuple[str | None, int]:
    for index in range(start, len(lines)):
        if lines[index].strip():
            return lines[index], index + 1
    return None, len(lines) + 1


def _section_key(line: str) -> str | None:
    return SECTIONS.get(" ".join(line.split()).lower().rstrip(":"))


def _parse_sections(lines: list[str], start: int, path: str) -> dict[str, str]:
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for index in range(start, len(lines)):
        line = lines[index]
        key = _section_key(line)
        if key is not None:
            if key in sections:
                heading = _SECTION_HEADINGS[key]
                raise SeedFormatError(path, index + 1, f"section {heading!r} appears a second time")
            sections[key] = []
            current = key
            continue
        if current is None:
            if line.strip():
                names = ", ".join(f"'{name.title()}'" for name in SECTIONS)
                raise SeedFormatError(
                    path,
                    index + 1,
                    f"expected a section heading ({names}) after the teaser, found other text",
                )
            continue
        sections[current].append(line.rstrip())
    return {key: _join_paragraphs(body) for key, body in sections.items()}


def _join_paragraphs(lines: list[str]) -> str:
    """Lines of one paragraph are joined; blank lines separate paragraphs."""
    paragraphs, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)
