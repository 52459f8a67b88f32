"""Turn the bytes of a fetched feed into clean, sanitized entries.

XML feeds (RSS 0.9x/1.0/2.0, RDF, Atom) go through ``feedparser``
(:mod:`articles.ingest.xmlfeeds`); JSON Feed 1.0/1.1 is small enough to read with
:mod:`json` directly (:mod:`articles.ingest.jsonfeed`). Both readers return a
:class:`~articles.ingest.rawfeed.RawFeed`, which this module cleans into
:class:`FeedEntry` objects. A feed that is partly broken keeps every entry that did
parse and reports the damage in ``errors``; input that is not a feed at all raises
:class:`FeedParseError` with a message an admin can act on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from articles.ingest.jsonfeed import looks_like_json, parse_json_feed
from articles.ingest.rawfeed import (
    MAX_ENTRY_CHARS,
    FeedKind,
    FeedParseError,
    RawEntry,
    RawFeed,
    canonical_link,
    cap_html,
)
from articles.ingest.xmlfeeds import parse_xml_feed
from articles.sanitize import html_to_text, sanitize_html

__all__ = [
    "MAX_ENTRIES",
    "MAX_ENTRY_CHARS",
    "FeedEntry",
    "FeedKind",
    "FeedParseError",
    "ParsedFeed",
    "RawEntry",
    "RawFeed",
    "build_entry",
    "cap_html",
    "normalize_for_hash",
    "parse_feed",
]

MAX_ENTRIES = 10_000
TITLE_FROM_TEXT_WORDS = 12
TITLE_MAX_CHARS = 300


@dataclass
class FeedEntry:
    guid: str
    link: str  # canonical URL, "" when the entry has no usable http(s) link
    title: str  # plain text
    authors: list[str]
    published: datetime | None  # tz-aware UTC; None when the feed gives no date
    updated: datetime | None
    summary_html: str  # sanitized
    content_html: str  # sanitized
    text: str  # plain text of the content (or of the summary when there is no content)
    categories: list[str]
    content_hash: str  # sha256 hex of the normalized text, for exact de-duplication


@dataclass
class ParsedFeed:
    title: str
    link: str
    kind: FeedKind
    entries: list[FeedEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse_feed(
    body: bytes, *, url: str, content_type: str | None, max_entries: int = MAX_ENTRIES
) -> ParsedFeed:
    """Parse a feed document fetched from ``url`` (used to resolve relative links)."""
    if not body or not body.strip():
        raise FeedParseError(
            f"{url} returned an empty response instead of a feed; check that the feed URL "
            "is right and that the site is working."
        )
    if looks_like_json(body, content_type):
        raw = parse_json_feed(body, url=url)
        kind: FeedKind = "json"
    else:
        raw = parse_xml_feed(body, url=url, content_type=content_type)
        kind = raw.kind
    parsed = ParsedFeed(title=raw.title, link=raw.link, kind=kind, errors=list(raw.errors))
    for raw_entry in raw.entries[:max_entries]:
        parsed.entries.append(build_entry(raw_entry, url=url))
    if len(raw.entries) > max_entries:
        dropped = len(raw.entries) - max_entries
        parsed.errors.append(
            f"The feed has {len(raw.entries):,} entries; only the first {max_entries:,} were "
            f"kept and {dropped:,} were dropped."
        )
    parsed.errors.extend(raw.truncations)
    return parsed


def build_entry(raw: RawEntry, *, url: str) -> FeedEntry:
    """Sanitize and complete one entry: canonical link, plain text, fallbacks, hash."""
    summary_html = sanitize_html(raw.summary_html)
    content_html = sanitize_html(raw.content_html)
    text = html_to_text(content_html or summary_html)
    title = _plain_title(raw.title, raw.title_is_html) or _title_from_text(text)
    link = canonical_link(raw.link, url)
    normalized = normalize_for_hash(text or title)
    guid = raw.guid.strip() or link or "sha256:" + _sha256(normalize_for_hash(title + "\n" + text))
    return FeedEntry(
        guid=guid,
        link=link,
        title=title,
        authors=_unique(raw.authors),
        published=raw.published,
        updated=raw.updated,
        summary_html=summary_html,
        content_html=content_html,
        text=text,
        categories=_unique(raw.categories),
        content_hash=_sha256(normalized),
    )


def normalize_for_hash(text: str) -> str:
    """Lower-case, whitespace-folded text: trivial reformatting must not change the hash."""
    return " ".join(text.lower().split())


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        cleaned = " ".join(value.split())
        if cleaned and cleaned.casefold() not in {v.casefold() for v in seen}:
            seen[cleaned] = None
    return list(seen)


def _plain_title(title: str, is_html: bool) -> str:
    if is_html:
        title = html_to_text(sanitize_html(title))
    return " ".join(title.split())[:TITLE_MAX_CHARS]


def _title_from_text(text: str) -> str:
    words = text.split()
    if not words:
        return ""
    title = " ".join(words[:TITLE_FROM_TEXT_WORDS])[:TITLE_MAX_CHARS]
    return title + "…" if len(words) > TITLE_FROM_TEXT_WORDS else title
