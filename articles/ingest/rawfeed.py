"""What a feed reader hands back: the feed and its entries as the feed states them.

:mod:`articles.ingest.xmlfeeds` and :mod:`articles.ingest.jsonfeed` both produce a
:class:`RawFeed`; :mod:`articles.ingest.feeds` cleans it into the entries we store.
Kept in its own module so the two readers and ``feeds.py`` share these types and
helpers without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from urllib.parse import urljoin

from articles.ingest.urls import canonicalize_url

MAX_ENTRY_CHARS = 1_000_000  # per HTML field of one entry, before sanitizing

FeedKind = Literal["rss", "atom", "rdf", "json"]


class FeedParseError(Exception):
    """The body is not a feed; ``str(error)`` tells an admin what to do about it."""


@dataclass
class RawEntry:
    """An entry as the feed states it, before cleaning; shared by the XML and JSON readers."""

    guid: str = ""
    link: str = ""
    title: str = ""
    title_is_html: bool = False
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    updated: datetime | None = None
    summary_html: str = ""
    content_html: str = ""
    categories: list[str] = field(default_factory=list)


@dataclass
class RawFeed:
    title: str
    link: str
    kind: FeedKind
    entries: list[RawEntry]
    errors: list[str] = field(default_factory=list)
    truncations: list[str] = field(default_factory=list)


def canonical_link(link: str, base_url: str) -> str:
    """``link`` made absolute against ``base_url`` and canonical; "" unless it is http(s)."""
    link = link.strip()
    if not link:
        return ""
    absolute = urljoin(base_url, link)
    if not absolute.lower().startswith(("http://", "https://")):
        # javascript:, data:, file: ... links are never stored, let alone rendered.
        return ""
    return canonicalize_url(absolute)


def cap_html(value: str, what: str, truncations: list[str]) -> str:
    """Cut an oversized field so one entry cannot exhaust a worker's memory."""
    if len(value) <= MAX_ENTRY_CHARS:
        return value
    truncations.append(
        f"The {what} of one entry is {len(value):,} characters long; it was cut to {MAX_ENTRY_CHARS:,}."
    )
    return value[:MAX_ENTRY_CHARS]
