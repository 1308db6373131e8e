"""Section 3: verification alone — authguard's cold path vs ``jwt.decode`` vs the RSA floor."""

from __future__ import annotations

import base64
import statistics
import time
from collections.abc import Callable, Sequence

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from authguard.guard import Guard
from authguard.request import RequestInfo
from benchmarks.common import KEY, Budget, Results, Row, admin_token, settings, token_pool

SECTION = "3 verify"
Round = tuple[Callable[[], float], int]  # (run one round -> seconds, calls per round)


def request_info(token: str) -> RequestInfo:
    headers = {"host": "bench.test", "authorization": f"Bearer {token}"}
    return RequestInfo("GET", "/", "http://bench.test/", headers, "")


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def guard_cold(tokens: Sequence[str]) -> Round:
    """``Guard.authenticate`` with a new Guard (empty verified-token cache) each round."""
    infos = [request_info(t) for t in tokens]

    def one_round() -> float:
        guard = Guard(settings())
        start = time.perf_counter()
        for info in infos:
            if not guard.authenticate(info).is_signed_in:
                raise RuntimeError("cold path refused a valid token")
        return time.perf_counter() - start

    return one_round, len(infos)


def guard_repeated(token: str, calls: int) -> Round:
    guard, info = Guard(settings()), request_info(token)

    def one_round() -> float:
        start = time.perf_counter()
        for _ in range(calls):
            guard.authenticate(info)
        return time.perf_counter() - start

    return one_round, calls


def pyjwt_decode(tokens: Sequence[str]) -> Round:
    key = KEY.public_key

    def one_round() -> float:
        start = time.perf_counter()
        for token in tokens:
            jwt.decode(token, key, algorithms=["RS256"])
        return time.perf_counter() - start

    return one_round, len(tokens)


def rsa_floor(tokens: Sequence[str]) -> Round:
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

    return one_round, len(prepared)


def interleaved(cases: dict[str, Round], rounds: int) -> dict[str, float]:
    """Median µs per call of each case; rounds interleaved so machine noise hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for round_no in range(rounds + 1):  # round 0 warms up
        for name, (one_round, calls) in cases.items():
            elapsed = one_round()
            if round_no:
                times[name].append(elapsed / calls * 1e6)
    return {name: statistics.median(values) for name, values in times.items()}


def run(results: Results, budget: Budget) -> None:
    tokens = token_pool(budget.cold_calls)
    medians = interleaved(
        {
            "rsa verify floor": rsa_floor(tokens),
            "jwt.decode preloaded key": pyjwt_decode(tokens),
            "Guard.authenticate cold": guard_cold(tokens),
            "Guard.authenticate repeated": guard_repeated(admin_token(), budget.calls),
        },
        budget.rounds,
    )
    floor = medians["rsa verify floor"]
    for name, value in medians.items():
        row = Row(SECTION, name, value)
        if name != "rsa verify floor":
            row.baseline, row.ratio, row.added = "rsa verify floor", value / floor, value - floor
        results.rows.append(row)
