"""The guarded fetcher against a real local server: SSRF guard, limits, redirects, caching."""

from __future__ import annotations

import gzip
import ipaddress
import json
import socket
import ssl
import time

import pytest

from articles.ingest import http as ingest_http
from articles.ingest.http import FetchError, blocked_reason, fetch, parse_networks
from tests.ingest.conftest import (
    FEED_ETAG,
    FEED_LAST_MODIFIED,
    LOOPBACK,
    TLS_HOST,
    fixture_bytes,
)


def fetch_error(url: str, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)
    return caught.value


# --- the private-address guard ----------------------------------------------------------


def test_loopback_ip_is_refused_without_allow_networks(feed_server):
    error = fetch_error(f"{feed_server}/rss.xml")
    assert error.kind == "blocked-address"
    assert "127.0.0.1 resolves to 127.0.0.1, which is a loopback address" in str(error)
    assert "FETCH_ALLOW_NETWORKS" in str(error)


def test_loopback_ip_is_fetched_when_its_network_is_allowed(feed_server):
    result = fetch(f"{feed_server}/rss.xml", allow_networks=LOOPBACK)
    assert result.status == 200
    assert result.url == f"{feed_server}/rss.xml"
    assert result.body == fixture_bytes("rss2.xml")
    assert result.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert result.not_modified is False
    assert 0 < result.elapsed < 2


def test_hostname_resolving_to_loopback_is_refused(feed_server):
    port = feed_server.rsplit(":", 1)[1]
    error = fetch_error(f"http://localhost:{port}/rss.xml")
    assert error.kind == "blocked-address"
    assert "localhost resolves to" in str(error)


def test_hostname_is_resolved_once_and_the_checked_address_is_used(feed_server, monkeypatch):
    port = int(feed_server.rsplit(":", 1)[1])
    lookups = []

    def fake_getaddrinfo(host, *args, **kwargs):
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(ingest_http.socket, "getaddrinfo", fake_getaddrinfo)
    result = fetch(f"http://feeds.internal.test:{port}/echo-headers", allow_networks=LOOPBACK)
    sent = json.loads(result.body)
    assert lookups == ["feeds.internal.test"]
    assert sent["host"] == f"feeds.internal.test:{port}"
    assert sent["user-agent"] == "IntelPortal/0.1 (+feed collector)"
    assert sent["accept"].startswith("application/rss+xml, application/atom+xml")
    assert sent["accept-encoding"] == "gzip, deflate"


def test_a_name_with_public_and_private_answers_connects_only_to_allowed_ones(monkeypatch):
    answers = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 80)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.0.9", 80)),
    ]
    monkeypatch.setattr(ingest_http.socket, "getaddrinfo", lambda *a, **k: answers)
    error = fetch_error("http://rebind.example.com/feed")
    assert error.kind == "blocked-address"
    assert "resolves to 10.1.2.3, which is a private-network address" in str(error)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.0.0.1", "a private-network address"),
        ("172.16.5.4", "a private-network address"),
        ("192.168.1.1", "a private-network address"),
        ("169.254.169.254", "a link-local address"),
        ("100.64.0.1", "a carrier-grade NAT (shared) address"),
        ("0.0.0.0", "the unspecified address"),  # noqa: S104 - a value under test, not a bind
        ("224.0.0.1", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("::1", "a loopback address"),
        ("fe80::1", "a link-local address"),
        ("fc00::1", "a private-network address"),
        ("::ffff:127.0.0.1", "an IPv6 form of 127.0.0.1, which is a loopback address"),
        ("2002:a00:1::", "an IPv6 form of 10.0.0.1, which is a private-network address"),
        ("64:ff9b::a9fe:a9fe", "an IPv6 form of 169.254.169.254, which is a link-local address"),
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:8.8.8.8", None),
    ],
)
def test_blocked_reason_names_the_kind_of_internal_address(address, reason):
    assert blocked_reason(ipaddress.ip_address(address)) == reason


def test_a_mistyped_allowed_network_is_reported_with_its_value():
    with pytest.raises(ValueError, match=r"'10\.0\.0\.0/33' in the allowed fetch networks"):
        parse_networks(["10.0.0.0/33"])


def resolve_to_loopback(monkeypatch, port: int) -> None:
    answer = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
    monkeypatch.setattr(ingest_http.socket, "getaddrinfo", lambda *args, **kwargs: answer)


