"""Sync and async shells that send a :class:`Call` with retries; the decisions live in _http."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from authguard._http import BodyTooLarge, PerLoop, asend, send
from authguard.backend._http import (
    MAX_BODY_BYTES,
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
        # No idle connections: the overall deadline's watchdog (SPEC §1 http_timeout) can only
        # reach a socket it saw being opened, so every call opens its own. Callers that make
        # many calls amortise this with AsyncBackendAPI or the current_user() TTL cache.
        self._client = httpx.Client(
            transport=transport,
            limits=httpx.Limits(max_keepalive_connections=0),
            **client_options(settings),
        )
        self._timeout = settings.http_timeout
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
            request = build(self._client, call)
            reply = send(self._client, request, max_bytes=MAX_BODY_BYTES, limit=self._timeout)
        except BodyTooLarge:
            return Failure("body too large", connected=True)
        except (httpx.HTTPError, OSError) as exc:
            return failure_of(exc)
        return reply.status, reply.headers, reply.body

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
        options = client_options(settings)
        self._deadline = settings.http_timeout
        self._policy = policy
        self._sleep = sleep
        self._clock = clock
        self._clients = PerLoop(lambda: httpx.AsyncClient(transport=transport, **options))

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
        client = self._clients.get()
        try:
            # http_timeout is an overall deadline for the exchange, not a per-read inactivity limit.
            reply = await asend(
                client, build(client, call), max_bytes=MAX_BODY_BYTES, limit=self._deadline
            )
        except BodyTooLarge:
            return Failure("body too large", connected=True)
        except (httpx.HTTPError, OSError) as exc:
            return failure_of(exc)
        return reply.status, reply.headers, reply.body

    async def aclose(self) -> None:
        client = self._clients.pop_current()
        self._clients.clear()
        if client is not None:
            await client.aclose()


def default_clock() -> float:
    return time.time()
