"""SPEC §12, the way back: nonce exchange (real loopback Backend API, injected failures) and
the legacy ``__clerk_handshake`` token."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from authguard import Guard, RequestInfo, Settings
from authguard.guard import RequestState
from authguard.handshake_resolve import HandshakeError, parse_directives
from authguard.testing import KeyPair, mint_session_token, sign_jwt

NOW = 1_800_000_000.0
KEY = KeyPair.generate(kid="ins_hs")
OTHER = KeyPair.generate(kid="ins_hs")
DEV_PK = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"
LIVE_PK = "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k"
SECRET = "sk_test_handshake"
PAGE = {"accept": "text/html"}
APP_URL = "http://app.test/dash?a=1"


def session_token(**claims: Any) -> str:
    claims.setdefault("now", NOW)
    return mint_session_token(KEY, user_id="user_hs", **claims)


def directives(token: str | None) -> list[str]:
    cookies = [
        f"__client_uat={int(NOW)}; Path=/; SameSite=Lax; Max-Age=31536000",
        "__clerk_db_jwt=dvb_new; Path=/; SameSite=Lax",
    ]
    if token is not None:
        cookies.insert(0, f"__session={token}; Path=/; SameSite=Lax; HttpOnly")
    return cookies


class BackendAPI:
    """A tiny Backend API on loopback answering ``/v1/clients/handshake_payload``."""

    def __init__(self) -> None:
        self.payload: dict[str, Any] = {"directives": directives(session_token())}
        self.seen: list[tuple[str, str | None]] = []
        self.url = ""


@pytest.fixture
def backend() -> Iterator[BackendAPI]:
    state = BackendAPI()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            nonce = parse_qs(parts.query).get("nonce", [""])[0]
            state.seen.append((nonce, self.headers.get("Authorization")))
            ok = parts.path == "/v1/clients/handshake_payload"
            body = json.dumps(state.payload if ok else {}).encode()
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def make_guard(pk: str, api_url: str = "https://api.clerk.test", **kw: Any) -> Guard:
    settings = Settings(
        jwt_key=KEY.public_pem(), publishable_key=pk, secret_key=SECRET, api_url=api_url
    )
    return Guard(settings, clock=lambda: NOW, **kw)


def nonce_request(cookie: str = "") -> RequestInfo:
    url = "http://app.test/dash?a=1&__clerk_handshake_nonce=n0nce&__clerk_help=1"
    return RequestInfo("GET", "/dash", url, PAGE, cookie)


async def both(guard: Guard, info: RequestInfo) -> list[RequestState]:
    return [guard.authenticate(info), await guard.aauthenticate(info)]


def set_cookies(state: RequestState) -> list[str]:
    return [value for name, value in state.headers if name == "Set-Cookie"]


async def test_nonce_exchange_on_development_redirects_to_the_clean_url(
    backend: BackendAPI,
) -> None:
    guard = make_guard(DEV_PK, backend.url)
    for state in await both(guard, nonce_request()):
        assert state.status == "handshake"
        assert state.auth.user_id == "user_hs"
        headers = dict(state.headers)
        assert headers["Location"] == APP_URL
        assert headers["Cache-Control"] == "no-store"
        assert set_cookies(state) == backend.payload["directives"]
        assert guard.handshake_decision(state).status == 307
    assert backend.seen == [("n0nce", f"Bearer {SECRET}")] * 2
    await guard.aclose()


async def test_nonce_exchange_on_production_continues_signed_in(backend: BackendAPI) -> None:
    guard = make_guard(LIVE_PK, backend.url)
    for state in await both(guard, nonce_request()):
        assert (state.status, state.auth.user_id) == ("signed-in", "user_hs")
        assert "Location" not in dict(state.headers)
        assert set_cookies(state) == backend.payload["directives"]
    await guard.aclose()


@pytest.mark.parametrize(("pk", "status"), [(DEV_PK, "handshake"), (LIVE_PK, "signed-out")])
async def test_no_session_directive_signs_out_and_keeps_the_cookies(
    backend: BackendAPI, pk: str, status: str
) -> None:
    backend.payload = {"directives": ["__session=; Max-Age=0", "__client_uat=0; Max-Age=0"]}
    guard = make_guard(pk, backend.url)
    for state in await both(guard, nonce_request()):
        assert (state.status, state.reason) == (status, "session-token-missing")
        assert not state.auth.is_signed_in
        assert set_cookies(state) == backend.payload["directives"]
        # development strips the handshake parameters with one more 307, as Clerk does
        assert dict(state.headers).get("Location") == (APP_URL if pk == DEV_PK else None)
    guard.close()


async def test_development_forgives_clock_skew_once(
    backend: BackendAPI, caplog: pytest.LogCaptureFixture
) -> None:
    backend.payload = {"directives": directives(session_token(now=NOW - 7200))}
    guard = make_guard(DEV_PK, backend.url)
    with caplog.at_level(logging.WARNING, logger="authguard"):
        states = await both(guard, nonce_request())
    assert [s.status for s in states] == ["handshake", "handshake"]
    assert "clock skew detected" in caplog.text
    live = make_guard(LIVE_PK, backend.url)
    for state in await both(live, nonce_request()):
        # production: the rejected token is logged and the request goes on without it
        assert (state.status, state.reason) == ("signed-out", "session-token-and-uat-missing")
    guard.close()
    live.close()


def failing(kind: str) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if kind == "timeout":
            raise httpx.ReadTimeout("slow", request=request)
        if kind == "500":
            return httpx.Response(500, json={"errors": []})
        if kind == "redirect":
            return httpx.Response(302, headers={"Location": "http://evil.test/"})
        if kind == "huge":
            return httpx.Response(200, content=b"[" * 200_000)
        if kind == "crlf":
            return httpx.Response(200, json={"directives": ["__session=a\r\nX-Evil: 1"]})
        if kind == "not-a-list":
            return httpx.Response(200, json={"directives": "__session=a"})
        return httpx.Response(200, content=b"garbage{")

    return httpx.MockTransport(handler)


KINDS = ["500", "garbage", "timeout", "redirect", "huge", "crlf", "not-a-list"]


@pytest.mark.parametrize("kind", KINDS)
async def test_nonce_failures(kind: str, caplog: pytest.LogCaptureFixture) -> None:
    transport = failing(kind)
    dev = make_guard(DEV_PK, transport=transport, async_transport=transport)
    live = make_guard(LIVE_PK, transport=transport, async_transport=transport)
    uat = "__client_uat=5"
    with caplog.at_level(logging.WARNING, logger="authguard"):
        dev_states = await both(dev, nonce_request(uat + "; __clerk_db_jwt=d"))
        live_states = await both(live, nonce_request(uat))
    for state in dev_states:
        assert (state.status, state.reason) == ("signed-out", "unexpected-error")
        assert set_cookies(state) == []
    for state in live_states:
        # as if no nonce came back: the usual decision (here: a new handshake)
        assert (state.status, state.reason) == ("handshake", "client-uat-but-no-session-token")
        location = dict(state.headers)["Location"]
        assert "n0nce" not in location
    assert "handshake could not be resolved" in caplog.text
    assert SECRET not in caplog.text


def legacy_token(key: KeyPair = KEY, *, alg: str = "RS256", **header: Any) -> str:
    head = {"alg": alg, "typ": "JWT", "kid": key.kid, **header}
    payload = {"handshake": directives(session_token()), "exp": NOW - 99999}
    return sign_jwt(key, head, payload, alg=alg)


def _tamper(token: str) -> str:
    head, body, sig = token.split(".")
    return ".".join([head, body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1], sig])


LEGACY: list[tuple[str, Callable[[], str], str]] = [
    ("valid-despite-exp", legacy_token, "handshake"),
    ("wrong-key", lambda: legacy_token(OTHER), "unexpected-error"),
    ("alg-none", lambda: legacy_token(alg="none"), "unexpected-error"),
    ("hs256-confusion", lambda: legacy_token(alg="HS256"), "unexpected-error"),
    ("tampered", lambda: _tamper(legacy_token()), "unexpected-error"),
    ("template-category", lambda: legacy_token(cat="cl_B7d4PD222AAA"), "unexpected-error"),
    ("garbage", lambda: "not.a.jwt", "unexpected-error"),
]


@pytest.mark.parametrize(("make", "outcome"), [c[1:] for c in LEGACY], ids=[c[0] for c in LEGACY])
async def test_legacy_handshake_token(make: Callable[[], str], outcome: str) -> None:
    guard = make_guard(DEV_PK)
    info = RequestInfo("GET", "/dash", f"{APP_URL}&__clerk_handshake={make()}", PAGE, "")
    for state in await both(guard, info):
        if outcome == "handshake":
            assert state.status == "handshake"
            assert dict(state.headers)["Location"] == APP_URL
            assert len(set_cookies(state)) == 3
        else:
            assert (state.status, state.reason) == ("signed-out", outcome)


async def test_legacy_token_from_the_cookie_on_production() -> None:
    guard = make_guard(LIVE_PK)
    info = RequestInfo("GET", "/dash", APP_URL, PAGE, f"__clerk_handshake={legacy_token()}")
    for state in await both(guard, info):
        assert (state.status, state.auth.user_id) == ("signed-in", "user_hs")
        assert len(set_cookies(state)) == 3


@pytest.mark.parametrize(
    "raw",
    [
        ["a=b\r\nSet-Cookie: x=y"],
        ["a=b\x00"],
        ["=novalue"],
        ["no equals sign"],
        [" a=b"],
        [1],
        ["a=b"] * 51,
        {"__session": "x"},
    ],
)
def test_invalid_directives_are_refused(raw: object) -> None:
    with pytest.raises(HandshakeError):
        parse_directives(raw)


def test_first_session_directive_wins() -> None:
    parsed = parse_directives(
        ["__client_uat=1", "__session_abc=first; Path=/", "__session=second", "__sessionx=3"]
    )
    assert parsed.session_token == "first"
    assert [v for _, v in parsed.headers][1] == "__session_abc=first; Path=/"
