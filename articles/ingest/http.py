"""The one door for outbound HTTP: every feed poll and page fetch goes through :func:`fetch`.

Fetching a URL an admin typed in is a server-side request forgery risk: without a
guard, ``http://169.254.169.254/`` or ``http://localhost:6379/`` would let anyone who
can add a source read the cloud metadata service or poke the broker. So :func:`fetch`

* accepts only http and https;
* resolves the host once, refuses addresses that are not globally routable (loopback,
  private, link-local, shared, multicast, reserved, ... and IPv6 forms that embed
  them) unless an admin allowed their network, and then connects to *that checked
  address* — no second lookup, so a DNS answer that changes between check and
  connect (DNS rebinding) cannot slip through;
* follows redirects itself, re-checking every hop;
* enforces one deadline for the whole exchange (a server that drips a byte per
  second cannot hold a worker forever) and a byte cap on the decoded body (a gzip
  bomb cannot fill memory).

Only the standard library is used, so the guard has no third-party behaviour to audit.
The address guard lives in :mod:`articles.ingest.addresses` (its public names are
re-exported here, so callers import from this one module), the capped body reader in
:mod:`articles.ingest.bodies` and the deadline socket in :mod:`articles.ingest.deadline`.
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from articles.ingest.addresses import (
    Address,
    AddressRefused,
    IPAddress,
    IPNetwork,
    blocked_reason,
    parse_networks,
    resolve,
)
from articles.ingest.bodies import BodyRejected, read_body
from articles.ingest.deadline import DeadlineSocket

__all__ = [
    "DEFAULT_ACCEPT",
    "DEFAULT_USER_AGENT",
    "FETCH_ERROR_KINDS",
    "REDIRECT_STATUSES",
    "FetchError",
    "FetchResult",
    "IPAddress",
    "IPNetwork",
    "blocked_reason",
    "fetch",
    "parse_networks",
]

DEFAULT_USER_AGENT = "IntelPortal/0.1 (+feed collector)"
DEFAULT_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Every FetchError.kind, so callers can map kinds to source-health states exhaustively.
FETCH_ERROR_KINDS = frozenset(
    {"bad-url", "blocked-address", "dns", "timeout", "connection", "too-large"}
    | {"too-many-redirects", "http-status", "bad-content"}
)


@dataclass
class FetchResult:
    status: int
    url: str  # the final URL, after redirects
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes  # decoded (gzip/deflate removed); empty on 304
    etag: str | None
    last_modified: str | None
    not_modified: bool
    elapsed: float  # seconds, whole exchange including redirects


class FetchError(Exception):
    """A fetch that did not produce a usable response; ``str(error)`` is for an admin."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = 10.0,
    max_bytes: int = 10 * 1024 * 1024,
    max_redirects: int = 3,
    allow_networks: Sequence[str] = (),
    user_agent: str = DEFAULT_USER_AGENT,
    accept: str = DEFAULT_ACCEPT,
) -> FetchResult:
    """GET ``url`` safely; raise :class:`FetchError` for anything but a 2xx or 304.

    ``timeout`` is a deadline for the whole exchange, redirects included.
    ``allow_networks`` lists CIDR networks that may be reached although not public
    (the caller passes ``settings.FETCH_ALLOW_NETWORKS``).
    """
    started = time.monotonic()
    deadline = started + timeout
    networks = parse_networks(allow_networks)
    visited: set[str] = set()
    current = url
    for hop in range(max_redirects + 1):
        visited.add(current)
        request = _Request(current, etag, last_modified, user_agent, accept)
        status, headers, body = _exchange(request, networks, deadline, max_bytes)
        if status in REDIRECT_STATUSES:
            location = headers.get("location")
            if not location:
                raise FetchError(
                    "http-status",
                    f"{current} answered HTTP {status} (a redirect) without saying where to; "
                    "check the URL in a browser and use the address it ends up at.",
                )
            target = urljoin(current, location.strip())
            if target in visited:
                raise FetchError(
                    "too-many-redirects",
                    f"{url} redirects in a loop ({current} sends back to {target}); "
                    "the site is misconfigured — try the feed URL it should end at.",
                )
            if hop == max_redirects:
                break
            current = target
            continue
        not_modified = status == 304
        return FetchResult(
            status=status,
            url=current,
            headers=headers,
            body=body,
            # A 304 may omit the validators; the ones we sent are still current then.
            etag=headers.get("etag") or (etag if not_modified else None),
            last_modified=headers.get("last-modified") or (last_modified if not_modified else None),
            not_modified=not_modified,
            elapsed=time.monotonic() - started,
        )
    raise FetchError(
        "too-many-redirects",
        f"{url} redirected more than {max_redirects} times (last to {current}); "
        "use the final address of the feed as the source URL.",
    )


@dataclass(frozen=True)
class _Request:
    url: str
    etag: str | None
    last_modified: str | None
    user_agent: str
    accept: str


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str


