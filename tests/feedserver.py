"""A real HTTP server on 127.0.0.1 that plays every kind of feed host, good and bad.

The fetcher, the collector, the admin's "poll now", the preview page and the
collection commands are all tested against sockets, not mocks: redirects, slow
drips, size caps and compression only mean something when bytes actually cross a
connection. Test modules get the ``feed_server`` and ``local_feeds`` fixtures by importing
``fixture_feed_server`` / ``fixture_local_feeds``, or start a host with :func:`serve_feeds`.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "ingest" / "fixtures"
LOOPBACK = ["127.0.0.0/8"]
FEED_ETAG = '"feed-v1"'
FEED_LAST_MODIFIED = "Tue, 14 May 2024 08:00:00 GMT"
HUGE_STREAM_BYTES = 50 * 1024 * 1024  # only ever streamed, never stored
GZIP_BOMB_DECODED_BYTES = 20 * 1024 * 1024


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def big_feed(count: int) -> bytes:
    items = "".join(
        f"<item><title>Story {n}</title><link>https://big.example.com/{n}</link>"
        f"<guid>big-{n}</guid><description>Body of story {n}.</description></item>"
        for n in range(count)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'
        f"<link>https://big.example.com/</link>{items}</channel></rss>"
    ).encode()


_GZIP_BOMB: bytes | None = None


def gzip_bomb() -> bytes:
    """About 20 KB on the wire, 20 MB once inflated; built once per test run."""
    global _GZIP_BOMB
    if _GZIP_BOMB is None:
        _GZIP_BOMB = gzip.compress(b"\0" * GZIP_BOMB_DECODED_BYTES, compresslevel=9)
    return _GZIP_BOMB


class FeedHostHandler(BaseHTTPRequestHandler):
    server_version = "FeedHost/1.0"

    def log_message(self, format: str, *args: object) -> None:
        """Keep pytest output clean."""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        route = ROUTES.get(path)
        if route is None:
            for prefix, prefix_route in PREFIX_ROUTES.items():
                if path.startswith(prefix):
                    route = prefix_route
                    break
        if route is None:
            self.reply(404, b"not found", "text/plain")
            return
        # The client hanging up early is what several tests are about (deadline, size cap).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            route(self)

    def reply(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, status: int, location: str) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


def _static(name: str, content_type: str) -> Callable[[FeedHostHandler], None]:
    return lambda handler: handler.reply(200, fixture_bytes(name), content_type)


def _conditional(handler: FeedHostHandler) -> None:
    validators = {"ETag": FEED_ETAG, "Last-Modified": FEED_LAST_MODIFIED}
    if (
        handler.headers.get("If-None-Match") == FEED_ETAG
        or handler.headers.get("If-Modified-Since") == FEED_LAST_MODIFIED
    ):
        handler.send_response(304)
        for name, value in validators.items():
            handler.send_header(name, value)
        handler.end_headers()
        return
    handler.reply(200, fixture_bytes("rss2.xml"), "application/rss+xml", validators)


def _echo_headers(handler: FeedHostHandler) -> None:
    body = json.dumps({k.lower(): v for k, v in handler.headers.items()}).encode()
    handler.reply(200, body, "application/json")


def _redirect_chain(handler: FeedHostHandler) -> None:
    """/redirect/chain/3 -> /redirect/chain/2 -> /redirect/chain/1 -> /rss.xml"""
    remaining = int(handler.path.rsplit("/", 1)[1])
    target = "/rss.xml" if remaining <= 1 else f"/redirect/chain/{remaining - 1}"
    handler.redirect(302, target)


def _slow_drip(handler: FeedHostHandler) -> None:
    """Headers at once, then a byte every 0.1 s: each read is quick, the whole is endless."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.end_headers()
    for _ in range(600):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.1)


def _slow_headers(handler: FeedHostHandler) -> None:
    """Never finishes the header block: one header line every 0.1 s."""
    handler.wfile.write(b"HTTP/1.0 200 OK\r\n")
    for n in range(600):
        handler.wfile.write(f"X-Drip-{n}: x\r\n".encode())
        handler.wfile.flush()
        time.sleep(0.1)


def _huge_stream(handler: FeedHostHandler) -> None:
    """No Content-Length: the cap must be enforced while reading."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.end_headers()
    chunk = b"x" * 65536
    for _ in range(HUGE_STREAM_BYTES // len(chunk)):
        handler.wfile.write(chunk)


def _huge_declared(handler: FeedHostHandler) -> None:
    """Announces 2 GB; the client must refuse before reading any of it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Content-Length", str(2 * 1024**3))
    handler.end_headers()
    handler.wfile.write(b"<rss>")


