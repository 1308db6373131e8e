"""One JWKS download, sync or async, under an overall deadline and a body-size cap.

``http_timeout`` bounds the whole exchange, not each socket read: a server that drips a byte at a
time is cut off once the deadline passes. Sync: the deadline is checked between body chunks and
a watchdog shuts the socket down when it passes, so no blocking read outlives it. Async: the
whole exchange runs under ``asyncio.timeout``. Redirects are never followed (a 3xx is a
failure), and only an uncompressed body is accepted (``Accept-Encoding: identity``) so nothing
expands past the cap.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.metadata
import socket
import threading
import time
from collections.abc import Mapping
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from authguard.keys.jwks import JWKSError, parse_jwks

MAX_BODY_BYTES = 512 * 1024


def _version() -> str:
    try:
        return importlib.metadata.version("authguard")
    except importlib.metadata.PackageNotFoundError:
        return "0"


USER_AGENT = f"authguard/{_version()}"
BASE_HEADERS: Mapping[str, str] = {
    "User-Agent": USER_AGENT,
    "Accept": "application/json",
    "Accept-Encoding": "identity",
}


class FetchError(Exception):
    """The key set could not be fetched; the message is safe to log (no secrets, no keys)."""


def _timeout(seconds: float) -> httpx.Timeout:
    return httpx.Timeout(max(seconds, 0.001))


def _check_head(response: httpx.Response) -> None:
    if not 200 <= response.status_code < 300:
        raise FetchError(f"HTTP {response.status_code}")
    # We asked for identity; decoding a compressed body could expand it far past the cap.
    if response.headers.get("Content-Encoding", "identity").strip().lower() != "identity":
        raise FetchError("compressed body (Content-Encoding) refused")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise FetchError(f"body larger than {MAX_BODY_BYTES} bytes")


class _Body:
    """Accumulates chunks, enforcing the size cap."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_BODY_BYTES:
            raise FetchError(f"body larger than {MAX_BODY_BYTES} bytes")
        self.parts.append(chunk)

    def keys(self) -> dict[str, RSAPublicKey]:
        try:
            return parse_jwks(b"".join(self.parts))
        except JWKSError as exc:
            raise FetchError(str(exc)) from exc


def _as_fetch_error(exc: Exception, limit: float, *, timed_out: bool = False) -> FetchError:
    # Fail closed: whatever a transport raises becomes a failed fetch, never a crash upstream.
    if isinstance(exc, FetchError):
        return exc
    if timed_out or isinstance(exc, TimeoutError | httpx.TimeoutException):
        return FetchError(f"no complete response within {limit} s")
    return FetchError(f"request failed ({type(exc).__name__})")


class _Watchdog:
    """Shuts the connection's socket down at the deadline (sync only).

    A blocking read has only a per-read timeout, so a server dripping bytes (even into the
    headers) could otherwise hold the calling thread far past ``http_timeout``. The socket is
    captured through httpcore's ``trace`` extension when it connects; the client keeps no idle
    connections, so every fetch connects afresh.
    """

    def __init__(self, limit: float) -> None:
        self.fired = False
        self._socket: socket.socket | None = None
        self._mutex = threading.Lock()
        self._timer = threading.Timer(limit, self._fire)
        self._timer.daemon = True

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        if event != "connection.connect_tcp.complete":
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        with self._mutex:
            self._socket = sock if isinstance(sock, socket.socket) else None
            fired = self.fired
        if fired:
            self._fire()

    def _fire(self) -> None:
        with self._mutex:
            self.fired = True
            sock = self._socket
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()


def fetch_keys(
    client: httpx.Client, url: str, headers: Mapping[str, str], limit: float
) -> dict[str, RSAPublicKey]:
    """Download and parse the key set; raise FetchError on any failure."""
    deadline = time.monotonic() + limit
    body = _Body()
    with _Watchdog(limit) as watchdog:
        try:
            request = client.build_request(
                "GET",
                url,
                headers=headers,
                timeout=_timeout(limit),
                extensions={"trace": watchdog.trace},
            )
            response = client.send(request, stream=True, follow_redirects=False)
            try:
                _check_head(response)
                for chunk in response.iter_bytes():
                    if time.monotonic() > deadline:
                        raise FetchError(f"no complete response within {limit} s")
                    body.add(chunk)
                if watchdog.fired:
                    # The shutdown ends the read as a clean EOF: a cut body, not a complete one.
                    raise FetchError(f"no complete response within {limit} s")
            finally:
                response.close()
        except Exception as exc:
            raise _as_fetch_error(exc, limit, timed_out=watchdog.fired) from exc
    return body.keys()


async def afetch_keys(
    client: httpx.AsyncClient, url: str, headers: Mapping[str, str], limit: float
) -> dict[str, RSAPublicKey]:
    """Async twin of :func:`fetch_keys`, bounded by ``asyncio.timeout``."""
    body = _Body()
    try:
        async with asyncio.timeout(limit):
            request = client.build_request("GET", url, headers=headers, timeout=_timeout(limit))
            response = await client.send(request, stream=True, follow_redirects=False)
            try:
                _check_head(response)
                async for chunk in response.aiter_bytes():
                    body.add(chunk)
            finally:
                await response.aclose()
    except Exception as exc:
        raise _as_fetch_error(exc, limit) from exc
    return body.keys()
