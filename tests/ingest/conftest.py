"""Fixtures for the ingest tests: the local feed host (shared, in tests/feedserver.py)
and an HTTPS variant of it with a self-signed certificate.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.feedserver import (  # noqa: F401  (fixtures and helpers the ingest tests use)
    FEED_ETAG,
    FEED_LAST_MODIFIED,
    LOOPBACK,
    FeedHostHandler,
    big_feed,
    fixture_bytes,
    fixture_feed_server,
)
from tests.feedserver import QuietServer as _QuietServer

TLS_HOST = "feeds.internal.test"


class TLSFeedHost:
    """An HTTPS feed host with a self-signed certificate for :data:`TLS_HOST`."""

    def __init__(self, port: int, cafile: Path, server_names: list[str | None]) -> None:
        self.port = port
        self.cafile = cafile
        self.server_names = server_names  # the SNI name of every handshake, in order


@pytest.fixture(scope="session")
def tls_feed_server(tmp_path_factory) -> Iterator[TLSFeedHost]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "2", "-subj", f"/CN={TLS_HOST}",
            "-addext", f"subjectAltName=DNS:{TLS_HOST}",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    server_names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _ctx: server_names.append(name)
    server = _QuietServer(("127.0.0.1", 0), FeedHostHandler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, name="tls-feed-host", daemon=True)
    thread.start()
    try:
        yield TLSFeedHost(server.server_address[1], cert, server_names)
    finally:
        server.shutdown()
        server.server_close()