def _parse_target(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError("bad-url", f"{url!r} is not a valid URL ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = scheme or "no scheme"
        raise FetchError(
            "bad-url",
            f"{url!r} uses {shown}; only http:// and https:// addresses can be fetched.",
        )
    if not parts.hostname:
        raise FetchError("bad-url", f"{url!r} has no host name; write the full address.")
    if parts.username is not None or parts.password is not None:
        # Credentials in a URL end up in logs and error messages; refuse them outright.
        raise FetchError(
            "bad-url",
            f"{parts.hostname}: the URL carries a user name or password, which is not "
            "supported; remove them from the source URL.",
        )
    try:
        # http.client writes the Host header in ASCII: international names go as IDNA.
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError("bad-url", f"{url!r} has a host name that is not valid.") from None
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    # Raw spaces or non-ASCII characters are not allowed on the request line.
    path = _UNSAFE_IN_PATH.sub(lambda match: quote(match.group()), path)
    default_port = 443 if scheme == "https" else 80
    return _Target(scheme, host, port or default_port, path)


_UNSAFE_IN_PATH = re.compile(r"[^\x21-\x7e]")


def _exchange(
    request: _Request, networks: tuple[IPNetwork, ...], deadline: float, max_bytes: int
) -> tuple[int, dict[str, str], bytes]:
    """One request/response; the body is read only for 2xx responses."""
    target = _parse_target(request.url)
    try:
        addresses = resolve(target.host, target.port, networks, request.url)
    except AddressRefused as exc:
        raise FetchError(exc.kind, str(exc)) from None
    sock = _connect(target, addresses, deadline, request.url)
    connection = http.client.HTTPConnection(target.host, target.port)
    # Setting the socket ourselves means http.client never resolves the name again,
    # while it still writes the real host name into the Host header.
    connection.sock = DeadlineSocket(sock, deadline)
    try:
        return _send_and_read(connection, target, request, deadline, max_bytes)
    except FetchError:
        raise
    except TimeoutError:
        raise _timeout_error(request.url) from None
    except (OSError, http.client.HTTPException) as exc:
        if time.monotonic() >= deadline:
            raise _timeout_error(request.url) from None
        raise FetchError(
            "connection",
            f"The connection to {target.host} broke while fetching {request.url} "
            f"({exc.__class__.__name__}: {exc}); if this keeps happening, check the site.",
        ) from None
    finally:
        connection.close()
        sock.close()


def _send_and_read(
    connection: http.client.HTTPConnection,
    target: _Target,
    request: _Request,
    deadline: float,
    max_bytes: int,
) -> tuple[int, dict[str, str], bytes]:
    connection.putrequest("GET", target.path, skip_accept_encoding=True)
    connection.putheader("User-Agent", request.user_agent)
    connection.putheader("Accept", request.accept)
    connection.putheader("Accept-Encoding", "gzip, deflate")
    connection.putheader("Connection", "close")
    if request.etag:
        connection.putheader("If-None-Match", request.etag)
    if request.last_modified:
        connection.putheader("If-Modified-Since", request.last_modified)
    connection.endheaders()
    response = connection.getresponse()
    headers = _header_dict(response.getheaders())
    status = response.status
    if status in REDIRECT_STATUSES or status == 304:
        return status, headers, b""
    if not 200 <= status < 300:
        reason = response.reason or ""
        raise FetchError(
            "http-status",
            f"{request.url} answered HTTP {status} {reason}".rstrip() + f". {_status_advice(status)}",
        )
    try:
        body = read_body(response, headers, max_bytes, request.url)
    except BodyRejected as exc:
        raise FetchError(exc.kind, str(exc)) from None
    if time.monotonic() > deadline:
        raise _timeout_error(request.url)
    return status, headers, body


def _status_advice(status: int) -> str:
    if status in (401, 403):
        return "The site refuses access; the feed may need a login or may block collectors."
    if status in (404, 410):
        return "The feed is not (or no longer) at this address; look for its new URL."
    if status == 429:
        return "The site asks us to slow down; increase the polling interval."
    if status >= 500:
        return "The site has a server error; it is usually temporary, so it will be retried."
    return "Check the URL in a browser."


def _connect(target: _Target, addresses: list[Address], deadline: float, url: str) -> socket.socket:
    last_error: OSError | None = None
    for family, sockaddr in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _timeout_error(url)
        # A bare socket connected to the resolved sockaddr: nothing here can look the
        # name up again (socket.create_connection would call getaddrinfo once more).
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(remaining)
            sock.connect(sockaddr)
        except TimeoutError:
            sock.close()
            raise _timeout_error(url) from None
        except OSError as exc:
            sock.close()
            last_error = exc
            continue
        if target.scheme == "https":
            return _wrap_tls(sock, target, deadline, url)
        return sock
    raise FetchError(
        "connection",
        f"Could not connect to {target.host} port {target.port} for {url} ({last_error}); "
        "the site may be down or refusing connections.",
    )


_TLS_CONTEXT = ssl.create_default_context()


def _wrap_tls(sock: socket.socket, target: _Target, deadline: float, url: str) -> socket.socket:
    sock.settimeout(max(deadline - time.monotonic(), 0.001))
    try:
        # server_hostname sends SNI and makes the certificate check use the real name,
        # although the socket is connected to a bare IP address.
        return _TLS_CONTEXT.wrap_socket(sock, server_hostname=target.host)
    except TimeoutError:
        sock.close()
        raise _timeout_error(url) from None
    except (ssl.SSLError, OSError) as exc:
        sock.close()
        raise FetchError(
            "connection",
            f"The secure (TLS) connection to {target.host} failed for {url} ({exc}); the "
            "site's certificate may be invalid or expired.",
        ) from None


def _header_dict(pairs: list[tuple[str, str]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _timeout_error(url: str) -> FetchError:
    return FetchError(
        "timeout",
        f"{url} did not answer completely in time; the site may be slow or overloaded. "
        "It will be retried at the next poll.",
    )
