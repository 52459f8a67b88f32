"""Feed documents of every flavour, fetched from the local server and parsed into entries."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime

import pytest

from articles.ingest.feeds import MAX_ENTRY_CHARS, FeedParseError, parse_feed
from articles.ingest.http import fetch
from tests.ingest.conftest import LOOPBACK, big_feed, fixture_bytes


def fetch_and_parse(base_url: str, path: str):
    result = fetch(f"{base_url}{path}", allow_networks=LOOPBACK)
    return parse_feed(result.body, url=result.url, content_type=result.headers["content-type"])


def parse_fixture(name: str, content_type: str | None = None):
    return parse_feed(fixture_bytes(name), url="https://feeds.example.com/feed", content_type=content_type)


def parse_error(body: bytes, content_type: str | None = None) -> str:
    with pytest.raises(FeedParseError) as caught:
        parse_feed(body, url="https://feeds.example.com/feed", content_type=content_type)
    return str(caught.value)


def test_rss2_entries_map_titles_links_dates_authors_and_categories(feed_server):
    feed = fetch_and_parse(feed_server, "/rss.xml")
    assert (feed.kind, feed.title, feed.link, feed.errors) == (
        "rss",
        "Example Security News",
        "https://news.example.com/",
        [],
    )
    first = feed.entries[0]
    assert first.guid == "news-example-1001"
    assert first.link == "https://news.example.com/2024/05/hospital-ransomware"
    assert first.title == "Ransomware gang hits regional hospital network"
    assert first.authors == ["Jane Doe"]
    assert first.published == datetime(2024, 5, 14, 7, 30, tzinfo=UTC)
    assert first.categories == ["Ransomware", "Healthcare"]
    assert first.summary_html == "<p>A ransomware group disrupted <b>three hospitals</b>.</p>"
    assert first.text == (
        "A ransomware group disrupted three hospitals in the region on Monday.\n\n"
        "Emergency rooms diverted ambulances for six hours."
    )
    normalized = (
        "a ransomware group disrupted three hospitals in the region on monday. "
        "emergency rooms diverted ambulances for six hours."
    )
    assert first.content_hash == hashlib.sha256(normalized.encode()).hexdigest()


def test_rss2_entry_without_title_or_date_or_guid_still_maps(feed_server):
    feed = fetch_and_parse(feed_server, "/rss.xml")
    untitled = feed.entries[1]
    # A relative link is resolved against the URL the feed was fetched from.
    assert untitled.link == f"{feed_server}/2024/05/patch-tuesday"
    assert untitled.guid == untitled.link
    assert untitled.title == ("Patch Tuesday fixed 61 vulnerabilities, two of them exploited in the wild…")
    assert untitled.authors == ["John Smith"]
    assert (untitled.published, untitled.updated) == (None, None)


def test_entry_without_link_or_guid_gets_a_hash_guid(feed_server):
    linkless = fetch_and_parse(feed_server, "/rss.xml").entries[2]
    expected = hashlib.sha256(b"weekly roundup nothing dramatic happened this week.").hexdigest()
    assert (linkless.link, linkless.guid) == ("", f"sha256:{expected}")
    assert linkless.published == datetime(2024, 5, 17, 18, 0, tzinfo=UTC)


def test_atom_entries_resolve_xml_base_and_inherit_the_feed_author(feed_server):
    feed = fetch_and_parse(feed_server, "/atom.xml")
    assert (feed.kind, feed.title, feed.link) == (
        "atom",
        "Example Threat Research",
        "https://blog.example.org/",
    )
    loader, trends = feed.entries
    assert loader.guid == "tag:blog.example.org,2024:darkvelvet"
    assert loader.link == "https://blog.example.org/posts/darkvelvet-loader"
    assert loader.title == "New loader DarkVelvet targets banks"
    assert loader.authors == ["Alice Analyst", "Bob Reverser"]
    assert loader.published == datetime(2024, 5, 19, 12, 15, tzinfo=UTC)
    assert loader.updated == datetime(2024, 5, 20, 10, 0, tzinfo=UTC)
    assert loader.categories == ["Malware", "finance"]
    assert loader.content_html == (
        "<p>The loader arrives as an ISO attachment.</p><p>Read the "
        '<a href="https://blog.example.org/iocs.csv" rel="noopener noreferrer nofollow">'
        "indicators</a>.</p>"
    )
    assert trends.authors == ["Research Desk"]
    # Only <updated> is given: it stands in for the publication date.
    assert trends.published == trends.updated == datetime(2024, 4, 2, 9, 0, tzinfo=UTC)
    assert trends.content_html == (
        "<p>Exploited vulnerabilities rose by a third.</p><p>Edge devices led the list.</p>"
    )


def test_rdf_entries_use_dublin_core_date_creator_and_subject(feed_server):
    feed = fetch_and_parse(feed_server, "/rdf.xml")
    assert (feed.kind, feed.title) == ("rdf", "Example CERT Advisories")
    (advisory,) = feed.entries
    assert advisory.title == "Advisory 2024-017: VPN appliance flaw exploited"
    assert advisory.link == advisory.guid == "https://cert.example.net/advisories/2024-017"
    assert advisory.published == datetime(2024, 3, 5, 15, 45, tzinfo=UTC)
    assert advisory.authors == ["CERT Duty Officer"]
    assert advisory.categories == ["Vulnerability"]


def test_json_feed_items_map_and_inherit_feed_authors(feed_server):
    feed = fetch_and_parse(feed_server, "/feed.json")
    assert (feed.kind, feed.title, feed.link, feed.errors) == (
        "json",
        "Example Intel JSON",
        "https://intel.example.com/",
        [],
    )
    report, note = feed.entries
    assert report.guid == "2024-0042"
    assert report.link == "https://intel.example.com/reports/42"
    assert report.title == "Phishing kit abuses QR codes"
    assert report.authors == ["Carol Hunter"]
    assert report.published == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert report.updated == datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
    assert report.categories == ["phishing", "fraud"]
    assert report.summary_html == "<p>QR phishing is on the rise.</p>"
    assert "onerror" not in report.content_html
    assert note.guid == "43"
    assert note.authors == ["Intel Team"]
    assert note.title == "A short note without a title about a new botnet spreading through…"
    assert note.text == "A short note without a title about a new botnet spreading through routers."


def test_json_feed_1_0_single_author_and_naive_dates_are_read():
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1",
            "title": "Old style",
            "author": {"name": "Dana"},
            "items": [{"id": "a", "title": "T", "date_published": "2024-01-02T03:04:05"}, 7],
        }
    ).encode()
    feed = parse_feed(body, url="https://old.example.com/feed.json", content_type=None)
    (entry,) = feed.entries
    assert entry.authors == ["Dana"]
    assert entry.published == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert feed.errors == ["Item 2 of the JSON Feed is not an object; it was skipped."]


def test_malformed_rss_keeps_the_good_entries_and_reports_line_and_column(feed_server):
    feed = fetch_and_parse(feed_server, "/malformed.xml")
    assert [entry.title for entry in feed.entries] == [
        "First good entry",
        "Second entry with a bare & ampersand",
        "Third good entry",
    ]
    (error,) = feed.errors
    assert "is not well-formed XML (not well-formed (invalid token) at line 12, column 39)" in error


def test_truncated_rss_keeps_entries_before_the_break():
    body = fixture_bytes("rss2.xml").split(b"<item>\n      <title>Weekly")[0]
    feed = parse_feed(body, url="https://feeds.example.com/feed", content_type="application/rss+xml")
    assert [entry.guid for entry in feed.entries] == [
        "news-example-1001",
        "https://feeds.example.com/2024/05/patch-tuesday",
    ]
    assert "is not well-formed XML" in feed.errors[0]


def test_hostile_html_in_entries_is_neutralized(feed_server):
    (entry,) = fetch_and_parse(feed_server, "/hostile.xml").entries
    assert entry.title == "Innocent headline"
    assert entry.link == ""  # a javascript: link is never kept
    assert entry.summary_html == (
        '<p>Hello <a rel="noopener noreferrer nofollow">click</a> '
        '<a href="https://ok.example.com/page" rel="noopener noreferrer nofollow">safe link</a>'
        "</p><p>styled</p>"
    )
    assert entry.text == "Hello click safe link\n\nstyled"


def test_an_html_page_is_reported_as_not_a_feed(feed_server):
    result = fetch(f"{feed_server}/page.html", allow_networks=LOOPBACK)
    with pytest.raises(FeedParseError) as caught:
        parse_feed(result.body, url=result.url, content_type=result.headers["content-type"])
    assert str(caught.value) == (
        f"{feed_server}/page.html returned an HTML page, not a feed — is it the site's home "
        "page rather than its feed URL? Look for an RSS or Atom link on that page."
    )


@pytest.mark.parametrize(
    ("body", "content_type", "fragment"),
    [
        (b"", None, "returned an empty response instead of a feed"),
        (b"  \n\t", "application/rss+xml", "returned an empty response instead of a feed"),
        (b"\x89PNG\r\n\x1a\n\0\0junk", "image/png", "did not return an RSS, Atom or JSON feed"),
        (b"just some words", "text/plain", "did not return an RSS, Atom or JSON feed"),
        (b'{"data": [1, 2]}', "application/json", "returned JSON, but not a JSON Feed"),
        (b'{"version": ', None, "sent broken JSON (Expecting value at line 1, column 13)"),
    ],
)
def test_input_that_is_not_a_feed_raises_a_readable_error(body, content_type, fragment):
    assert fragment in parse_error(body, content_type)


def test_empty_body_from_the_server_raises_a_parse_error(feed_server):
    result = fetch(f"{feed_server}/empty", allow_networks=LOOPBACK)
    assert "empty response" in parse_error(result.body, result.headers["content-type"])


def test_feed_served_as_text_html_is_read_with_a_note():
    feed = parse_fixture("rss2.xml", content_type="text/html")
    assert len(feed.entries) == 3
    assert feed.errors == [
        "https://feeds.example.com/feed labels its feed as text/html rather than XML; it was read anyway."
    ]


def test_entries_beyond_the_cap_are_dropped_with_an_error_line():
    feed = parse_feed(big_feed(25), url="https://big.example.com/rss", content_type=None, max_entries=10)
    # RSS guids are permalinks unless isPermaLink="false", so feedparser resolves them.
    assert [entry.guid for entry in feed.entries] == [f"https://big.example.com/big-{n}" for n in range(10)]
    assert feed.errors == ["The feed has 25 entries; only the first 10 were kept and 15 were dropped."]


def test_an_oversized_entry_is_cut_and_reported():
    paragraph = "<p>" + "word " * 250_000 + "</p>"
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [{"id": "x", "content_html": paragraph}],
        }
    ).encode()
    feed = parse_feed(body, url="https://big.example.com/feed.json", content_type=None)
    (entry,) = feed.entries
    assert entry.content_html.startswith("<p>word word ")
    assert entry.content_html.endswith("</p>")  # the sanitizer closes the cut paragraph
    assert len(entry.text) < MAX_ENTRY_CHARS
    assert feed.errors == [
        f"The content of one entry is {len(paragraph):,} characters long; it was cut to {MAX_ENTRY_CHARS:,}."
    ]


@pytest.mark.slow
def test_a_feed_of_ten_thousand_entries_is_parsed_in_full(feed_server):
    started = time.monotonic()
    feed = fetch_and_parse(feed_server, "/big.xml")
    elapsed = time.monotonic() - started
    assert len(feed.entries) == 10_000
    assert feed.entries[-1].link == "https://big.example.com/9999"
    assert feed.errors == []
    assert elapsed < 30


def test_feedparser_is_never_handed_a_url_or_path_to_open():
    error = parse_error(b"/etc/passwd", None)
    assert "did not return an RSS, Atom or JSON feed" in error


def test_entity_bombs_and_external_entities_are_not_expanded():
    laughs = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    body = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">'
        f'{laughs}<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<rss version="2.0"><channel><title>x</title>'
        "<item><title>&lol9;</title><description>&xxe;</description></item></channel></rss>"
    ).encode()
    started = time.monotonic()
    feed = parse_feed(body, url="https://x.example.com/feed", content_type="application/rss+xml")
    assert time.monotonic() - started < 1
    (entry,) = feed.entries
    assert (entry.title, entry.text) == ("&lol9;", "&xxe")
    assert "root:" not in entry.text
    assert feed.errors[0] == (
        "https://x.example.com/feed declares its own XML entities; they were ignored for safety."
    )
