"""Section 1: in-process ASGI calls (no network) with a prepared scope/receive/send."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any

from starlette.types import ASGIApp, Message

from benchmarks import asgi_apps
from benchmarks.common import (
    Budget,
    Results,
    Row,
    admin_token,
    compare,
    jwks_server,
    settings,
    token_pool,
)

SECTION = "1 asgi"


def http_scope(token: str | None, path: str = "/") -> dict[str, Any]:
    headers = [(b"host", b"bench.test"), (b"accept", b"*/*")]
    if token is not None:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("bench.test", 80),
    }


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


class _Send:
    """Counts responses that were not 200, so a benchmark of a refusal is caught."""

    def __init__(self) -> None:
        self.failures = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            self.failures += 1


async def _batch(app: ASGIApp, scopes: Sequence[dict[str, Any]]) -> float:
    send = _Send()
    start = time.perf_counter()
    for scope in scopes:
        await app(dict(scope), _receive, send)
    elapsed = time.perf_counter() - start
    if send.failures:
        raise RuntimeError(f"{send.failures} of {len(scopes)} calls were not 200")
    return elapsed


def measure(
    factory: Callable[[], ASGIApp], scopes: Sequence[dict[str, Any]], rounds: int, *, fresh: bool
) -> float:
    """Median µs per call. ``fresh`` builds a new app (empty caches) for every round."""

    async def run() -> float:
        app = factory()

        async def one_round() -> float:
            nonlocal app
            if fresh:
                app = factory()
            return await _batch(app, scopes)

        times = [await one_round() for _ in range(rounds + 1)][1:]  # first round warms up
        return sorted(times)[len(times) // 2] / len(scopes) * 1e6

    return asyncio.run(run())


def run(results: Results, budget: Budget) -> None:
    token = admin_token()
    repeated = [http_scope(token)] * budget.calls
    cold = [http_scope(t) for t in token_pool(budget.cold_calls)]
    s = settings()
    cases: list[tuple[str, Callable[[], ASGIApp], Sequence[dict[str, Any]], bool]] = [
        ("starlette bare", asgi_apps.starlette_bare, [http_scope(None)] * budget.calls, False),
        ("starlette authguard repeated", lambda: asgi_apps.starlette_authguard(s), repeated, False),
        ("starlette authguard cold", lambda: asgi_apps.starlette_authguard(s), cold, True),
        ("fastapi bare", asgi_apps.fastapi_bare, [http_scope(None)] * budget.calls, False),
        ("fastapi authguard repeated", lambda: asgi_apps.fastapi_authguard(s), repeated, False),
    ]
    for name, factory, scopes, fresh in cases:
        value = measure(factory, scopes, budget.rounds, fresh=fresh)
        results.rows.append(Row(SECTION, name, value))
    _peers(results, budget, repeated)
    for name, base in [
        ("starlette authguard repeated", "starlette bare"),
        ("starlette authguard cold", "starlette bare"),
        ("starlette clerk-backend-api", "starlette bare"),
        ("fastapi authguard repeated", "fastapi bare"),
        ("fastapi fastapi-clerk-auth", "fastapi bare"),
    ]:
        compare(results, name, base)


def _peers(results: Results, budget: Budget, repeated: Sequence[dict[str, Any]]) -> None:
    try:
        import clerk_backend_api  # noqa: F401
        import fastapi_clerk_auth  # type: ignore[import-untyped]  # noqa: F401
    except ImportError as exc:
        results.skipped.append(f"peers not installed ({exc.name}); pip install '.[bench]'")
        return
    with jwks_server() as server:
        value = measure(
            lambda: asgi_apps.fastapi_clerk_auth(server.url), repeated, budget.rounds, fresh=False
        )
        results.rows.append(
            Row(SECTION, "fastapi fastapi-clerk-auth", value, note=f"{server.hits} JWKS fetch(es)")
        )
    value = measure(asgi_apps.starlette_clerk_backend, repeated, budget.rounds, fresh=False)
    results.rows.append(Row(SECTION, "starlette clerk-backend-api", value))
