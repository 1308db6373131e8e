"""Bounded outbound HTTP: the one implementation the key set, the handshake and the Backend API
share.

A request is sent without following redirects and its body read under a size cap. With a
deadline (``http_timeout``) the whole exchange is bounded, not each socket read: sync, the
deadline is checked between body chunks and a :class:`Watchdog` shuts the socket down when it
passes, so no blocking read outlives it; async, the exchange runs under ``asyncio.timeout``. A
passed deadline is always a :class:`TimeoutError`. Callers map what this module raises
(:class:`Refused`, :class:`TimeoutError`, httpx and OS errors) to their own documented errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib.metadata
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

R = TypeVar("R")


def _version() -> str:
    try:
        return importlib.metadata.version("authguard")
    except importlib.metadata.PackageNotFoundError:
        return "0"


USER_AGENT = f"authguard/{_version()}"
# Only an uncompressed body is accepted, so nothing expands past the cap while decoding.
IDENTITY_HEADERS: Mapping[str, str] = {
    "User-Agent": USER_AGENT,
    "Accept": "application/json",
    "Accept-Encoding": "identity",
}


class Refused(Exception):
    """The response was refused (status, encoding or size); the message is safe to log."""


class BodyTooLarge(Refused):
    """The body exceeded the cap."""


@dataclass(frozen=True, slots=True)
class Reply:
    """A response read in full: status, headers and body."""

    status: int
    headers: httpx.Headers
    body: bytes


def timeout(seconds: float) -> httpx.Timeout:
    """httpx's per-operation timeout for a request bounded overall by ``seconds``."""
    return httpx.Timeout(max(seconds, 0.001))


def check_identity_head(response: httpx.Response, max_bytes: int) -> None:
    """Refuse a non-2xx status, a compressed body, or a declared length over ``max_bytes``."""
    if not 200 <= response.status_code < 300:
        raise Refused(f"HTTP {response.status_code}")
    # We asked for identity; decoding a compressed body could expand it far past the cap.
    if response.headers.get("Content-Encoding", "identity").strip().lower() != "identity":
        raise Refused("compressed body (Content-Encoding) refused")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge(f"body larger than {max_bytes} bytes")


class CappedBody:
    """Accumulates chunks, enforcing the size cap."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise BodyTooLarge(f"body larger than {self.max_bytes} bytes")
        self.parts.append(chunk)

    def bytes(self) -> bytes:
        return b"".join(self.parts)


class Watchdog:
    """Shuts the connection's socket down at the deadline (sync only).

    A blocking read has only a per-read timeout, so a server dripping bytes (even into the
    headers) could otherwise hold the calling thread far past ``http_timeout``. The socket is
    captured through httpcore's ``trace`` extension when it connects, so the client must keep
    no idle connections: every request connects afresh.
    """

    def __init__(self, limit: float) -> None:
        self.fired = False
        self._socket: socket.socket | None = None
        self._mutex = threading.Lock()
        self._end = time.monotonic() + limit
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

    def passed(self) -> bool:
        return time.monotonic() > self._end

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()


class _NoDeadline:
    fired = False

    def passed(self) -> bool:
        return False


@contextlib.contextmanager
def _deadline(request: httpx.Request, limit: float | None) -> Iterator[Watchdog | _NoDeadline]:
    if limit is None:
        yield _NoDeadline()
        return
    with Watchdog(limit) as watchdog:
        request.extensions = {**request.extensions, "trace": watchdog.trace}
        try:
            yield watchdog
        except Refused:
            raise
        except Exception as exc:
            # Once the watchdog has cut the socket, whatever the read raised is the deadline.
            if watchdog.fired:
                raise TimeoutError from exc
            raise


def send(
    client: httpx.Client,
    request: httpx.Request,
    *,
    max_bytes: int,
    limit: float | None,
    check_head: Callable[[httpx.Response], None] | None = None,
) -> Reply:
    """Send ``request`` (no redirects) and read its body under ``max_bytes``; with ``limit``,
    the whole exchange must finish within that many seconds."""
    with _deadline(request, limit) as deadline:
        response = client.send(request, stream=True, follow_redirects=False)
        try:
            if check_head is not None:
                check_head(response)
            body = CappedBody(max_bytes)
            for chunk in response.iter_bytes():
                if deadline.passed():
                    raise TimeoutError
                body.add(chunk)
            if deadline.fired:
                # The watchdog's shutdown ends the read as a clean EOF: a cut body, not a whole one.
                raise TimeoutError
        finally:
            response.close()
    return Reply(response.status_code, response.headers, body.bytes())


async def asend(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    max_bytes: int,
    limit: float | None,
    check_head: Callable[[httpx.Response], None] | None = None,
) -> Reply:
    """Async :func:`send`, bounded by ``asyncio.timeout``."""
    async with asyncio.timeout(limit):
        response = await client.send(request, stream=True, follow_redirects=False)
        try:
            if check_head is not None:
                check_head(response)
            body = CappedBody(max_bytes)
            async for chunk in response.aiter_bytes():
                body.add(chunk)
        finally:
            await response.aclose()
    return Reply(response.status_code, response.headers, body.bytes())


def get(
    client: httpx.Client, url: str, headers: Mapping[str, str], *, limit: float, max_bytes: int
) -> bytes:
    """The 2xx, uncompressed body of a GET of ``url``, within ``limit`` seconds overall."""
    request = client.build_request("GET", url, headers=headers, timeout=timeout(limit))
    head = functools.partial(check_identity_head, max_bytes=max_bytes)
    return send(client, request, max_bytes=max_bytes, limit=limit, check_head=head).body


async def aget(
    client: httpx.AsyncClient,
    url: str,
    headers: Mapping[str, str],
    *,
    limit: float,
    max_bytes: int,
) -> bytes:
    """Async :func:`get`."""
    request = client.build_request("GET", url, headers=headers, timeout=timeout(limit))
    head = functools.partial(check_identity_head, max_bytes=max_bytes)
    reply = await asend(client, request, max_bytes=max_bytes, limit=limit, check_head=head)
    return reply.body


def fresh_client(transport: httpx.BaseTransport | None) -> httpx.Client:
    """A sync client with no idle connections (so the watchdog sees every connect)."""
    return httpx.Client(
        transport=transport,
        follow_redirects=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


def fresh_async_client(transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    """An async client with no idle connections: an idle pooled socket would outlive a loop
    that has already been closed."""
    return httpx.AsyncClient(
        transport=transport,
        follow_redirects=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


class PerLoop(Generic[R]):
    """One ``R`` (an async client, maybe with a lock) per running event loop.

    An ``httpx.AsyncClient`` or ``asyncio.Lock`` belongs to the loop that made it (Django runs
    async views on fresh loops; test runners make one per test), so each running loop gets its
    own; the entries of closed loops are let go.
    """

    def __init__(self, make: Callable[[], R]) -> None:
        self._make = make
        self._items: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, R] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def get(self) -> R:
        """The running loop's ``R``, made on first use."""
        loop = asyncio.get_running_loop()
        with self._lock:
            # A lock that saw contention holds its loop, so weak keys alone may never let go.
            for closed in [other for other in self._items if other.is_closed()]:
                del self._items[closed]
            item = self._items.get(loop)
            if item is None:
                item = self._items[loop] = self._make()
            return item

    def pop_current(self) -> R | None:
        """Remove and return the running loop's ``R``, if it has one."""
        with self._lock:
            return self._items.pop(asyncio.get_running_loop(), None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
