"""Section 5: key-set behaviour (fetch counts from a counting loopback JWKS server) and the
verified-token cache's memory bound (tracemalloc). Counts, not times."""

from __future__ import annotations

import asyncio
import base64
import gc
import json
import secrets
import time
import tracemalloc
from collections.abc import Callable

from authguard.claims import normalize_claims
from authguard.guard import Guard
from authguard.settings import Settings
from authguard.testing import SESSION_TOKEN_CATEGORY, b64url
from benchmarks.common import APP_ORIGIN, Budget, Results, Row, jwks_server, settings, token_pool
from benchmarks.verify_bench import request_info

SECTION = "5 keys+cache"
CONCURRENT = 200
UNKNOWN_KIDS = 10_000
DEFAULT_CACHE = 10_000
MEMORY_CAP_BYTES = 32 * 1024 * 1024  # the documented bound for token_cache_size=10_000


def _remote(url: str, clock: Callable[[], float] = time.time) -> Guard:
    return Guard(Settings(jwks_url=url, app_origin=APP_ORIGIN), clock=clock)


def concurrent_cold(results: Results) -> None:
    tokens = token_pool(CONCURRENT)
    with jwks_server() as server:
        guard = _remote(server.url)

        async def crowd() -> int:
            states = await asyncio.gather(*(guard.aauthenticate(request_info(t)) for t in tokens))
            await guard.aclose()
            return sum(s.is_signed_in for s in states)

        signed_in = asyncio.run(crowd())
    note = f"{signed_in}/{CONCURRENT} signed in; key_set.fetch_count={guard.key_set.fetch_count}"
    results.rows.append(
        Row(SECTION, "200 concurrent cold: JWKS fetches", server.hits, unit="fetches", note=note)
    )


def _unknown_kid_token(now: float) -> str:
    header = {"alg": "RS256", "typ": "JWT", "kid": f"ins_{secrets.token_hex(12)}"}
    header["cat"] = SESSION_TOKEN_CATEGORY
    payload = {"sub": "user_x", "sid": "sess_x", "iat": int(now), "exp": int(now) + 60}
    parts = [json.dumps(header).encode(), json.dumps(payload).encode(), secrets.token_bytes(256)]
    return ".".join(b64url(p) for p in parts)


def unknown_kids(results: Results) -> None:
    now = time.time()
    with jwks_server() as server:
        guard = _remote(server.url, clock=lambda: now)  # frozen: all inside the miss cooldown
        if not guard.authenticate(request_info(token_pool(1)[0])).is_signed_in:
            raise RuntimeError("warm-up token refused")
        before = server.hits
        reasons = {
            guard.authenticate(request_info(_unknown_kid_token(now))).reason
            for _ in range(UNKNOWN_KIDS)
        }
        guard.close()
    note = f"after 1 warm-up fetch; reasons={sorted(map(str, reasons))}"
    refetches = server.hits - before
    results.rows.append(
        Row(SECTION, "10k unknown kids: JWKS refetches", refetches, unit="fetches", note=note)
    )


def _traced(func: Callable[[], object]) -> int:
    """Bytes still allocated (and reachable) after ``func`` ran, as tracemalloc sees them."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        func()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()


def memory(results: Results, budget: Budget) -> None:
    tokens = token_pool(budget.memory_tokens)
    guards: list[Guard] = []

    def verify_all(cache_size: int) -> Callable[[], object]:
        def run() -> None:
            guard = Guard(settings(), token_cache_size=cache_size)
            guards.append(guard)  # keep it (and its cache) alive past the measurement
            for token in tokens:
                guard.authenticate(request_info(token))  # the cache key is a new string

        return run

    per_entry = _traced(verify_all(DEFAULT_CACHE)) / len(tokens)
    small = max(len(tokens) // 4, 1)
    bounded = _traced(verify_all(small))
    results.rows.append(
        Row(
            SECTION,
            "cache bytes per verified token",
            per_entry,
            unit="bytes",
            note=f"{len(tokens)} distinct real tokens through Guard.authenticate",
        )
    )
    results.rows.append(
        Row(
            SECTION,
            f"cache of {small}: {len(tokens)} distinct tokens",
            bounded,
            unit="bytes",
            note=f"entries={len(guards[-1]._cache)}; {bounded / small:.0f} B/entry",
        )
    )
    guards.clear()
    _synthetic_fill(results, budget)


def _synthetic_fill(results: Results, budget: Budget) -> None:
    """Insert ``memory_inserts`` distinct sessions straight into a default Guard's cache."""
    template = token_pool(1)[0]
    payload = json.loads(base64.urlsafe_b64decode(template.split(".")[1] + "=="))
    kept: list[Guard] = []

    def fill() -> None:
        guard = Guard(settings())
        kept.append(guard)
        for i in range(budget.memory_inserts):
            token = f"{template[:-8]}{i:08d}"  # realistic length, distinct
            guard._cache[token] = normalize_claims(payload, token)

    grown = _traced(fill)
    entries = len(kept[0]._cache)
    note = f"entries={entries} (maxsize {DEFAULT_CACHE}); cap {MEMORY_CAP_BYTES} B"
    results.rows.append(
        Row(
            SECTION,
            f"cache after {budget.memory_inserts} distinct tokens",
            grown,
            unit="bytes",
            note=note,
        )
    )


def run(results: Results, budget: Budget) -> None:
    concurrent_cold(results)
    unknown_kids(results)
    memory(results, budget)
