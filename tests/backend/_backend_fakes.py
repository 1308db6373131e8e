"""A recording MockTransport for the Backend API client tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import httpx

from authguard.backend import AsyncBackendAPI, BackendAPI, RetryPolicy
from authguard.settings import Settings

SECRET = "sk_test_backendsecret123"
SETTINGS = Settings(secret_key=SECRET, api_url="https://api.example.test", http_timeout=2)
EXACT = RetryPolicy(jitter=lambda d: d)

Reply = httpx.Response | Callable[[httpx.Request], httpx.Response] | Exception


class Recorder:
    """Answers from a queue (the last reply repeats) and records every request."""

    def __init__(self, replies: Iterable[Reply]) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply):
            return reply(request)
        return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def body(self, index: int = -1) -> Any:
        content = self.requests[index].content
        return json.loads(content) if content else None


class Sleeps:
    """Records the waits asked for; sync and async."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.calls.append(seconds)


def sync_api(recorder: Recorder, sleeps: Sleeps | None = None, **kw: Any) -> BackendAPI:
    return BackendAPI(
        SETTINGS,
        transport=httpx.MockTransport(recorder),
        sleep=sleeps or Sleeps(),
        retry=kw.pop("retry", EXACT),
        **kw,
    )


def async_api(recorder: Recorder, sleeps: Sleeps | None = None, **kw: Any) -> AsyncBackendAPI:
    return AsyncBackendAPI(
        SETTINGS,
        transport=httpx.MockTransport(recorder),
        sleep=(sleeps or Sleeps()).asleep,
        retry=kw.pop("retry", EXACT),
        **kw,
    )


def ok(data: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=data)


def clerk_error(status: int, code: str, message: str, long_message: str) -> httpx.Response:
    error = {"code": code, "message": message, "long_message": long_message, "meta": {}}
    return httpx.Response(status, json={"errors": [error]})
