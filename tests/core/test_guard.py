"""Guard end to end in the core: extraction → cache → keys → verification → Auth."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from authguard import Guard, RequestInfo, Settings
from authguard.testing import KeyPair, jwks, mint_session_token

NOW = 1_800_000_000.0
KEY = KeyPair.generate(kid="ins_guard")
OTHER = KeyPair.generate(kid="ins_guard")  # same kid, different key


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def request(token: str | None = None, *, cookie: str = "", method: str = "GET") -> RequestInfo:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return RequestInfo(method, "/x", "http://app.test/x", headers, cookie)


def guard(clock: Clock | None = None, **overrides: Any) -> Guard:
    settings = Settings(jwt_key=KEY.public_pem(), **overrides)
    return Guard(settings, clock=clock or Clock())


def token(**claims: Any) -> str:
    claims.setdefault("now", NOW)
    return mint_session_token(KEY, **claims)


def test_signed_in_bearer() -> None:
    state = guard().authenticate(request(token(org_id="org_1", org_role="org:admin")))
    assert state.status == "signed-in"
    assert state.auth.user_id == "user_2test"
    assert state.auth.org_role == "org:admin"
    assert state.reason is None


def test_no_token_is_plainly_signed_out() -> None:
    state = guard().authenticate(request())
    assert (state.status, state.reason) == ("signed-out", "session-token-and-uat-missing")
    assert not state.auth.is_signed_in


@pytest.mark.parametrize(
    ("tok", "reason"),
    [
        ("not-a-jwt", "token-invalid"),
        (mint_session_token(OTHER, now=NOW), "token-invalid-signature"),
        (mint_session_token(KEY, now=NOW - 3600), "token-expired"),
        (mint_session_token(KEY, now=NOW, alg="RS256", extra_headers={"alg": "none"}), None),
    ],
)
def test_rejections_carry_reason_codes(tok: str, reason: str | None) -> None:
    state = guard().authenticate(request(tok))
    assert state.status == "signed-out"
    assert state.reason == (reason or "token-invalid-algorithm")
    assert state.token == tok


def test_cookie_token_and_suffix() -> None:
    pk = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"
    good = token(user_id="user_suffixed")
    # A valid cookie session on a development instance: suffixed session and client_uat,
    # plus the dev-browser token (SPEC §12); the unsuffixed garbage is ignored.
    uat = int(NOW) - 10
    cookie = (
        f"__session=garbage; __session_nx2hSE6I={good}; __client_uat_nx2hSE6I={uat}; "
        "__client_uat=0; __clerk_db_jwt=dvb_test"
    )
    state = guard(publishable_key=pk).authenticate(request(cookie=cookie))
    assert state.auth.user_id == "user_suffixed"


def test_pending_session_is_signed_out_with_status() -> None:
    state = guard().authenticate(request(token(sts="pending")))
    assert (state.status, state.reason) == ("signed-out", "session-pending")
    assert state.auth.session_status == "pending"
    assert state.auth.user_id is None


def test_cache_hit_rechecks_expiry() -> None:
    clock = Clock()
    g = guard(clock, clock_skew=0)
    tok = token(expires_in=60)
    assert g.authenticate(request(tok)).is_signed_in
    clock.now = NOW + 59
    assert g.authenticate(request(tok)).is_signed_in
    clock.now = NOW + 61
    state = g.authenticate(request(tok))
    assert (state.status, state.reason) == ("signed-out", "token-expired")


def test_cache_skips_signature_work_on_repeat(monkeypatch: pytest.MonkeyPatch) -> None:
    import authguard.guard as guard_module

    calls = []
    real = guard_module.verify_signature
    monkeypatch.setattr(
        guard_module, "verify_signature", lambda p, k: calls.append(1) or real(p, k)
    )
    g = guard()
    tok = token()
    for _ in range(5):
        assert g.authenticate(request(tok)).is_signed_in
    assert len(calls) == 1


def test_cache_is_bounded() -> None:
    g = Guard(Settings(jwt_key=KEY.public_pem()), clock=Clock(), token_cache_size=8)
    for i in range(50):
        assert g.authenticate(request(token(session_id=f"sess_{i}"))).is_signed_in
    assert len(g._cache) <= 8


def test_failed_tokens_are_not_cached() -> None:
    g = guard()
    for _ in range(3):
        g.authenticate(request(mint_session_token(OTHER, now=NOW)))
    assert len(g._cache) == 0


def test_debug_headers_never_contain_the_token() -> None:
    tok = mint_session_token(OTHER, now=NOW)
    state = guard(debug=True).authenticate(request(tok))
    names = dict(state.headers)
    assert names["x-clerk-auth-status"] == "signed-out"
    assert names["x-clerk-auth-reason"] == "token-invalid-signature"
    assert all(tok not in value for value in names.values())


def test_signed_out_auth_can_redirect_to_sign_in() -> None:
    from authguard import SignInRedirect

    g = guard(publishable_key="pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk")
    auth = g.authenticate(request()).auth
    with pytest.raises(SignInRedirect) as info:
        auth.redirect_to_sign_in()
    assert info.value.url.startswith("https://foo-bar-13.accounts.dev/sign-in?redirect_url=")


# -- over real HTTP: the JWKS served on loopback --------------------------------------


@pytest.fixture
def jwks_server() -> Iterator[dict[str, Any]]:
    state: dict[str, Any] = {"hits": 0, "body": json.dumps(jwks(KEY)).encode()}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state["hits"] += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(state["body"])

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/jwks"
    yield state
    server.shutdown()
    server.server_close()


def test_jwks_over_loopback_sync(jwks_server: dict[str, Any]) -> None:
    g = Guard(Settings(jwks_url=jwks_server["url"]), clock=Clock())
    assert g.authenticate(request(token())).is_signed_in
    assert jwks_server["hits"] == 1


def test_jwks_over_loopback_async_many_concurrent(jwks_server: dict[str, Any]) -> None:
    g = Guard(Settings(jwks_url=jwks_server["url"]), clock=Clock())

    async def main() -> list[bool]:
        states = await asyncio.gather(
            *(g.aauthenticate(request(token(session_id=f"s{i}"))) for i in range(50))
        )
        await g.aclose()
        return [s.is_signed_in for s in states]

    assert all(asyncio.run(main()))
    assert jwks_server["hits"] == 1


def test_unreachable_key_set_reason() -> None:
    g = Guard(Settings(jwks_url="http://127.0.0.1:9/jwks", http_timeout=1), clock=Clock())
    state = g.authenticate(request(token()))
    assert (state.status, state.reason) == ("signed-out", "jwk-remote-failed-to-load")
    from authguard import KeySetUnavailable

    with pytest.raises(KeySetUnavailable):
        state.auth.protect()


@pytest.mark.parametrize(
    "pk",
    [None, "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk", "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k"],
)
def test_testing_session_cookies_make_a_cookie_session(pk: str | None) -> None:
    from authguard.testing import session_cookies

    cookies = session_cookies(token(user_id="user_cookie"), publishable_key=pk)
    assert ("__clerk_db_jwt" in cookies) == bool(pk and pk.startswith("pk_test_"))
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    state = guard(publishable_key=pk).authenticate(request(cookie=header))
    assert state.auth.user_id == "user_cookie"
