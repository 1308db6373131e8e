"""SPEC §12 in the core: the cookie decision, the handshake URL and the loop guard."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from authguard import Guard, RequestInfo, Settings
from authguard.handshake import CookieInputs, handshake_url, is_eligible, read_inputs, strip_query
from authguard.testing import KeyPair, mint_session_token

NOW = 1_800_000_000.0
KEY = KeyPair.generate(kid="ins_hs")
DEV_PK = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"  # foo-bar-13.clerk.accounts.dev
LIVE_PK = "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k"  # clerk.example.com
SUFFIX = "nx2hSE6I"
FAPI = "https://foo-bar-13.clerk.accounts.dev/v1/client/handshake"
PAGE = {"accept": "text/html,application/xhtml+xml"}
UAT = f"{int(NOW) - 100}"
EXPIRED_REASON = "session-token-expired-refresh-non-eligible-no-refresh-cookie"


def token(**claims: Any) -> str:
    claims.setdefault("now", NOW)
    return mint_session_token(KEY, **claims)


def guard(pk: str | None = DEV_PK, **overrides: Any) -> Guard:
    settings = Settings(jwt_key=KEY.public_pem(), publishable_key=pk, **overrides)
    return Guard(settings, clock=lambda: NOW)


def request(
    cookie: str = "",
    *,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    url: str = "http://app.test/dash?a=1",
) -> RequestInfo:
    return RequestInfo(method, "/dash", url, PAGE if headers is None else headers, cookie)


def query(location: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(location).query)


VALID = token()
STALE = token(issued_at=NOW - 1000)
FUTURE_NBF = token(not_before=NOW + 600)
FUTURE_IAT = token(issued_at=NOW + 600, not_before=NOW - 10)
EXPIRED = token(now=NOW - 3600)

# (id, publishable key, cookie header, url, expected status, expected reason)
DECISIONS = [
    ("anonymous", DEV_PK, "", None, "signed-out", "session-token-and-uat-missing"),
    ("uat-zero", DEV_PK, "__client_uat=0", None, "signed-out", "session-token-and-uat-missing"),
    (
        "uat-garbage",
        DEV_PK,
        "__client_uat=abc",
        None,
        "signed-out",
        "session-token-and-uat-missing",
    ),
    ("dev-no-db-jwt", DEV_PK, f"__client_uat={UAT}", None, "handshake", "dev-browser-missing"),
    (
        "dev-browser-sync",
        DEV_PK,
        "",
        "http://app.test/dash?__clerk_db_jwt=dvb_q",
        "handshake",
        "dev-browser-sync",
    ),
    (
        "session-no-uat",
        DEV_PK,
        f"__session={VALID}; __clerk_db_jwt=d",
        None,
        "handshake",
        "session-token-but-no-client-uat",
    ),
    (
        "uat-no-session",
        DEV_PK,
        f"__client_uat={UAT}; __clerk_db_jwt=d",
        None,
        "handshake",
        "client-uat-but-no-session-token",
    ),
    (
        "iat-before-uat",
        DEV_PK,
        f"__session={STALE}; __client_uat={UAT}; __clerk_db_jwt=d",
        None,
        "handshake",
        "session-token-iat-before-client-uat",
    ),
    (
        "expired",
        DEV_PK,
        f"__session={EXPIRED}; __client_uat=1; __clerk_db_jwt=d",
        None,
        "handshake",
        EXPIRED_REASON,
    ),
    (
        "nbf",
        DEV_PK,
        f"__session={FUTURE_NBF}; __client_uat=1; __clerk_db_jwt=d",
        None,
        "handshake",
        "session-token-nbf",
    ),
    (
        "iat-future",
        DEV_PK,
        f"__session={FUTURE_IAT}; __client_uat=1; __clerk_db_jwt=d",
        None,
        "handshake",
        "session-token-iat-in-the-future",
    ),
    (
        "valid-dev",
        DEV_PK,
        f"__session={VALID}; __client_uat={UAT}; __clerk_db_jwt=d",
        None,
        "signed-in",
        None,
    ),
    ("valid-live", LIVE_PK, f"__session={VALID}; __client_uat={UAT}", None, "signed-in", None),
    (
        "live-no-dev-browser-needed",
        LIVE_PK,
        f"__client_uat={UAT}",
        None,
        "handshake",
        "client-uat-but-no-session-token",
    ),
    (
        "live-ignores-db-jwt-query",
        LIVE_PK,
        "",
        "http://app.test/?__clerk_db_jwt=x",
        "signed-out",
        "session-token-and-uat-missing",
    ),
    (
        "forged-cookie-signed-out",
        DEV_PK,
        f"__session={VALID[:-4]}AAAA; __client_uat=1; __clerk_db_jwt=d",
        None,
        "signed-out",
        "token-invalid-signature",
    ),
    (
        "suffixed-session-wins",
        DEV_PK,
        f"__session=junk; __session_{SUFFIX}={VALID}; __client_uat_{SUFFIX}={UAT}; "
        "__clerk_db_jwt=d",
        None,
        "signed-in",
        None,
    ),
    (
        "suffixed-uat-zero",
        DEV_PK,
        f"__session_{SUFFIX}={VALID}; __client_uat_{SUFFIX}=0; __clerk_db_jwt=d",
        None,
        "handshake",
        "session-token-but-no-client-uat",
    ),
]


@pytest.mark.parametrize(
    ("pk", "cookie", "url", "status", "reason"),
    [d[1:] for d in DECISIONS],
    ids=[d[0] for d in DECISIONS],
)
async def test_cookie_decision(
    pk: str, cookie: str, url: str | None, status: str, reason: str | None
) -> None:
    info = request(cookie, url=url or "http://app.test/dash?a=1")
    states = [guard(pk).authenticate(info), await guard(pk).aauthenticate(info)]
    for state in states:
        assert (state.status, state.reason) == (status, reason)
        assert state.auth.is_signed_in == (status == "signed-in")
        if status == "handshake":
            location = dict(state.headers)["Location"]
            assert location.startswith(FAPI if pk == DEV_PK else "https://clerk.example.com/")
            assert ("__clerk_hs_reason", reason) in query(location)
        else:
            assert state.headers == ()


@pytest.mark.parametrize(
    ("method", "headers", "eligible"),
    [
        ("GET", {"sec-fetch-dest": "document"}, True),
        ("GET", {"sec-fetch-dest": "iframe", "accept": "application/json"}, True),
        ("GET", {"sec-fetch-dest": "empty", "accept": "text/html"}, False),
        ("GET", {"accept": "text/html, */*"}, True),
        ("GET", {"accept": "application/json, text/html"}, False),
        ("GET", {}, False),
        ("POST", {"sec-fetch-dest": "document", "accept": "text/html"}, False),
        ("HEAD", {"accept": "text/html"}, False),
    ],
)
def test_only_get_page_loads_are_eligible(
    method: str, headers: dict[str, str], eligible: bool
) -> None:
    info = request(f"__client_uat={UAT}; __clerk_db_jwt=d", headers=headers, method=method)
    assert is_eligible(info) is eligible
    state = guard().authenticate(info)
    assert state.status == ("handshake" if eligible else "signed-out")
    assert state.reason == "client-uat-but-no-session-token"
    assert state.auth.reason == "client-uat-but-no-session-token"


def test_expired_cookie_api_fetch_is_signed_out_never_redirected() -> None:
    cookie = f"__session={EXPIRED}; __client_uat=1; __clerk_db_jwt=d"
    state = guard().authenticate(request(cookie, headers={"accept": "application/json"}))
    assert (state.status, state.reason) == ("signed-out", EXPIRED_REASON)
    assert state.headers == ()


def test_bearer_skips_the_cookie_flow() -> None:
    headers = {**PAGE, "authorization": f"Bearer {EXPIRED}"}
    state = guard().authenticate(request(f"__client_uat={UAT}", headers=headers))
    assert (state.status, state.reason) == ("signed-out", "token-expired")


def test_without_a_frontend_api_there_is_no_handshake() -> None:
    state = guard(pk=None).authenticate(request(f"__client_uat={UAT}"))
    assert (state.status, state.reason) == ("signed-out", "client-uat-but-no-session-token")


def test_redirect_url_parameters_in_clerks_order() -> None:
    cookie = f"__session={EXPIRED}; __client_uat=1; __clerk_db_jwt=dvb_1"
    url = "http://app.test/dash?a=1&__dev_session=x&b=2"
    state = guard().authenticate(request(cookie, url=url))
    headers = list(state.headers)
    assert [name for name, _ in headers] == ["Location", "Cache-Control", "Set-Cookie"]
    location = headers[0][1]
    assert location.startswith(FAPI + "?")
    assert query(location) == [
        ("redirect_url", "http://app.test/dash?a=1&b=2"),
        ("__clerk_api_version", "2026-05-12"),
        ("suffixed_cookies", "false"),
        ("__clerk_hs_reason", EXPIRED_REASON),
        ("format", "nonce"),
        ("__session", EXPIRED),
        ("__clerk_db_jwt", "dvb_1"),
    ]
    assert headers[1] == ("Cache-Control", "no-store")
    assert headers[2] == (
        "Set-Cookie",
        "__clerk_redirect_count=1; SameSite=Lax; HttpOnly; Max-Age=2; Path=/",
    )
    assert guard().handshake_decision(state).status == 307
    assert guard().handshake_decision(state).headers == state.headers


def test_production_sends_no_dev_browser_and_suffixed_flag() -> None:
    suffix = Settings(publishable_key=LIVE_PK).cookie_suffix
    cookie = f"__client_uat_{suffix}={UAT}; __clerk_db_jwt=dvb_1"
    state = guard(LIVE_PK, app_origin="https://app.example").authenticate(request(cookie))
    params = dict(query(dict(state.headers)["Location"]))
    assert params["suffixed_cookies"] == "true"
    assert params["redirect_url"] == "https://app.example/dash?a=1"  # app_origin, not Host
    assert "__clerk_db_jwt" not in params
    assert "__session" not in params


@pytest.mark.parametrize(
    ("frontend_api", "prefix"),
    [
        ("127.0.0.1:4000", "http://127.0.0.1:4000/v1/client/handshake?"),
        ("localhost:4000", "http://localhost:4000/v1/client/handshake?"),
        ("[::1]:4000", "http://[::1]:4000/v1/client/handshake?"),
        ("clerk.example.com", "https://clerk.example.com/v1/client/handshake?"),
        ("clerk.127.0.0.1.example", "https://clerk.127.0.0.1.example/v1/client/handshake?"),
    ],
)
def test_loopback_frontend_api_uses_http(frontend_api: str, prefix: str) -> None:
    inputs = CookieInputs(None, (), 1, False, None, False, None, None, 0)
    url = handshake_url(frontend_api, "http://localhost:8000/", inputs, "r", development=True)
    assert url.startswith(prefix)


@pytest.mark.parametrize(
    ("count", "status"), [(0, "handshake"), (2, "handshake"), (3, "signed-out"), (9, "signed-out")]
)
def test_loop_guard(count: int, status: str, caplog: pytest.LogCaptureFixture) -> None:
    cookie = f"__client_uat={UAT}; __clerk_db_jwt=d; __clerk_redirect_count={count}"
    with caplog.at_level(logging.WARNING, logger="authguard"):
        state = guard().authenticate(request(cookie))
    assert (state.status, state.reason) == (status, "client-uat-but-no-session-token")
    if status == "handshake":
        expected = f"__clerk_redirect_count={count + 1}; SameSite=Lax; HttpOnly; Max-Age=2; Path=/"
        assert ("Set-Cookie", expected) in state.headers
    else:
        assert "loop" in caplog.text
        assert "keys" in caplog.text


def test_cached_cookie_token_still_obeys_client_uat() -> None:
    g = guard()
    fresh = f"__session={VALID}; __client_uat={UAT}; __clerk_db_jwt=d"
    assert g.authenticate(request(fresh)).status == "signed-in"
    newer_uat = f"__session={VALID}; __client_uat={int(NOW) + 1}; __clerk_db_jwt=d"
    state = g.authenticate(request(newer_uat))
    assert (state.status, state.reason) == ("handshake", "session-token-iat-before-client-uat")


def test_cached_cookie_token_expiring_triggers_a_handshake() -> None:
    now = [NOW]
    g = Guard(Settings(jwt_key=KEY.public_pem(), publishable_key=DEV_PK), clock=lambda: now[0])
    cookie = f"__session={VALID}; __client_uat={UAT}; __clerk_db_jwt=d"
    assert g.authenticate(request(cookie)).status == "signed-in"
    now[0] = NOW + 30
    assert g.authenticate(request(cookie)).status == "signed-in"
    now[0] = NOW + 3600
    state = g.authenticate(request(cookie))
    assert (state.status, state.reason) == ("handshake", EXPIRED_REASON)


@pytest.mark.parametrize(
    ("url", "names", "expected"),
    [
        ("http://a/x?__clerk_db_jwt=1&y=2", frozenset({"__clerk_db_jwt"}), "http://a/x?y=2"),
        ("http://a/x?y=2", frozenset({"__clerk_db_jwt"}), "http://a/x?y=2"),
        ("http://a/x?__clerk_db_jwt=1", frozenset({"__clerk_db_jwt"}), "http://a/x"),
    ],
)
def test_strip_query(url: str, names: frozenset[str], expected: str) -> None:
    assert strip_query(url, names) == expected


def test_inputs_query_wins_over_cookie() -> None:
    info = request(
        "__clerk_db_jwt=cookie; __clerk_handshake_nonce=cn; __clerk_redirect_count=2",
        url="http://app.test/?__clerk_db_jwt=query&__clerk_handshake_nonce=qn",
    )
    inputs = read_inputs(info, Settings(publishable_key=DEV_PK))
    assert (inputs.dev_browser, inputs.nonce, inputs.redirect_count) == ("query", "qn", 2)
    assert inputs.dev_browser_in_query
