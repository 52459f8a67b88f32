"""Turn the bytes of a fetched feed into clean, sanitized entries.

XML feeds (RSS 0.9x/1.0/2.0, RDF, Atom) go through ``feedparser``; JSON Feed 1.0/1.1
is small enough to read with :mod:`json` directly. A feed that is partly broken keeps
every entry that did parse and reports the damage in ``errors``; input that is not a
feed at all raises :class:`FeedParseError` with a message an admin can act on.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urljoin

import feedparser

from articles.ingest.urls import canonicalize_url
from articles.sanitize import html_to_text, sanitize_html, text_to_html

MAX_ENTRIES = 10_000
MAX_ENTRY_CHARS = 1_000_000  # per HTML field of one entry, before sanitizing
TITLE_FROM_TEXT_WORDS = 12
TITLE_MAX_CHARS = 300

FeedKind = Literal["rss", "atom", "rdf", "json"]


class FeedParseError(Exception):
    """The body is not a feed; ``str(error)`` tells an admin what to do about it."""


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
    if _looks_like_json(body, content_type):
        raw = _parse_json_feed(body, url=url)
        kind: FeedKind = "json"
    else:
        raw = _parse_xml_feed(body, url=url, content_type=content_type)
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


def build_entry(raw: RawEntry, *, url: str) -> FeedEntry:
    """Sanitize and complete one entry: canonical link, plain text, fallbacks, hash."""
    summary_html = sanitize_html(raw.summary_html)
    content_html = sanitize_html(raw.content_html)
    text = html_to_text(content_html or summary_html)
    title = _plain_title(raw.title, raw.title_is_html) or _title_from_text(text)
    link = _canonical_link(raw.link, url)
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


def _canonical_link(link: str, base_url: str) -> str:
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


# --- XML feeds -------------------------------------------------------------------------

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_DOCTYPE_WITH_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.IGNORECASE | re.DOTALL)
_DOCTYPE_SCAN_BYTES = 256 * 1024
# Plain-text titles that still carry markup (entity-escaped HTML is common in RSS).
_LOOKS_LIKE_TAG = re.compile(r"<[a-zA-Z/!]")
_XML_KINDS: dict[str, FeedKind] = {"rss090": "rdf", "rss10": "rdf"}


def _parse_xml_feed(body: bytes, *, url: str, content_type: str | None) -> RawFeed:
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
        link=_canonical_link(feed_info.get("link") or "", url),
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


# --- JSON Feed 1.0 / 1.1 (https://www.jsonfeed.org/version/1.1/) ------------------------

_JSON_FEED_VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")


def _looks_like_json(body: bytes, content_type: str | None) -> bool:
    if content_type and "json" in content_type.lower():
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def _parse_json_feed(body: bytes, *, url: str) -> RawFeed:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FeedParseError(f"{url} sent JSON that is not valid UTF-8; it cannot be read.") from None
    except json.JSONDecodeError as exc:
        raise FeedParseError(
            f"{url} sent broken JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            "ask the publisher to fix the feed."
        ) from None
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or not version.startswith(_JSON_FEED_VERSION_PREFIXES):
        raise FeedParseError(
            f"{url} returned JSON, but not a JSON Feed (no jsonfeed.org version); is it an "
            "API endpoint rather than the site's feed?"
        )
    items = document.get("items")
    errors: list[str] = []
    if not isinstance(items, list):
        errors.append(f"{url} is a JSON Feed without an items list; it has no entries.")
        items = []
    feed_authors = _json_authors(document)
    truncations: list[str] = []
    entries = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append(f"Item {position} of the JSON Feed is not an object; it was skipped.")
            continue
        entries.append(_raw_entry_from_json(item, feed_authors, truncations))
    return RawFeed(
        title=" ".join(_json_str(document.get("title")).split()),
        link=_canonical_link(_json_str(document.get("home_page_url")), url),
        kind="json",
        entries=entries,
        errors=errors,
        truncations=truncations,
    )


def _raw_entry_from_json(item: dict[str, Any], feed_authors: list[str], truncations: list[str]) -> RawEntry:
    content_html = _json_str(item.get("content_html")) or text_to_html(_json_str(item.get("content_text")))
    tags = item.get("tags")
    return RawEntry(
        guid=_json_str(item.get("id")),
        link=_json_str(item.get("url")) or _json_str(item.get("external_url")),
        title=_json_str(item.get("title")),
        authors=_json_authors(item) or feed_authors,
        published=_json_date(item.get("date_published")),
        updated=_json_date(item.get("date_modified")),
        summary_html=cap_html(text_to_html(_json_str(item.get("summary"))), "summary", truncations),
        content_html=cap_html(content_html, "content", truncations),
        categories=[_json_str(tag) for tag in tags] if isinstance(tags, list) else [],
    )


def _json_str(value: Any) -> str:
    """Strings as they are, numbers as text (ids are often numeric), anything else empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _json_authors(node: dict[str, Any]) -> list[str]:
    """``authors`` (1.1) or the older single ``author`` object (1.0)."""
    authors = node.get("authors")
    if not isinstance(authors, list):
        authors = [node["author"]] if isinstance(node.get("author"), dict) else []
    return [_json_str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")]


def _json_date(value: Any) -> datetime | None:
    """RFC 3339 date; a date without offset is taken as UTC rather than dropped."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
