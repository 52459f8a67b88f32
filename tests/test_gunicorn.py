"""Production serving: gunicorn with gunicorn.conf.py, DEBUG off, on a PostgreSQL database.

The portal is set up the way docs/deploy.md says (migrate, collectstatic, a user, the
seeds), then served by a real gunicorn. The test plays the TLS-terminating reverse proxy
of the deploy doc: it speaks HTTP to gunicorn on the loopback address and forwards what a
browser sent over HTTPS (Host, cookies, Origin) plus ``X-Forwarded-Proto: https``.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPMessage
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg
import pytest

from tests.conftest import require_service

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
HOST = "intel.example"
PASSWORD = "correct-horse-battery-staple-42"  # a throwaway user in a throwaway database
SEED_TITLE = "Microsoft Bets $10B to Boost Japan's AI, Cybersecurity"

# tests/settings.py relaxes these for the in-process tests; production must not inherit that.
_NOT_INHERITED = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set while a browser test runs; check --deploy refuses it
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CELERY_TASK_ALWAYS_EAGER",
    "DATABASE_URL",
    "REDIS_URL",
    "INTELPORTAL_VAR_DIR",
    "STATIC_ROOT",
}


def postgres_server_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/intelportal")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def postgres_reachable() -> bool:
    try:
        with psycopg.connect(with_database(postgres_server_url(), "postgres"), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@contextlib.contextmanager
def database_of_its_own() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test module, dropped afterwards."""
    name = f"intelportal_gunicorn_{os.getpid()}_{secrets.token_hex(4)}"
    admin_url = with_database(postgres_server_url(), "postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(postgres_server_url(), name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Served:
    port: int
    static_root: Path
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory) -> Iterator[Served]:
    require_service("PostgreSQL", postgres_reachable())
    tmp = tmp_path_factory.mktemp("gunicorn")
    served = Served(port=free_port(), static_root=tmp / "static", log_path=tmp / "gunicorn.log")
    with database_of_its_own() as database_url:
        env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
        env.update(
            {
                # production settings as docs/deploy.md lists them; everything else default
                "DEBUG": "false",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": HOST,
                "DATABASE_URL": database_url,
                "BEHIND_TLS_PROXY": "true",
                "TRUSTED_PROXY_COUNT": "1",
                "STATIC_ROOT": str(served.static_root),
                "INTELPORTAL_VAR_DIR": str(tmp / "var"),
                "GUNICORN_BIND": f"127.0.0.1:{served.port}",
                "WEB_CONCURRENCY": "2",
                "READER_PASSWORD": PASSWORD,
            }
        )
        manage(env, "check", "--deploy", "--fail-level", "WARNING")
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        reader = ["reader", "--role", "analyst", "--clearance", "green", "--password-env", "READER_PASSWORD"]
        manage(env, "create_user", *reader)
        manage(env, "load_seeds")
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=served.log_path.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_listening(served, process)
            yield served
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def wait_until_listening(served: Served, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited ({process.returncode}):\n{served.log()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", served.port), timeout=1):
            return
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not listen within {timeout}s:\n{served.log()}")


@dataclass
class Reply:
    status: int
    headers: HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class ProxiedBrowser:
    """A browser behind the TLS proxy: keeps its cookies, and sends what the proxy adds."""

    served: Served
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookie_lines: list[str] = field(default_factory=list)

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None, tls=True
    ) -> Reply:
        sent = {"Host": HOST, "X-Forwarded-For": "203.0.113.7", **(headers or {})}
        if tls:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = HTTPConnection("127.0.0.1", self.served.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        finally:
            conn.close()
        for line in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_lines.append(line)
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return reply

    def get(self, path: str, **kwargs) -> Reply:
        return self.request("GET", path, **kwargs)

    def sign_in(self, username: str, password: str) -> Reply:
        page = self.get("/accounts/login/")
        assert page.status == 200, page.text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        form = {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": ""}
        return self.request(
            "POST",
            "/accounts/login/",
            body=urlencode(form).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                # over HTTPS Django checks where the form came from
                "Origin": f"https://{HOST}",
                "Referer": f"https://{HOST}/accounts/login/",
            },
        )


@pytest.fixture(scope="module")
def signed_in(gunicorn) -> ProxiedBrowser:
    browser = ProxiedBrowser(gunicorn)
    reply = browser.sign_in("reader", PASSWORD)
    assert reply.status == 302, f"{reply.status}: {reply.text[:2000]}\n{gunicorn.log()[-3000:]}"
    assert reply.header("Location") == "/"  # the dashboard
    return browser


@pytest.fixture(scope="module")
def article_page(signed_in) -> Reply:
    listing = signed_in.get("/articles/")
    assert listing.status == 200
    article_path = re.search(r'href="(/articles/\d+/)"', listing.text).group(1)
    return signed_in.get(article_path)


def test_a_reader_signs_in_through_the_proxy_and_reads_an_article(signed_in, article_page):
    assert article_page.status == 200
    assert SEED_TITLE.replace("'", "&#x27;") in article_page.text
    session_cookie = next(line for line in signed_in.set_cookie_lines if line.startswith("sessionid="))
    assert "Secure" in session_cookie
    assert "HttpOnly" in session_cookie


def test_a_stranger_is_sent_to_sign_in(gunicorn):
    reply = ProxiedBrowser(gunicorn).get("/articles/")
    assert reply.status == 302
    assert reply.header("Location").startswith("/accounts/login/")


def test_plain_http_is_redirected_to_https(gunicorn):
    reply = ProxiedBrowser(gunicorn).get("/articles/", tls=False)
    assert reply.status == 301
    assert reply.header("Location") == f"https://{HOST}/articles/"


def test_static_files_are_served_hashed_compressed_and_cached_for_a_year(gunicorn, article_page):
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', article_page.text).group(1)

    reply = ProxiedBrowser(gunicorn).get(stylesheet, headers={"Accept-Encoding": "gzip"})

    assert reply.status == 200
    assert reply.header("Content-Encoding") == "gzip"
    assert reply.header("Content-Type").startswith("text/css")
    assert "max-age=315360000" in reply.header("Cache-Control")
    assert "immutable" in reply.header("Cache-Control")
    collected = gunicorn.static_root / stylesheet.removeprefix("/static/")
    assert gzip.decompress(reply.body) == collected.read_bytes()


def test_pages_carry_the_security_headers(article_page):
    page = article_page
    assert page.header("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
    assert page.header("X-Content-Type-Options") == "nosniff"
    assert page.header("Referrer-Policy") == "same-origin"
    assert page.header("X-Frame-Options") == "DENY"
    assert page.header("Cross-Origin-Opener-Policy") == "same-origin"
    # The next three come from the web-hardening part of issue 7 (intelportal/middleware.py).
    assert "default-src 'none'" in page.header("Content-Security-Policy")
    assert "no-store" in page.header("Cache-Control")
    assert page.header("Permissions-Policy")


def test_the_access_log_names_the_client_but_not_what_it_searched_for(signed_in, gunicorn):
    listing_line = re.compile(r'^127\.0\.0\.1 xff="203\.0\.113\.7" .* "GET /articles/ HTTP/1\.1" 200 ', re.M)
    logged_before = len(listing_line.findall(gunicorn.log()))

    assert signed_in.get("/articles/?q=acme-victim-corp").status == 200

    deadline = time.monotonic() + 10  # gunicorn writes the line after sending the response
    while len(listing_line.findall(gunicorn.log())) == logged_before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(listing_line.findall(gunicorn.log())) == logged_before + 1
    assert "acme-victim-corp" not in gunicorn.log()


def test_a_malformed_web_server_setting_stops_start_up_naming_the_variable():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--check-config"],
        cwd=ROOT,
        env={**os.environ, "GUNICORN_TIMEOUT": "soon"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "GUNICORN_TIMEOUT='soon' is not a whole number." in result.stderr
