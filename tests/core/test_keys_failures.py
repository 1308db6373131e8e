"""Failures injected with httpx.MockTransport: stale-if-error, backoff, recovery."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from authguard.exceptions import ConfigurationError, TokenVerificationError
from authguard.keys import KeySet, build_key_set
from authguard.keys.fetch import MAX_BODY_BYTES
from authguard.settings import Settings

GOOD_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
WEAK_KEY = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
GOOD_KID = "ins_good"
SECRET = "sk_test_neverlogged"
API_URL = "https://api.example.test"
CHUNK = 64 * 1024


def b64u_int(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def rsa_jwk(key: RSAPublicKey = GOOD_KEY, **extra: Any) -> dict[str, Any]:
    numbers = key.public_numbers()
    jwk = {"kty": "RSA", "kid": GOOD_KID, "use": "sig", "alg": "RS256"}
    jwk.update(n=b64u_int(numbers.n), e=b64u_int(numbers.e), **extra)
    return jwk


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class EndlessBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body with no Content-Length that never ends; counts what it handed out."""

    def __init__(self) -> None:
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(10_000):  # bounded so a broken cap fails the test instead of hanging
            self.sent += CHUNK
            yield b" " * CHUNK

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


def jwks_response(payload: Any) -> httpx.Response:
    return httpx.Response(200, content=json.dumps(payload).encode())


