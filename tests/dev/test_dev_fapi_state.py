"""The Frontend API's in-memory stores stay bounded and keep their mappings consistent."""

from __future__ import annotations

import pytest
from devkit import FakeClock

from authguard.dev import fapi_state
from authguard.dev.fapi_state import DevBrowsers, NonceStore


@pytest.fixture(autouse=True)
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fapi_state, "MAX_ENTRIES", 3)


def test_dev_browsers_evict_the_oldest_and_unbind_it() -> None:
    browsers = DevBrowsers()
    first = browsers.issue("client-1")
    later = [browsers.issue(f"client-{n}") for n in (2, 3, 4)]
    assert not browsers.known(first)
    assert all(browsers.known(token) for token in later)
    assert browsers.for_client("client-1") not in (first, *later)  # a new one, not the evicted


def test_rebinding_moves_the_token_between_clients() -> None:
    browsers = DevBrowsers()
    token = browsers.issue("old")
    browsers.rebind(token, "new")
    assert browsers.client_of(token) == "new"
    assert browsers.for_client("new") == token
    assert browsers.for_client("old") != token
    browsers.rebind("dvb_unknown", "new")
    assert not browsers.known("dvb_unknown")


@pytest.mark.parametrize("token", [None, "", "dvb_unknown"])
def test_unknown_tokens_belong_to_nobody(token: str | None) -> None:
    assert DevBrowsers().client_of(token) is None
    assert not DevBrowsers().known(token)


def test_nonce_store_holds_at_most_max_entries() -> None:
    store = NonceStore(FakeClock())
    nonces = [store.put([f"d{n}=1"]) for n in range(4)]
    assert store.take(nonces[0]) is None
    assert [store.take(n) for n in nonces[1:]] == [["d1=1"], ["d2=1"], ["d3=1"]]


def test_expired_nonces_are_dropped_on_put() -> None:
    clock = FakeClock()
    store = NonceStore(clock, ttl=10)
    old = [store.put(["a=1"]) for _ in range(3)]
    clock.now += 10
    fresh = store.put(["b=1"])
    assert len(store._entries) == 1
    assert store.take(fresh) == ["b=1"]
    assert store.take(old[0]) is None
