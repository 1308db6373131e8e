"""Section 1: in-process ASGI calls (no network) with a prepared scope/receive/send."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from starlette.types import ASGIApp, Message

from benchmarks import asgi_apps, floors
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
#: ``jwt.decode`` of the cold tokens, in section 1's interleaved rounds (the cold target's
#: denominator; includes one trivial ``await``, well under 1 % of a decode).
INTERLEAVED_DECODE = "jwt.decode preloaded key (interleaved)"
#: FastAPI with ``@protect`` from ``authguard.starlette`` instead of ``Protect(...)``
FASTAPI_DECORATOR = "fastapi authguard repeated (@protect)"
#: not libraries: lower bounds (``floors.py``)
STARLETTE_FLOOR = "starlette floor: minimal auth middleware"
FASTAPI_FLOOR = "fastapi floor: no-op dependency of Protect's shape"


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


Case = tuple[str, Callable[[], ASGIApp], Sequence[dict[str, Any]], bool]


def measure(cases: Sequence[Case], rounds: int) -> dict[str, float]:
    """Median µs per call of each case, rounds interleaved so machine noise hits all alike.

    A case marked ``fresh`` gets a new app (empty caches) for every round.
    """

    async def run() -> dict[str, float]:
        apps = {name: factory() for name, factory, _, _ in cases}
        times: dict[str, list[float]] = {name: [] for name, _, _, _ in cases}
        for round_no in range(rounds + 1):  # round 0 warms up
            for name, factory, scopes, fresh in cases:
                if fresh and round_no:
                    apps[name] = factory()
                elapsed = await _batch(apps[name], scopes)
                if round_no:
                    times[name].append(elapsed / len(scopes) * 1e6)
        return {name: statistics.median(values) for name, values in times.items()}

    return asyncio.run(run())


def run(results: Results, budget: Budget) -> None:
    token = admin_token()
    repeated = [http_scope(token)] * budget.calls
    cold = [http_scope(t) for t in token_pool(budget.cold_calls)]
    s = settings()
    cases: list[Case] = [
        ("starlette bare", asgi_apps.starlette_bare, [http_scope(None)] * budget.calls, False),
        ("starlette authguard repeated", lambda: asgi_apps.starlette_authguard(s), repeated, False),
        ("starlette authguard cold", lambda: asgi_apps.starlette_authguard(s), cold, True),
        (INTERLEAVED_DECODE, asgi_apps.JwtDecodeOnly, cold, False),
        ("fastapi bare", asgi_apps.fastapi_bare, [http_scope(None)] * budget.calls, False),
        ("fastapi authguard repeated", lambda: asgi_apps.fastapi_authguard(s), repeated, False),
        (FASTAPI_DECORATOR, lambda: asgi_apps.fastapi_authguard_decorator(s), repeated, False),
        (STARLETTE_FLOOR, lambda: floors.starlette_floor(token), repeated, False),
        (FASTAPI_FLOOR, floors.fastapi_floor, repeated, False),
    ]
    with _peer_cases(results, repeated) as peers:
        medians = measure([*cases, *peers], budget.rounds)
    results.rows.extend(Row(SECTION, name, value) for name, value in medians.items())
    for name, base in [
        ("starlette authguard repeated", "starlette bare"),
        ("starlette authguard cold", "starlette bare"),
        ("starlette clerk-backend-api", "starlette bare"),
        ("fastapi authguard repeated", "fastapi bare"),
        ("fastapi fastapi-clerk-auth", "fastapi bare"),
        (FASTAPI_DECORATOR, "fastapi bare"),
        (STARLETTE_FLOOR, "starlette bare"),
        (FASTAPI_FLOOR, "fastapi bare"),
    ]:
        compare(results, name, base)


@contextmanager
def _peer_cases(results: Results, repeated: Sequence[dict[str, Any]]) -> Iterator[list[Case]]:
    try:
        import clerk_backend_api  # noqa: F401
        import fastapi_clerk_auth  # type: ignore[import-untyped]  # noqa: F401
    except ImportError as exc:
        results.skipped.append(f"peers not installed ({exc.name}); pip install '.[bench]'")
        yield []
        return
    with jwks_server() as server:
        yield [
            (
                "fastapi fastapi-clerk-auth",
                lambda: asgi_apps.fastapi_clerk_auth(server.url),
                repeated,
                False,
            ),
            ("starlette clerk-backend-api", asgi_apps.starlette_clerk_backend, repeated, False),
        ]