def raise_(exc_type: type[Exception]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        if issubclass(exc_type, httpx.RequestError):
            raise exc_type("injected", request=request)
        raise exc_type("injected")

    return handler


GOOD = lambda request: jwks_response({"keys": [rsa_jwk()]})  # noqa: E731

FAILURES: dict[str, Callable[[httpx.Request], httpx.Response]] = {
    "http-500": lambda request: httpx.Response(500, json={"errors": []}),
    "http-401": lambda request: httpx.Response(401),
    "redirect-302": lambda request: httpx.Response(302, headers={"Location": API_URL + "/k"}),
    "read-timeout": raise_(httpx.ReadTimeout),
    "connect-error": raise_(httpx.ConnectError),
    "unexpected-exception": raise_(RuntimeError),
    "garbage-json": lambda request: httpx.Response(200, content=b"<html>oops</html>"),
    "wrong-shape": lambda request: jwks_response([rsa_jwk()]),
    "empty-keys": lambda request: jwks_response({"keys": []}),
    "huge-body": lambda request: httpx.Response(
        200, content=b" " * MAX_BODY_BYTES + json.dumps({"keys": [rsa_jwk()]}).encode()
    ),
    "huge-streamed-body": lambda request: httpx.Response(200, stream=EndlessBody()),
    "gzip-body": lambda request: httpx.Response(
        200, headers={"Content-Encoding": "gzip"}, content=gzip.compress(b'{"keys": []}')
    ),
    "oct-key": lambda request: jwks_response({"keys": [{"kty": "oct", "kid": "k", "k": "c2Vj"}]}),
    "ec-key": lambda request: jwks_response(
        {"keys": [{"kty": "EC", "kid": "k", "crv": "P-256", "x": "AA", "y": "AA"}]}
    ),
    "rsa-1024": lambda request: jwks_response({"keys": [rsa_jwk(WEAK_KEY)]}),
    "alg-mismatch": lambda request: jwks_response({"keys": [rsa_jwk(alg="HS256")]}),
    "use-mismatch": lambda request: jwks_response({"keys": [rsa_jwk(use="enc")]}),
}


class Upstream:
    """A switchable fake JWKS endpoint; ``handler`` is what it does right now."""

    def __init__(self) -> None:
        self.handler: Callable[[httpx.Request], httpx.Response] = GOOD
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


def make_key_set(upstream: Upstream, clock: FakeClock, **kw: Any) -> KeySet:
    transport = httpx.MockTransport(upstream)
    settings = Settings(secret_key=SECRET, api_url=API_URL, **kw)
    return build_key_set(settings, clock=clock, transport=transport, async_transport=transport)


def lookup(keys: KeySet, kid: str, mode: str) -> RSAPublicKey:
    if mode == "sync":
        return keys.get_key(kid)
    return asyncio.run(keys.aget_key(kid))  # a fresh event loop per call, as under Django


def reason(keys: KeySet, kid: str, mode: str) -> str:
    with pytest.raises(TokenVerificationError) as info:
        lookup(keys, kid, mode)
    return info.value.reason


MODES = ["sync", "async"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("failure", FAILURES.values(), ids=FAILURES.keys())
def test_failure_with_nothing_cached_fails_to_load(
    failure: Callable[[httpx.Request], httpx.Response], mode: str
) -> None:
    upstream = Upstream()
    upstream.handler = failure
    keys = make_key_set(upstream, FakeClock())
    assert reason(keys, GOOD_KID, mode) == "jwk-remote-failed-to-load"
    assert keys.fetch_count == 1


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("failure", FAILURES.values(), ids=FAILURES.keys())
def test_failed_refresh_keeps_the_keys_that_work(
    failure: Callable[[httpx.Request], httpx.Response], mode: str
) -> None:
    upstream, clock = Upstream(), FakeClock()
    keys = make_key_set(upstream, clock, jwks_cache_ttl=300)
    lookup(keys, GOOD_KID, mode)
    upstream.handler = failure
    clock.advance(301)
    assert lookup(keys, GOOD_KID, mode).public_numbers() == GOOD_KEY.public_numbers()
    assert keys.fetch_count == 2
    assert reason(keys, "ins_unknown", mode) == "jwk-kid-mismatch"
    assert keys.fetch_count == 2  # backing off: no new attempt for the unknown kid


@pytest.mark.parametrize("mode", MODES)
def test_backoff_then_recovery(mode: str) -> None:
    upstream, clock = Upstream(), FakeClock()
    upstream.handler = FAILURES["http-500"]
    keys = make_key_set(upstream, clock, jwks_miss_cooldown=30)
    for _ in range(20):
        assert reason(keys, GOOD_KID, mode) == "jwk-remote-failed-to-load"
    clock.advance(4.9)
    assert reason(keys, GOOD_KID, mode) == "jwk-remote-failed-to-load"
    assert len(upstream.requests) == 1
    upstream.handler = GOOD
    clock.advance(0.2)
    assert lookup(keys, GOOD_KID, mode).public_numbers() == GOOD_KEY.public_numbers()
    assert len(upstream.requests) == 2


@pytest.mark.parametrize("mode", MODES)
def test_streamed_body_stops_at_the_size_cap(mode: str) -> None:
    body = EndlessBody()
    upstream = Upstream()
    upstream.handler = lambda request: httpx.Response(200, stream=body)
    keys = make_key_set(upstream, FakeClock())
    assert reason(keys, GOOD_KID, mode) == "jwk-remote-failed-to-load"
    assert body.sent <= MAX_BODY_BYTES + CHUNK


def test_backend_request_carries_secret_but_logs_never_do(caplog: pytest.LogCaptureFixture) -> None:
    upstream = Upstream()
    upstream.handler = FAILURES["http-500"]
    keys = make_key_set(upstream, FakeClock())
    with caplog.at_level(logging.WARNING, logger="authguard.keys"):
        assert reason(keys, GOOD_KID, "sync") == "jwk-remote-failed-to-load"
    request = upstream.requests[0]
    assert str(request.url) == f"{API_URL}/v1/jwks"
    assert request.headers["Authorization"] == f"Bearer {SECRET}"
    assert request.headers["User-Agent"].startswith("authguard/")
    assert "HTTP 500" in caplog.text
    assert SECRET not in caplog.text


def test_kid_none_is_a_mismatch_without_fetching() -> None:
    upstream = Upstream()
    keys = make_key_set(upstream, FakeClock())
    with pytest.raises(TokenVerificationError) as info:
        keys.get_key(None)
    assert info.value.reason == "jwk-kid-mismatch"
    assert upstream.requests == []


def test_key_set_needs_a_source() -> None:
    with pytest.raises(ConfigurationError):
        build_key_set(Settings(), clock=FakeClock())


async def test_close_then_reuse() -> None:
    upstream, clock = Upstream(), FakeClock()
    keys = make_key_set(upstream, clock, jwks_cache_ttl=10)
    await keys.aget_key(GOOD_KID)
    keys.get_key(GOOD_KID)
    await keys.aclose()
    clock.advance(11)
    assert (await keys.aget_key(GOOD_KID)).public_numbers() == GOOD_KEY.public_numbers()
    clock.advance(11)
    assert keys.get_key(GOOD_KID).public_numbers() == GOOD_KEY.public_numbers()
    assert keys.fetch_count == 3
    await keys.aclose()
