"""The remote key set against a real JWKS server on loopback (counting hits, no mocks)."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from authguard.exceptions import TokenVerificationError
from authguard.keys import KeySet, build_key_set
from authguard.settings import Settings

SECRET = "sk_test_loopbacksecret"
GOOD_KID = "ins_good"
HANG_GUARD = 15.0

GOOD_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
NEW_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()


def _b64u_int(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def rsa_jwk(key: RSAPublicKey, kid: str) -> dict[str, Any]:
    numbers = key.public_numbers()
    return {
        "kty": "RSA",
        "kid": kid,
        "use": "sig",
        "alg": "RS256",
        "n": _b64u_int(numbers.n),
        "e": _b64u_int(numbers.e),
    }


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class JWKSServer:
    """Shared state of the loopback server: what it serves and what it saw."""

    def __init__(self) -> None:
        self.jwks: dict[str, Any] = {"keys": [rsa_jwk(GOOD_KEY, GOOD_KID)]}
        self.hits: Counter[str] = Counter()
        self.seen_headers: list[dict[str, str]] = []
        self.release = threading.Event()
        self.release.set()
        self.first_hit = threading.Event()
        self.stop = threading.Event()
        self.drip_bytes_sent = 0
        self.lock = threading.Lock()
        self.base_url = ""


def _make_handler(state: JWKSServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            with state.lock:
                state.hits[self.path] += 1
                state.seen_headers.append(dict(self.headers.items()))
            state.first_hit.set()
            state.release.wait(HANG_GUARD)
            route = {
                "/jwks.json": self._jwks,
                "/v1/jwks": self._backend_jwks,
                "/redirect": self._redirect,
                "/drip-body": self._drip_body,
                "/drip-headers": self._drip_headers,
            }.get(self.path)
            if route is None:
                self.send_error(404)
            else:
                route()

        def _send_json(self, status: int, payload: Any) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _jwks(self) -> None:
            self._send_json(200, state.jwks)

        def _backend_jwks(self) -> None:
            if self.headers.get("Authorization") != f"Bearer {SECRET}":
                self._send_json(401, {"errors": [{"code": "authentication_invalid"}]})
            else:
                self._send_json(200, state.jwks)

        def _redirect(self) -> None:
            self.send_response(302)
            self.send_header("Location", f"{state.base_url}/jwks.json")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _drip(self, prefix: bytes, unit: bytes) -> None:
            try:
                self.wfile.write(prefix)
                self.wfile.flush()
                for _ in range(2000):  # 2000 x 10 ms: far past any http_timeout used here
                    if state.stop.wait(0.01):
                        return
                    self.wfile.write(unit)
                    self.wfile.flush()
                    with state.lock:
                        state.drip_bytes_sent += len(unit)
            except OSError:
                return  # the client hung up: what the deadline is meant to do

        def _drip_body(self) -> None:
            head = b"HTTP/1.1 200 OK\r\nContent-Length: 99999\r\n\r\n"
            self._drip(head, b" ")

        def _drip_headers(self) -> None:
            self._drip(b"HTTP/1.1 200 OK\r\nX-Slow: ", b"a")

    return Handler


@pytest.fixture
def jwks_server() -> Iterator[JWKSServer]:
    state = JWKSServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(state))
    server.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    state.stop.set()
    state.release.set()
    server.shutdown()
    server.server_close()
    thread.join(HANG_GUARD)


def key_set(server: JWKSServer, clock: FakeClock, path: str = "/jwks.json", **kw: Any) -> KeySet:
    settings = Settings(jwks_url=f"{server.base_url}{path}", **kw)
    return build_key_set(settings, clock=clock)


def reason_of(call: Any, *args: Any) -> str:
    with pytest.raises(TokenVerificationError) as info:
        call(*args)
    return info.value.reason


# -- sources (SPEC §1 order) ---------------------------------------------------------


def test_jwks_url_fetch_sends_user_agent_and_no_credentials(jwks_server: JWKSServer) -> None:
    keys = build_key_set(
        Settings(jwks_url=f"{jwks_server.base_url}/jwks.json", secret_key=SECRET),
        clock=FakeClock(),
    )
    assert keys.get_key(GOOD_KID).public_numbers() == GOOD_KEY.public_numbers()
    assert jwks_server.hits["/jwks.json"] == 1
    assert jwks_server.hits["/v1/jwks"] == 0
    headers = {k.lower(): v for k, v in jwks_server.seen_headers[0].items()}
    assert headers["user-agent"].startswith("authguard/")
    assert "authorization" not in headers
    keys.close()


@pytest.mark.parametrize(
    ("secret", "expected"),
    [(SECRET, None), ("sk_test_wrong", "jwk-remote-failed-to-load")],
)
def test_backend_jwks_needs_the_bearer_secret(
    jwks_server: JWKSServer, secret: str, expected: str | None
) -> None:
    keys = build_key_set(
        Settings(secret_key=secret, api_url=jwks_server.base_url), clock=FakeClock()
    )
    if expected is None:
        assert keys.get_key(GOOD_KID).public_numbers() == GOOD_KEY.public_numbers()
    else:
        assert reason_of(keys.get_key, GOOD_KID) == expected
    assert jwks_server.hits["/v1/jwks"] == 1
    assert jwks_server.seen_headers[0]["Authorization"] == f"Bearer {secret}"


def test_redirect_is_not_followed(jwks_server: JWKSServer) -> None:
    keys = key_set(jwks_server, FakeClock(), "/redirect")
    assert reason_of(keys.get_key, GOOD_KID) == "jwk-remote-failed-to-load"
    assert jwks_server.hits["/redirect"] == 1
    assert jwks_server.hits["/jwks.json"] == 0


# -- single flight -------------------------------------------------------------------


def test_fifty_cold_threads_cause_one_fetch(jwks_server: JWKSServer) -> None:
    keys = key_set(jwks_server, FakeClock())
    jwks_server.release.clear()  # hold the first response so the others pile up behind it
    barrier = threading.Barrier(50)

    def request() -> RSAPublicKey:
        barrier.wait(HANG_GUARD)
        return keys.get_key(GOOD_KID)

    with ThreadPoolExecutor(max_workers=50) as pool:
        futures = [pool.submit(request) for _ in range(50)]
        assert jwks_server.first_hit.wait(HANG_GUARD)
        jwks_server.release.set()
        results = [f.result(HANG_GUARD) for f in futures]
    assert {r.public_numbers() for r in results} == {GOOD_KEY.public_numbers()}
    assert jwks_server.hits["/jwks.json"] == 1
    assert keys.fetch_count == 1


async def test_fifty_cold_coroutines_cause_one_fetch(jwks_server: JWKSServer) -> None:
    keys = key_set(jwks_server, FakeClock())
    results = await asyncio.wait_for(
        asyncio.gather(*(keys.aget_key(GOOD_KID) for _ in range(50))), HANG_GUARD
    )
    assert {r.public_numbers() for r in results} == {GOOD_KEY.public_numbers()}
    assert jwks_server.hits["/jwks.json"] == 1
    assert keys.fetch_count == 1
    await keys.aclose()


# -- unknown kids, TTL ---------------------------------------------------------------


def test_unknown_kid_flood_refetches_at_most_once_per_cooldown(jwks_server: JWKSServer) -> None:
    clock = FakeClock()
    keys = key_set(jwks_server, clock, jwks_miss_cooldown=30)
    keys.get_key(GOOD_KID)
    for window in range(3):
        for _ in range(100):
            assert reason_of(keys.get_key, secrets.token_hex(8)) == "jwk-kid-mismatch"
            assert keys.get_key(GOOD_KID).public_numbers() == GOOD_KEY.public_numbers()
        assert jwks_server.hits["/jwks.json"] == 1 + window
        clock.advance(31)


def test_ttl_expiry_refetches_and_drops_rotated_out_keys(jwks_server: JWKSServer) -> None:
    clock = FakeClock()
    keys = key_set(jwks_server, clock, jwks_cache_ttl=300)
    keys.get_key(GOOD_KID)
    jwks_server.jwks = {"keys": [rsa_jwk(NEW_KEY, "ins_new")]}
    clock.advance(299)
    assert keys.get_key(GOOD_KID).public_numbers() == GOOD_KEY.public_numbers()
    assert jwks_server.hits["/jwks.json"] == 1
    clock.advance(2)
    assert reason_of(keys.get_key, GOOD_KID) == "jwk-kid-mismatch"
    assert jwks_server.hits["/jwks.json"] == 2
    assert keys.get_key("ins_new").public_numbers() == NEW_KEY.public_numbers()


def test_async_client_per_event_loop(jwks_server: JWKSServer) -> None:
    clock = FakeClock()
    keys = key_set(jwks_server, clock, jwks_cache_ttl=60)
    for _ in range(2):
        key = asyncio.run(keys.aget_key(GOOD_KID))  # a fresh loop each time
        assert key.public_numbers() == GOOD_KEY.public_numbers()
        clock.advance(61)
    assert jwks_server.hits["/jwks.json"] == 2
    assert keys.fetch_count == 2


# -- overall deadline ----------------------------------------------------------------

DRIP_PATHS = ["/drip-body", "/drip-headers"]


@pytest.mark.parametrize("path", DRIP_PATHS)
def test_dripping_server_is_cut_off_at_the_deadline_sync(
    jwks_server: JWKSServer, path: str
) -> None:
    keys = key_set(jwks_server, FakeClock(), path, http_timeout=0.5)
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(reason_of, keys.get_key, GOOD_KID)
        assert future.result(HANG_GUARD) == "jwk-remote-failed-to-load"
    _assert_drip_cut_off(jwks_server, keys)


@pytest.mark.parametrize("path", DRIP_PATHS)
async def test_dripping_server_is_cut_off_at_the_deadline_async(
    jwks_server: JWKSServer, path: str
) -> None:
    keys = key_set(jwks_server, FakeClock(), path, http_timeout=0.5)
    with pytest.raises(TokenVerificationError) as info:
        await asyncio.wait_for(keys.aget_key(GOOD_KID), HANG_GUARD)
    assert info.value.reason == "jwk-remote-failed-to-load"
    _assert_drip_cut_off(jwks_server, keys)


def _assert_drip_cut_off(server: JWKSServer, keys: KeySet) -> None:
    with pytest.raises(TokenVerificationError) as info:
        keys.get_key(GOOD_KID)  # inside the failure backoff: answered from state, no new fetch
    assert "within 0.5 s" in info.value.message
    assert keys.fetch_count == 1
    # One unit per 10 ms: 0.5 s is ~50; the server would send 2000 if nobody hung up.
    assert server.drip_bytes_sent < 1000
