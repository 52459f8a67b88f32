"""Reading a response body under a byte cap, undoing gzip or deflate on the way.

The cap applies to the bytes received *and* to the decoded body, and inflating is
bounded call by call, so a gzip bomb is stopped before it fills memory. Kept apart
from the protocol code in ``http.py`` because this defence is self-contained and
easier to review alone.
"""

from __future__ import annotations

import http.client
import zlib
from collections.abc import Callable

_READ_CHUNK = 64 * 1024


class BodyRejected(Exception):
    """A body that may not be kept; ``kind`` is ``"too-large"`` or ``"bad-content"``.

    ``str(error)`` is for an admin; :func:`~articles.ingest.http.fetch` reports it as a
    ``FetchError`` of the same kind and message.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def read_body(response: http.client.HTTPResponse, headers: dict[str, str], max_bytes: int, url: str) -> bytes:
    """The decoded body of ``response`` (``headers`` with lower-case names), at most ``max_bytes``."""
    declared = headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyRejected("too-large", _too_large_message(url, max_bytes))
    encoding = headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        raise BodyRejected(
            "bad-content",
            f"{url} sent its body with the {encoding!r} encoding, which we did not ask for and "
            "cannot decode; the server ignores our Accept-Encoding header.",
        )
    decoder = None
    body = bytearray()
    received = 0
    while chunk := response.read(_READ_CHUNK):
        received += len(chunk)
        if received > max_bytes:
            raise BodyRejected("too-large", _too_large_message(url, max_bytes))
        if encoding in ("", "identity"):
            body += chunk
        else:
            decoder = decoder or zlib.decompressobj(_window_bits(encoding, chunk))
            # Bounding each call's output (instead of checking afterwards) is what
            # defuses a gzip bomb: input beyond the cap is never inflated at all.
            body += _inflate(decoder.decompress, chunk, max_bytes - len(body) + 1, url)
        if len(body) > max_bytes:
            raise BodyRejected("too-large", _too_large_message(url, max_bytes, decoded=True))
    if decoder is not None:
        body += _inflate(lambda _, limit: decoder.flush()[:limit], b"", max_bytes - len(body) + 1, url)
        if len(body) > max_bytes:
            raise BodyRejected("too-large", _too_large_message(url, max_bytes, decoded=True))
    return bytes(body)


def _window_bits(encoding: str, first_chunk: bytes) -> int:
    if encoding != "deflate":
        return 16 + zlib.MAX_WBITS  # gzip container
    # "deflate" should be zlib-wrapped (RFC 9110) but some servers send raw deflate;
    # a zlib stream starts with a method byte of 8 and a header checksum divisible by 31.
    has_zlib_header = (
        len(first_chunk) >= 2
        and first_chunk[0] & 0x0F == 8
        and int.from_bytes(first_chunk[:2], "big") % 31 == 0
    )
    return zlib.MAX_WBITS if has_zlib_header else -zlib.MAX_WBITS


def _inflate(step: Callable[[bytes, int], bytes], chunk: bytes, limit: int, url: str) -> bytes:
    try:
        return step(chunk, limit)
    except zlib.error as exc:
        raise BodyRejected(
            "bad-content",
            f"{url} sent a compressed body that could not be decoded ({exc}); the server or a "
            "proxy in between is misbehaving.",
        ) from None


def _too_large_message(url: str, max_bytes: int, *, decoded: bool = False) -> str:
    what = "decompresses to more than" if decoded else "is larger than"
    return (
        f"{url} {what} the {max_bytes:,}-byte limit, so the download was stopped; "
        "check that the URL points at a feed and not at a large file."
    )
