"""Sync and async shells that send a :class:`Call` with retries; the decisions live in _http."""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from authguard.backend._http import (
    Body,
    BodyTooLarge,
    Call,
    Failure,
    Outcome,
    build,
    client_options,
    decide,
    failure_of,
    finish,
    log_retry,
)
from authguard.backend._retry import RetryPolicy
from authguard.settings import Settings

T = TypeVar("T")
Clock = Callable[[], float]


class SyncTransport:
    """One ``httpx.Client`` for the life of the API object."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None,
        policy: RetryPolicy,
        sleep: Callable[[float], None],
        clock: Clock,
    ) -> None:
        self._client = httpx.Client(transport=transport, **client_options(settings))
        self._policy = policy
        self._sleep = sleep
        self._clock = clock

    def run(self, call: Call[T]) -> T:
        waited, attempt = 0.0, 0
        while True:
            outcome = self._attempt(call)
            delay = decide(call.method, outcome, attempt, waited, self._policy, self._clock())
            if delay is None:
                return finish(call, outcome)
            log_retry(call, outcome, delay)
            self._sleep(delay)
            waited, attempt = waited + delay, attempt + 1

    def _attempt(self, call: Call[Any]) -> Outcome:
        try:
            response = self._client.send(build(self._client, call), stream=True)
            try:
                body = Body()
                for chunk in response.iter_bytes():
                    body.add(chunk)
            finally:
                response.close()
        except BodyTooLarge:
            return Failure("body too large", connected=True)
        except (httpx.HTTPError, OSError) as exc:
            return failure_of(exc)
        return response.status_code, response.headers, body.bytes()

    def close(self) -> None:
        self._client.close()


class AsyncTransport:
    """An ``httpx.AsyncClient`` per event loop (a client is bound to the loop that made it)."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None,
        policy: RetryPolicy,
        sleep: Callable[[float], Awaitable[None]],
        clock: Clock,
    ) -> None:
        self._options = client_options(settings)
        self._deadline = settings.http_timeout
        self._transport = transport
        self._policy = policy
        self._sleep = sleep
        self._clock = clock
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    async def run(self, call: Call[T]) -> T:
        waited, attempt = 0.0, 0
        while True:
            outcome = await self._attempt(call)
            delay = decide(call.method, outcome, attempt, waited, self._policy, self._clock())
            if delay is None:
                return finish(call, outcome)
            log_retry(call, outcome, delay)
            await self._sleep(delay)
            waited, attempt = waited + delay, attempt + 1

    async def _attempt(self, call: Call[Any]) -> Outcome:
        client = self._client()
        try:
            # http_timeout is an overall deadline for the exchange, not a per-read inactivity limit.
            async with asyncio.timeout(self._deadline):
                response = await client.send(build(client, call), stream=True)
                try:
                    body = Body()
                    async for chunk in response.aiter_bytes():
                        body.add(chunk)
                finally:
                    await response.aclose()
        except BodyTooLarge:
            return Failure("body too large", connected=True)
        except (httpx.HTTPError, OSError) as exc:
            return failure_of(exc)
        return response.status_code, response.headers, body.bytes()

    def _client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        with self._lock:
            for closed in [other for other in self._clients if other.is_closed()]:
                del self._clients[closed]
            client = self._clients.get(loop)
            if client is None:
                client = httpx.AsyncClient(transport=self._transport, **self._options)
                self._clients[loop] = client
            return client

    async def aclose(self) -> None:
        with self._lock:
            client = self._clients.pop(asyncio.get_running_loop(), None)
            self._clients.clear()
        if client is not None:
            await client.aclose()


def default_clock() -> float:
    return time.time()
