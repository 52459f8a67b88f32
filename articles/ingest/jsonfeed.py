"""Reading JSON Feed 1.0 / 1.1 (https://www.jsonfeed.org/version/1.1/) with :mod:`json`.

Separate from :mod:`articles.ingest.feeds` so each feed format's reader stands alone;
the result is a :class:`~articles.ingest.rawfeed.RawFeed` that ``feeds.py`` cleans like
any other.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from articles.ingest.rawfeed import FeedParseError, RawEntry, RawFeed, canonical_link, cap_html
from articles.sanitize import text_to_html

_JSON_FEED_VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")


def looks_like_json(body: bytes, content_type: str | None) -> bool:
    """Is ``body`` JSON, by its Content-Type or else by its first non-blank byte?"""
    if content_type and "json" in content_type.lower():
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def parse_json_feed(body: bytes, *, url: str) -> RawFeed:
    """The JSON Feed in ``body``; FeedParseError when it is broken JSON or no JSON Feed."""
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
        link=canonical_link(_json_str(document.get("home_page_url")), url),
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
