"""Reading XML feeds (RSS 0.9x/1.0/2.0, RDF, Atom) with ``feedparser``.

Separate from :mod:`articles.ingest.feeds` so the feedparser specifics (its quirks,
the entity-declaration defence, its error messages) sit in one place; the result is a
:class:`~articles.ingest.rawfeed.RawFeed` that ``feeds.py`` cleans like any other.
"""

from __future__ import annotations

import calendar
import io
import re
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

from articles.ingest.rawfeed import FeedKind, FeedParseError, RawEntry, RawFeed, canonical_link, cap_html
from articles.sanitize import text_to_html

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_DOCTYPE_WITH_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.IGNORECASE | re.DOTALL)
_DOCTYPE_SCAN_BYTES = 256 * 1024
# Plain-text titles that still carry markup (entity-escaped HTML is common in RSS).
_LOOKS_LIKE_TAG = re.compile(r"<[a-zA-Z/!]")
_XML_KINDS: dict[str, FeedKind] = {"rss090": "rdf", "rss10": "rdf"}


def parse_xml_feed(body: bytes, *, url: str, content_type: str | None) -> RawFeed:
    """The RSS, RDF or Atom feed in ``body``; FeedParseError when no feed can be found in it."""
    body, had_entities = _without_entity_declarations(body)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # A stream, never bytes or str: feedparser treats a str that looks like a URL as
    # something to download and bytes as a possible file name to open.
    result = feedparser.parse(
        io.BytesIO(body),
        response_headers=headers,
        resolve_relative_uris=True,
        # The portal's own sanitizer is the single, tested allow-list for stored HTML.
        sanitize_html=False,
    )
    version = result.get("version") or ""
    if not version:
        raise FeedParseError(_not_a_feed_message(body, url, result))
    kind = _XML_KINDS.get(version) or ("atom" if version.startswith("atom") else "rss")
    errors = []
    exc = result.get("bozo_exception")
    # Without a Content-Type there is nothing to complain about; feedparser still flags it.
    unlabelled = isinstance(exc, feedparser.NonXMLContentType) and not content_type
    if had_entities:
        errors.append(f"{url} declares its own XML entities; they were ignored for safety.")
    if result.get("bozo") and not unlabelled:
        errors.append(_bozo_message(exc, url, content_type))
    feed_info = result.get("feed", {})
    truncations: list[str] = []
    entries = [
        _raw_entry_from_feedparser(entry, feed_info, kind, truncations) for entry in result.get("entries", [])
    ]
    return RawFeed(
        title=" ".join((feed_info.get("title") or "").split()),
        link=canonical_link(feed_info.get("link") or "", url),
        kind=kind,
        entries=entries,
        errors=errors,
        truncations=truncations,
    )


def _without_entity_declarations(body: bytes) -> tuple[bytes, bool]:
    """Drop a DOCTYPE's internal subset when it declares entities.

    Nested entities ("billion laughs") make expat burn seconds of CPU before its
    amplification limit stops it, and feeds have no legitimate use for them.
    """
    head = body[:_DOCTYPE_SCAN_BYTES]
    match = _DOCTYPE_WITH_SUBSET.search(head)
    if match is None or b"<!ENTITY" not in match.group().upper():
        return body, False
    return body[: match.start()] + body[match.end() :], True


def _not_a_feed_message(body: bytes, url: str, result: Any) -> str:
    if _HTML_START.match(body[:4096]):
        return (
            f"{url} returned an HTML page, not a feed — is it the site's home page rather "
            "than its feed URL? Look for an RSS or Atom link on that page."
        )
    detail = result.get("bozo_exception")
    reason = f" (the parser said: {_describe_exception(detail)})" if detail else ""
    return (
        f"{url} did not return an RSS, Atom or JSON feed{reason}; check that the URL points "
        "at the feed itself."
    )


def _bozo_message(exc: Any, url: str, content_type: str | None) -> str:
    if isinstance(exc, feedparser.NonXMLContentType):
        return (
            f"{url} labels its feed as {content_type or 'an unknown type'} rather than XML; "
            "it was read anyway."
        )
    if isinstance(exc, feedparser.CharacterEncodingOverride):
        return f"{url} declares the wrong character encoding; it was read as {exc}."
    return (
        f"{url} is not well-formed XML ({_describe_exception(exc)}); the entries that "
        "could be read were kept. Ask the publisher to fix the feed if entries are missing."
    )


def _describe_exception(exc: Any) -> str:
    line = getattr(exc, "getLineNumber", None)
    column = getattr(exc, "getColumnNumber", None)
    message = getattr(exc, "getMessage", None)
    text = message() if callable(message) else str(exc)
    if callable(line) and callable(column):
        return f"{text} at line {line()}, column {column()}"
    return text


def _raw_entry_from_feedparser(
    entry: Any, feed_info: Any, kind: FeedKind, truncations: list[str]
) -> RawEntry:
    title_detail = entry.get("title_detail") or {}
    content_html = ""
    for content in entry.get("content") or []:
        content_html = _as_html(content.get("value") or "", content.get("type") or "")
        if content_html:
            break
    published = _utc(entry.get("published_parsed"))
    # dict.get: feedparser's own get() silently substitutes the published date (and warns).
    updated = _utc(dict.get(entry, "updated_parsed"))
    summary_detail = entry.get("summary_detail") or {}
    summary_html = _as_html(entry.get("summary") or "", summary_detail.get("type") or "")
    authors = [a.get("name") or a.get("email") or "" for a in entry.get("authors") or []]
    if not any(authors) and kind == "atom":
        # Atom entries inherit the feed's author (RFC 4287, section 4.2.1).
        authors = [a.get("name") or "" for a in feed_info.get("authors") or []]
    return RawEntry(
        guid=entry.get("id") or "",
        link=entry.get("link") or "",
        title=entry.get("title") or "",
        title_is_html="html" in (title_detail.get("type") or "")
        or bool(_LOOKS_LIKE_TAG.search(entry.get("title") or "")),
        authors=authors,
        # RDF's dc:date and Atom's mandatory <updated> are the only date many entries
        # have; either is a better publication date than the time we happened to poll.
        published=published or updated,
        updated=updated or published,
        summary_html=cap_html(summary_html, "summary", truncations),
        content_html=cap_html(content_html, "content", truncations),
        categories=[t.get("label") or t.get("term") or "" for t in entry.get("tags") or []],
    )


def _as_html(value: str, mime_type: str) -> str:
    if mime_type == "text/plain":
        return text_to_html(value)
    return value


def _utc(parsed: time.struct_time | None) -> datetime | None:
    """feedparser normalizes dates to UTC struct_time; make them aware datetimes."""
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None