def test_https_sends_sni_and_verifies_the_certificate_for_the_name(tls_feed_server, monkeypatch):
    resolve_to_loopback(monkeypatch, tls_feed_server.port)
    trusting = ssl.create_default_context(cafile=str(tls_feed_server.cafile))
    monkeypatch.setattr(ingest_http, "_TLS_CONTEXT", trusting)
    result = fetch(f"https://{TLS_HOST}:{tls_feed_server.port}/echo-headers", allow_networks=LOOPBACK)
    assert json.loads(result.body)["host"] == f"{TLS_HOST}:{tls_feed_server.port}"
    assert tls_feed_server.server_names[-1] == TLS_HOST


def test_https_certificate_for_another_name_is_refused(tls_feed_server, monkeypatch):
    resolve_to_loopback(monkeypatch, tls_feed_server.port)
    trusting = ssl.create_default_context(cafile=str(tls_feed_server.cafile))
    monkeypatch.setattr(ingest_http, "_TLS_CONTEXT", trusting)
    error = fetch_error(f"https://impostor.test:{tls_feed_server.port}/rss.xml", allow_networks=LOOPBACK)
    assert error.kind == "connection"
    assert "certificate" in str(error)


def test_https_self_signed_certificate_is_refused_by_default(tls_feed_server, monkeypatch):
    resolve_to_loopback(monkeypatch, tls_feed_server.port)
    error = fetch_error(f"https://{TLS_HOST}:{tls_feed_server.port}/rss.xml", allow_networks=LOOPBACK)
    assert error.kind == "connection"
    assert "CERTIFICATE_VERIFY_FAILED" in str(error)


# --- bad URLs, DNS, connections, statuses -----------------------------------------------


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("ftp://example.com/feed", "only http:// and https://"),
        ("file:///etc/passwd", "only http:// and https://"),
        ("example.com/feed", "only http:// and https://"),
        ("http:///feed", "has no host name"),
        ("http://example.com:99999/", "is not a valid URL"),
        ("http://admin:secret@example.com/", "carries a user name or password"),
    ],
)
def test_unusable_urls_are_rejected_before_any_connection(url, fragment):
    error = fetch_error(url)
    assert error.kind == "bad-url"
    assert fragment in str(error)


def test_unresolvable_host_is_a_dns_error(monkeypatch):
    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(ingest_http.socket, "getaddrinfo", no_such_host)
    error = fetch_error("https://feeds.gone.example/rss")
    assert error.kind == "dns"
    assert "The host name feeds.gone.example" in str(error)


def test_closed_port_is_a_connection_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = fetch_error(f"http://127.0.0.1:{port}/feed", allow_networks=LOOPBACK)
    assert error.kind == "connection"
    assert f"Could not connect to 127.0.0.1 port {port}" in str(error)


def test_https_to_a_plain_http_server_fails_the_tls_handshake(feed_server):
    port = feed_server.rsplit(":", 1)[1]
    error = fetch_error(f"https://127.0.0.1:{port}/rss.xml", allow_networks=LOOPBACK)
    assert error.kind == "connection"
    assert "secure (TLS) connection to 127.0.0.1 failed" in str(error)


@pytest.mark.parametrize(("code", "advice"), [(404, "no longer"), (500, "server error")])
def test_error_statuses_carry_the_code_and_advice(feed_server, code, advice):
    error = fetch_error(f"{feed_server}/status/{code}", allow_networks=LOOPBACK)
    assert error.kind == "http-status"
    assert f"answered HTTP {code}" in str(error)
    assert advice in str(error)


# --- conditional GET ----------------------------------------------------------------------


def test_validators_from_the_first_fetch_make_the_second_a_304(feed_server):
    url = f"{feed_server}/conditional.xml"
    first = fetch(url, allow_networks=LOOPBACK)
    assert (first.status, first.etag, first.last_modified) == (
        200,
        FEED_ETAG,
        FEED_LAST_MODIFIED,
    )
    second = fetch(url, etag=first.etag, allow_networks=LOOPBACK)
    assert (second.status, second.not_modified, second.body) == (304, True, b"")
    assert second.etag == FEED_ETAG


def test_if_modified_since_alone_also_gets_a_304(feed_server):
    url = f"{feed_server}/conditional.xml"
    result = fetch(url, last_modified=FEED_LAST_MODIFIED, allow_networks=LOOPBACK)
    assert result.not_modified is True
    assert result.last_modified == FEED_LAST_MODIFIED