def _gzip_bomb(handler: FeedHostHandler) -> None:
    handler.reply(200, gzip_bomb(), "application/rss+xml", {"Content-Encoding": "gzip"})


def _gzip_feed(handler: FeedHostHandler) -> None:
    body = gzip.compress(fixture_bytes("rss2.xml"))
    handler.reply(200, body, "application/rss+xml", {"Content-Encoding": "gzip"})


def _raw_deflate_feed(handler: FeedHostHandler) -> None:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    body = compressor.compress(fixture_bytes("atom.xml")) + compressor.flush()
    handler.reply(200, body, "application/atom+xml", {"Content-Encoding": "deflate"})


def _chunked_gzip_feed(handler: FeedHostHandler) -> None:
    handler.protocol_version = "HTTP/1.1"
    handler.close_connection = True
    body = gzip.compress(fixture_bytes("rss2.xml"))
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.send_header("Connection", "close")
    handler.end_headers()
    for start in range(0, len(body), 100):
        piece = body[start : start + 100]
        handler.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
    handler.wfile.write(b"0\r\n\r\n")


def _brotli_claimed(handler: FeedHostHandler) -> None:
    handler.reply(200, b"\x0b\x02\x80", "application/rss+xml", {"Content-Encoding": "br"})


def _status(handler: FeedHostHandler) -> None:
    code = int(handler.path.rsplit("/", 1)[1])
    handler.reply(code, b"error page", "text/html")


ROUTES: dict[str, Callable[[FeedHostHandler], None]] = {
    "/rss.xml": _static("rss2.xml", "application/rss+xml; charset=utf-8"),
    "/atom.xml": _static("atom.xml", "application/atom+xml"),
    "/rdf.xml": _static("rdf.xml", "application/rdf+xml"),
    "/feed.json": _static("feed.json", "application/feed+json"),
    "/malformed.xml": _static("malformed.xml", "application/rss+xml"),
    "/hostile.xml": _static("hostile.xml", "application/rss+xml"),
    "/page.html": _static("page.html", "text/html; charset=utf-8"),
    "/empty": lambda handler: handler.reply(200, b"", "application/rss+xml"),
    "/garbage": lambda handler: handler.reply(200, b"\x89PNG\r\n\x1a\n\0\0junk", "image/png"),
    "/big.xml": lambda handler: handler.reply(200, big_feed(10_000), "application/rss+xml"),
    "/conditional.xml": _conditional,
    "/echo-headers": _echo_headers,
    "/redirect/loop-a": lambda handler: handler.redirect(302, "/redirect/loop-b"),
    "/redirect/loop-b": lambda handler: handler.redirect(301, "/redirect/loop-a"),
    "/redirect/private": lambda handler: handler.redirect(302, "http://10.0.0.7/feed.xml"),
    "/redirect/ipv6-loopback": lambda handler: handler.redirect(302, "http://[::1]/feed.xml"),
    "/redirect/file": lambda handler: handler.redirect(302, "file:///etc/passwd"),
    "/redirect/no-location": lambda handler: handler.reply(302, b"", "text/plain"),
    "/slow-drip": _slow_drip,
    "/slow-headers": _slow_headers,
    "/huge": _huge_stream,
    "/huge-declared": _huge_declared,
    "/gzip-bomb": _gzip_bomb,
    "/gzip-feed": _gzip_feed,
    "/deflate-feed": _raw_deflate_feed,
    "/chunked-gzip-feed": _chunked_gzip_feed,
    "/brotli": _brotli_claimed,
}
PREFIX_ROUTES: dict[str, Callable[[FeedHostHandler], None]] = {
    "/redirect/chain/": _redirect_chain,
    "/status/": _status,
}


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-response are part of the tests, not failures."""


@contextmanager
def serve_feeds() -> Iterator[str]:
    """Run the feed host on a free loopback port; yields its base URL."""
    server = QuietServer(("127.0.0.1", 0), FeedHostHandler)
    thread = threading.Thread(target=server.serve_forever, name="feed-host", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# Fixtures are defined under a ``name=`` so that test modules can import them
# without the import being shadowed by the test function's parameter.
@pytest.fixture(name="feed_server", scope="session")
def fixture_feed_server() -> Iterator[str]:
    """Base URL such as ``http://127.0.0.1:54321`` of the local feed host."""
    with serve_feeds() as base_url:
        yield base_url


@pytest.fixture(name="local_feeds")
def fixture_local_feeds(feed_server: str, settings) -> str:
    """The feed host's base URL, with the portal allowed to fetch from loopback.

    Needs pytest-django (``settings``): for tests that go through Django settings,
    as the collector, the admin and the commands do.
    """
    settings.FETCH_ALLOW_NETWORKS = LOOPBACK
    return feed_server
