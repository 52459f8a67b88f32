"""Helpers for the collector tests: a local web site whose feeds a test changes between
polls, feed builders, and a database that refuses one entry the way a real fault would."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection

from articles.models import Source


class Site:
    """A local web server whose pages a test can change between polls."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str, bytes]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, content_type, body = site.pages.get(self.path, (404, "text/plain", b"gone"))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", '"v1"')  # validators, never honoured: every GET is a 200
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def put(
        self, path: str, body: bytes, content_type: str = "application/rss+xml", status: int = 200
    ) -> str:
        self.pages[path] = (status, content_type, body)
        return f"{self.base}{path}"


@pytest.fixture(name="site")
def fixture_site(settings):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    web = Site()
    yield web
    web.server.shutdown()


def rss(*items: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def item(
    n: int,
    body: str = "Body text.",
    title: str | None = None,
    *,
    guid: str | None = None,
    link: str | None = None,
    authors: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> str:
    extra = "".join(f"<author>{a}</author>" for a in authors)
    extra += "".join(f"<category>{c}</category>" for c in categories)
    return (
        f"<item><title>{title or f'Story {n}'}</title><link>{link or f'https://t.example/{n}'}</link>"
        f"<guid>{guid or f'g{n}'}</guid><pubDate>Mon, 01 Jun 2026 10:00:00 GMT</pubDate>"
        f"{extra}<description>{body}</description></item>"
    )


def source_for(url: str, **extra) -> Source:
    return Source.objects.create(name=f"src {url}", kind="rss", url=url, **extra)


@contextlib.contextmanager
def database_rejects_title(title: str, message: str = "simulated database trouble") -> Iterator[None]:
    """The database refuses to insert an article titled ``title`` (a trigger), so saving
    that entry fails inside the database, as a real fault would, whatever code path the
    insert takes. Dropped again on exit (and with the test's transaction in any case)."""
    quoted_title, quoted_message = (value.replace("'", "''") for value in (title, message))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION test_reject_title() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.title = '{quoted_title}' THEN RAISE EXCEPTION '{quoted_message}'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER test_reject_title BEFORE INSERT ON articles_article "
                "FOR EACH ROW EXECUTE FUNCTION test_reject_title()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER test_reject_title BEFORE INSERT ON articles_article "
                f"WHEN NEW.title = '{quoted_title}' BEGIN SELECT RAISE(ABORT, '{quoted_message}'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER test_reject_title ON articles_article")
                cursor.execute("DROP FUNCTION test_reject_title()")
            else:
                cursor.execute("DROP TRIGGER test_reject_title")
