"""The verified-token cache a request hits first (``authguard._token_cache.TokenCache``)."""

from __future__ import annotations

import dataclasses

import pytest

from authguard._token_cache import TokenCache
from authguard.claims import SessionClaims, normalize_claims

BASE = normalize_claims({"sub": "user_1", "sid": "sess_1", "exp": 1000, "iat": 900}, "t")


class Clock:
    def __init__(self, now: float = 500.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def session(token: str, exp: float = 1000.0) -> SessionClaims:
    return dataclasses.replace(BASE, token=token, expires_at=exp)


@pytest.mark.parametrize(
    ("now", "served"),
    [(999.9, True), (1000.0, False), (1000.1, False), (5000.0, False)],
)
def test_never_serves_an_entry_at_or_after_exp(now: float, served: bool) -> None:
    clock = Clock()
    cache = TokenCache(10, clock)
    cache["a"] = session("a")
    clock.now = now
    assert (cache.get("a") is not None) is served
    assert len(cache) == (1 if served else 0)  # an expired hit is evicted


@pytest.mark.parametrize(("maxsize", "inserts"), [(1, 5), (3, 10), (100, 1000)])
def test_bounded_and_oldest_insertion_goes_first(maxsize: int, inserts: int) -> None:
    cache = TokenCache(maxsize, Clock())
    for i in range(inserts):
        cache[f"t{i}"] = session(f"t{i}")
        assert len(cache) <= maxsize
    kept = [f"t{i}" for i in range(inserts - maxsize, inserts)]
    assert all(cache.get(t) is not None for t in kept)
    assert cache.get("t0") is None


def test_expired_entries_at_the_old_end_are_dropped_when_full() -> None:
    clock = Clock()
    cache = TokenCache(4, clock)
    for i, exp in enumerate([600, 600, 600, 2000]):
        cache[f"t{i}"] = session(f"t{i}", exp)
    clock.now = 700
    cache["new"] = session("new", 2000)
    assert len(cache) == 2  # the three expired ones went, the live one stayed
    assert cache.get("t3") is not None
    assert cache.get("new") is not None


def test_overwrite_does_not_evict() -> None:
    cache = TokenCache(2, Clock())
    cache["a"], cache["b"] = session("a"), session("b")
    cache["a"] = session("a", 1500)
    assert len(cache) == 2
    entry = cache.get("a")
    assert entry is not None
    assert entry.expires_at == 1500


class CountingClock(Clock):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def __call__(self) -> float:
        self.calls += 1
        return self.now


def test_eviction_work_is_bounded_per_insert() -> None:
    clock = CountingClock()
    cache = TokenCache(1000, clock)
    for i in range(5000):
        cache[f"t{i}"] = session(f"t{i}")
    assert clock.calls <= 5000  # at most one clock read per insert: no full scans


@pytest.mark.parametrize("maxsize", [0, -1])
def test_size_zero_caches_nothing(maxsize: int) -> None:
    cache = TokenCache(maxsize, Clock())
    cache["a"] = session("a")
    assert (len(cache), cache.get("a")) == (0, None)
