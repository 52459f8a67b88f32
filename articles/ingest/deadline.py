"""A socket wrapper for ``http.client`` where every read and write shares one deadline.

A per-read socket timeout alone would let a server sending one byte every few seconds
keep a worker busy indefinitely. Kept apart from the protocol code in ``http.py``
because it only adapts a socket and knows nothing about HTTP.
"""

from __future__ import annotations

import io
import socket
import time


class DeadlineSocket:
    """Enough of a socket for http.client, where every read and write honours one deadline.

    A per-read socket timeout alone would let a server sending one byte every few
    seconds keep the connection alive indefinitely; here each operation gets only
    the time left until the deadline.
    """

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def _arm(self) -> None:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("deadline passed")
        self._sock.settimeout(remaining)

    def sendall(self, data: bytes) -> None:
        self._arm()
        self._sock.sendall(data)

    def recv_into(self, buffer: memoryview) -> int:
        self._arm()
        return self._sock.recv_into(buffer)

    def makefile(self, mode: str = "rb", *args: object, **kwargs: object) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self))

    def close(self) -> None:
        """http.client closes the connection while the response is still being read;
        the real socket is closed by ``http.py`` once the body is in."""


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: DeadlineSocket) -> None:
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        return self._sock.recv_into(buffer)