def test_stale_etag_gets_the_full_feed(feed_server):
    url = f"{feed_server}/conditional.xml"
    result = fetch(url, etag='"feed-v0"', allow_networks=LOOPBACK)
    assert result.not_modified is False
    assert result.body == fixture_bytes("rss2.xml")


# --- redirects ------------------------------------------------------------------------------


def test_redirects_up_to_the_limit_are_followed(feed_server):
    result = fetch(f"{feed_server}/redirect/chain/3", allow_networks=LOOPBACK)
    assert result.url == f"{feed_server}/rss.xml"
    assert result.body == fixture_bytes("rss2.xml")


def test_one_redirect_too_many_is_refused(feed_server):
    error = fetch_error(f"{feed_server}/redirect/chain/4", allow_networks=LOOPBACK)
    assert error.kind == "too-many-redirects"
    assert "redirected more than 3 times" in str(error)


def test_redirect_loop_is_detected(feed_server):
    error = fetch_error(f"{feed_server}/redirect/loop-a", max_redirects=10, allow_networks=LOOPBACK)
    assert error.kind == "too-many-redirects"
    assert "redirects in a loop" in str(error)


def test_redirect_to_a_private_address_is_checked_and_refused(feed_server):
    error = fetch_error(f"{feed_server}/redirect/private", allow_networks=LOOPBACK)
    assert error.kind == "blocked-address"
    assert "http://10.0.0.7/feed.xml" in str(error)


def test_redirect_to_ipv6_loopback_is_outside_an_ipv4_allowance(feed_server):
    error = fetch_error(f"{feed_server}/redirect/ipv6-loopback", allow_networks=LOOPBACK)
    assert error.kind == "blocked-address"
    assert "::1, which is a loopback address" in str(error)


def test_redirect_to_a_file_url_is_refused(feed_server):
    error = fetch_error(f"{feed_server}/redirect/file", allow_networks=LOOPBACK)
    assert error.kind == "bad-url"


def test_redirect_without_location_is_an_http_status_error(feed_server):
    error = fetch_error(f"{feed_server}/redirect/no-location", allow_networks=LOOPBACK)
    assert error.kind == "http-status"
    assert "without saying where to" in str(error)


# --- deadline and size caps --------------------------------------------------------------


@pytest.mark.parametrize("path", ["/slow-drip", "/slow-headers"])
def test_a_dripping_server_hits_the_overall_deadline(feed_server, path):
    started = time.monotonic()
    error = fetch_error(f"{feed_server}{path}", timeout=0.8, allow_networks=LOOPBACK)
    assert error.kind == "timeout"
    assert "did not answer completely in time" in str(error)
    assert time.monotonic() - started < 1.5


def test_an_endless_body_is_cut_at_max_bytes(feed_server):
    started = time.monotonic()
    error = fetch_error(f"{feed_server}/huge", max_bytes=1024 * 1024, allow_networks=LOOPBACK)
    assert error.kind == "too-large"
    assert "larger than the 1,048,576-byte limit" in str(error)
    assert time.monotonic() - started < 2


def test_a_declared_oversized_body_is_refused_before_reading(feed_server):
    error = fetch_error(f"{feed_server}/huge-declared", allow_networks=LOOPBACK)
    assert error.kind == "too-large"


def test_a_gzip_bomb_is_stopped_at_the_decoded_size(feed_server):
    error = fetch_error(f"{feed_server}/gzip-bomb", max_bytes=1024 * 1024, allow_networks=LOOPBACK)
    assert error.kind == "too-large"
    assert "decompresses to more than the 1,048,576-byte limit" in str(error)


# --- content encodings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fixture"),
    [
        ("/gzip-feed", "rss2.xml"),
        ("/deflate-feed", "atom.xml"),
        ("/chunked-gzip-feed", "rss2.xml"),
    ],
)
def test_compressed_bodies_are_decoded(feed_server, path, fixture):
    result = fetch(f"{feed_server}{path}", allow_networks=LOOPBACK)
    assert result.body == fixture_bytes(fixture)


def test_an_encoding_we_did_not_ask_for_is_reported(feed_server):
    error = fetch_error(f"{feed_server}/brotli", allow_networks=LOOPBACK)
    assert error.kind == "bad-content"
    assert "'br' encoding" in str(error)


def test_decoded_size_exactly_at_the_cap_is_accepted(feed_server):
    size = len(gzip.decompress(gzip.compress(fixture_bytes("rss2.xml"))))
    result = fetch(f"{feed_server}/gzip-feed", max_bytes=size, allow_networks=LOOPBACK)
    assert len(result.body) == size
