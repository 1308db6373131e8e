"""Section 3: verification alone — authguard's cold path vs ``jwt.decode`` vs the RSA floor."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Sequence

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from authguard.guard import Guard
from authguard.request import RequestInfo
from benchmarks.common import KEY, Budget, Results, Row, admin_token, settings, token_pool

SECTION = "3 verify"


def request_info(token: str) -> RequestInfo:
    headers = {"host": "bench.test", "authorization": f"Bearer {token}"}
    return RequestInfo("GET", "/", "http://bench.test/", headers, "")


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _median(per_round: Callable[[], float], rounds: int, calls: int) -> float:
    per_round()  # warm-up
    times = sorted(per_round() for _ in range(rounds))
    return times[len(times) // 2] / calls * 1e6


def guard_cold(tokens: Sequence[str], rounds: int) -> float:
    """``Guard.authenticate`` with a new Guard (empty verified-token cache) each round."""
    infos = [request_info(t) for t in tokens]

    def one_round() -> float:
        guard = Guard(settings())
        start = time.perf_counter()
        for info in infos:
            if not guard.authenticate(info).is_signed_in:
                raise RuntimeError("cold path refused a valid token")
        return time.perf_counter() - start

    return _median(one_round, rounds, len(infos))


def guard_repeated(token: str, rounds: int, calls: int) -> float:
    guard, info = Guard(settings()), request_info(token)

    def one_round() -> float:
        start = time.perf_counter()
        for _ in range(calls):
            guard.authenticate(info)
        return time.perf_counter() - start

    return _median(one_round, rounds, calls)


def pyjwt_decode(tokens: Sequence[str], rounds: int) -> float:
    key = KEY.public_key

    def one_round() -> float:
        start = time.perf_counter()
        for token in tokens:
            jwt.decode(token, key, algorithms=["RS256"])
        return time.perf_counter() - start

    return _median(one_round, rounds, len(tokens))


def rsa_floor(tokens: Sequence[str], rounds: int) -> float:
    key = KEY.public_key
    prepared = []
    for token in tokens:
        signing_input, _, signature = token.rpartition(".")
        prepared.append((signing_input.encode(), _b64decode(signature)))
    pad, digest = padding.PKCS1v15(), hashes.SHA256()

    def one_round() -> float:
        start = time.perf_counter()
        for data, signature in prepared:
            key.verify(signature, data, pad, digest)
        return time.perf_counter() - start

    return _median(one_round, rounds, len(prepared))


def run(results: Results, budget: Budget) -> None:
    tokens = token_pool(budget.cold_calls)
    floor = rsa_floor(tokens, budget.rounds)
    rows = [
        Row(SECTION, "rsa verify floor", floor),
        Row(SECTION, "jwt.decode preloaded key", pyjwt_decode(tokens, budget.rounds)),
        Row(SECTION, "Guard.authenticate cold", guard_cold(tokens, budget.rounds)),
        Row(
            SECTION,
            "Guard.authenticate repeated",
            guard_repeated(admin_token(), budget.rounds, budget.calls),
        ),
    ]
    for row in rows[1:]:
        row.baseline, row.ratio = "rsa verify floor", row.value / floor
        row.added = row.value - floor
    results.rows.extend(rows)
