"""Key-set failures at the core, over real loopback HTTP, with an injected clock.

The adapters build their own ``Guard`` (real time), so outage → recovery is driven here through
``Guard(clock=...)``; the adapters' 503/Retry-After and public-route answers for the same broken
endpoints are rows of the conformance table (``keyset-*``).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator

import pytest
from attack_keys import WEAK
from attack_server import AttackServer, server
from harness import KEY

from authguard.exceptions import ConfigurationError
from authguard.guard import Guard, RequestState
from authguard.request import RequestInfo
from authguard.settings import Settings
from authguard.testing import mint_session_token

START = 1_700_000_000.0
FAILED = "jwk-remote-failed-to-load"


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def live() -> Iterator[AttackServer]:
    instance = server()
    instance.switch = "up"
    yield instance
    instance.switch = "up"


def guard_for(url: str, clock: Clock, timeout: float = 2.0) -> Guard:
    settings = Settings(jwks_url=url, http_timeout=timeout)
    return Guard(settings, clock=clock)


def request(user: str, clock: Clock) -> RequestInfo:
    token = mint_session_token(KEY, user_id=user, now=clock.now)
    return RequestInfo("GET", "/", "http://testserver/", {"authorization": f"Bearer {token}"}, "")


def fetches(live: AttackServer, route: str) -> int:
    return live.fetches.get(route, 0)


def test_cached_keys_keep_working_through_an_outage(live: AttackServer) -> None:
    clock = Clock()
    guard = guard_for(f"{live.base}/switch", clock)
    assert guard.authenticate(request("user_a", clock)).is_signed_in
    live.switch = "down"
    clock.now += 3600  # far past the TTL: a refresh is due, and it fails
    state = guard.authenticate(request("user_b", clock))
    assert state.is_signed_in
    assert state.auth.user_id == "user_b"
    assert guard.key_set.fetch_count == 2


def test_recovery_after_the_backoff(live: AttackServer) -> None:
    clock = Clock()
    live.switch = "down"
    guard = guard_for(f"{live.base}/switch", clock)
    assert guard.authenticate(request("user_a", clock)).reason == FAILED
    live.switch = "up"
    # Inside the failure backoff nothing is fetched: the upstream is not hammered.
    clock.now += 1
    assert guard.authenticate(request("user_b", clock)).reason == FAILED
    assert guard.key_set.fetch_count == 1
    clock.now += 10  # past the backoff (at most 5 s)
    recovered = guard.authenticate(request("user_c", clock))
    assert recovered.is_signed_in
    assert guard.key_set.fetch_count == 2


async def test_recovery_after_the_backoff_async(live: AttackServer) -> None:
    clock = Clock()
    live.switch = "down"
    guard = guard_for(f"{live.base}/switch", clock)
    assert (await guard.aauthenticate(request("user_a", clock))).reason == FAILED
    live.switch = "up"
    clock.now += 10
    assert (await guard.aauthenticate(request("user_b", clock))).is_signed_in
    assert guard.key_set.fetch_count == 2
    await guard.aclose()


@pytest.mark.parametrize("route", ["/garbage", "/huge", "/error", "/redirect", "/empty"])
def test_broken_endpoints_fail_closed(live: AttackServer, route: str) -> None:
    clock = Clock()
    guard = guard_for(f"{live.base}{route}", clock)
    state = guard.authenticate(request("user_a", clock))
    assert state.reason == FAILED
    assert not state.is_signed_in


def _in_thread(work: Callable[[], RequestState]) -> RequestState:
    """Run ``work`` in a thread with a generous hang guard (not a timing assertion)."""
    result: list[RequestState] = []
    thread = threading.Thread(target=lambda: result.append(work()), daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the fetch outlived its deadline"
    return result[0]


def test_dripping_endpoint_is_cut_at_the_deadline(live: AttackServer) -> None:
    clock = Clock()
    guard = guard_for(f"{live.base}/drip", clock, timeout=0.5)
    state = _in_thread(lambda: guard.authenticate(request("user_a", clock)))
    assert state.reason == FAILED
    # The error path taken is the overall deadline, not a read timeout (the server drips
    # faster than any per-read timeout) and not the end of the body.
    assert "no complete response within 0.5 s" in (state.message or "")


def test_dripping_endpoint_is_cut_at_the_deadline_async(live: AttackServer) -> None:
    clock = Clock()
    guard = guard_for(f"{live.base}/drip", clock, timeout=0.5)
    state = _in_thread(lambda: asyncio.run(guard.aauthenticate(request("user_a", clock))))
    assert state.reason == FAILED
    assert "no complete response within 0.5 s" in (state.message or "")


def test_redirect_is_never_followed(live: AttackServer) -> None:
    clock = Clock()
    before = list(live.probe_hits)
    guard = guard_for(f"{live.base}/redirect", clock)
    assert guard.authenticate(request("user_a", clock)).reason == FAILED
    assert live.probe_hits == before


def test_weak_rsa_jwt_key_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        Guard(Settings(jwt_key=WEAK.public_pem()))
