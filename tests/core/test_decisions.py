"""The SPEC §6 table, return URLs and Location safety."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from authguard.auth import Auth
from authguard.decisions import Decision, Navigator, decide
from authguard.exceptions import (
    AuthGuardError,
    KeySetUnavailable,
    SignInRedirect,
    Unauthenticated,
    Unauthorized,
)
from authguard.request import RequestInfo
from authguard.settings import Settings

PK = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"
SIGN_IN = "https://foo-bar-13.accounts.dev/sign-in"
PAGE = {"accept": "text/html,application/xhtml+xml", "host": "app.example.com"}
API = {"accept": "application/json"}
FRAME = {"sec-fetch-dest": "iframe"}


def nav(**kwargs: Any) -> Navigator:
    return Navigator(Settings(**{"publishable_key": PK, **kwargs}))


def req(method: str = "GET", headers: dict[str, str] | None = None, **kwargs: Any) -> RequestInfo:
    url = kwargs.pop("url", "https://app.example.com/dash?tab=1")
    return RequestInfo(method, urlsplit(url).path, url, headers or {}, **kwargs)


def header(decision: Decision, name: str) -> str | None:
    values = [v for k, v in decision.headers if k.lower() == name.lower()]
    assert len(values) <= 1
    return values[0] if values else None


def body(decision: Decision) -> Any:
    return json.loads(decision.body)


def unauth(reason: str | None = "session-token-and-uat-missing", **kw: Any) -> Unauthenticated:
    return Unauthenticated(Auth.signed_out(reason), **kw)


def forbidden(**kw: Any) -> Unauthorized:
    return Unauthorized(Auth.signed_out(None), **kw)


def check_common(decision: Decision) -> None:
    assert header(decision, "Cache-Control") == "no-store"
    location = header(decision, "Location")
    if location is not None:
        assert location.startswith(("https://", "http://"))
        assert not any(c in location for c in "\r\n\t ")
    if decision.body and header(decision, "Content-Type") == "application/json":
        json.loads(decision.body)


@pytest.mark.parametrize(
    ("method", "headers", "status"),
    [
        ("GET", PAGE, 307),
        ("HEAD", PAGE, 307),
        ("POST", PAGE, 303),
        ("DELETE", FRAME, 303),
        ("get", {"sec-fetch-dest": "document"}, 307),
    ],
)
def test_page_request_signed_out_redirects_to_sign_in(
    method: str, headers: dict[str, str], status: int
) -> None:
    d = decide(unauth(), req(method, headers), nav(app_origin="https://app.example.com"))
    check_common(d)
    location = header(d, "Location")
    assert d.status == status
    assert location is not None
    assert location.startswith(SIGN_IN + "?redirect_url=")
    assert parse_qs(urlsplit(location).query) == {
        "redirect_url": ["https://app.example.com/dash?tab=1"]
    }
    assert d.body == b""


@pytest.mark.parametrize(
    ("reason", "challenge"),
    [
        ("session-token-and-uat-missing", 'Bearer realm="authguard"'),
        ("session-pending", 'Bearer realm="authguard"'),
        (None, 'Bearer realm="authguard"'),
        ("token-expired", 'Bearer realm="authguard", error="invalid_token"'),
        ("token-invalid-signature", 'Bearer realm="authguard", error="invalid_token"'),
        ("token-invalid", 'Bearer realm="authguard", error="invalid_token"'),
    ],
)
def test_api_signed_out_is_401(reason: str | None, challenge: str) -> None:
    d = decide(unauth(reason), req("GET", API), nav())
    check_common(d)
    assert d.status == 401
    assert header(d, "WWW-Authenticate") == challenge
    assert header(d, "Content-Type") == "application/json"
    assert body(d) == {"error": "unauthenticated", "reason": reason}
    assert d.framework_error is False


@pytest.mark.parametrize("headers", [PAGE, API])
def test_no_sign_in_url_known_answers_like_api(headers: dict[str, str]) -> None:
    d = decide(unauth(), req("GET", headers), Navigator(Settings()))
    check_common(d)
    assert d.status == 401
    assert body(d)["error"] == "unauthenticated"


@pytest.mark.parametrize(
    ("headers", "status", "framework_error"),
    [(API, 404, False), (PAGE, 307, False)],  # page with a sign-in URL still redirects
)
def test_hide_protected_routes_signed_out(
    headers: dict[str, str], status: int, framework_error: bool
) -> None:
    d = decide(unauth("token-expired"), req("GET", headers), nav(hide_protected_routes=True))
    check_common(d)
    assert (d.status, d.framework_error) == (status, framework_error)
    assert b"token" not in d.body


def test_hide_protected_routes_without_sign_in_url_page_is_framework_404() -> None:
    d = decide(unauth(), req("GET", PAGE), Navigator(Settings(hide_protected_routes=True)))
    check_common(d)
    assert (d.status, d.framework_error) == (404, True)
    assert b"404" in d.body


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/login", "https://app.example.com/login"),
        ("https://auth.partner.com/x?y=1", "https://auth.partner.com/x?y=1"),
        ("login", "https://app.example.com/login"),
    ],
)
@pytest.mark.parametrize(("method", "status"), [("GET", 307), ("POST", 303)])
@pytest.mark.parametrize("headers", [PAGE, API])
def test_unauthenticated_url(
    url: str, expected: str, method: str, status: int, headers: dict[str, str]
) -> None:
    n = nav(app_origin="https://app.example.com")
    d = decide(unauth(unauthenticated_url=url), req(method, headers), n)
    check_common(d)
    assert (d.status, header(d, "Location")) == (status, expected)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "//evil.com", "/\\evil.com", "/x\r\nSet-Cookie: a=b", ""]
)
def test_unusable_configured_url_is_ignored(url: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="authguard"):
        d1 = decide(unauth(unauthenticated_url=url), req("GET", API), nav())
        d2 = decide(forbidden(unauthorized_url=url), req("GET", API), nav())
    assert (d1.status, d2.status) == (401, 403)
    assert header(d1, "Location") is None
    assert "unauthenticated_url" in caplog.text
    assert "unauthorized_url" in caplog.text


def test_keyset_unavailable_is_503_everywhere() -> None:
    for headers in (PAGE, API):
        d = decide(
            KeySetUnavailable(Auth.signed_out("jwk-remote-failed-to-load")),
            req("GET", headers),
            nav(),
        )
        check_common(d)
        assert d.status == 503
        assert header(d, "Retry-After") == "5"
        assert body(d) == {"error": "unavailable", "reason": "jwk-remote-failed-to-load"}


@pytest.mark.parametrize(
    ("metadata", "headers", "status", "framework_error"),
    [
        ("strict", API, 403, False),
        ({"level": "second_factor", "afterMinutes": 5}, API, 403, False),
        ("lax", PAGE, 403, True),
    ],
)
def test_reverification_403(
    metadata: Any, headers: dict[str, str], status: int, framework_error: bool
) -> None:
    error = forbidden(reverification=metadata, unauthorized_url="/no")
    d = decide(error, req("POST", headers), nav(hide_protected_routes=True))
    check_common(d)
    assert (d.status, d.framework_error) == (status, framework_error)
    if not framework_error:
        assert body(d) == {
            "clerk_error": {
                "type": "forbidden",
                "reason": "reverification-error",
                "metadata": {"reverification": metadata},
            }
        }


@pytest.mark.parametrize(
    ("headers", "hide", "status", "framework_error"),
    [
        (API, False, 403, False),
        (API, True, 404, False),
        (PAGE, False, 403, True),
        (PAGE, True, 404, True),
    ],
)
def test_unauthorized(
    headers: dict[str, str], hide: bool, status: int, framework_error: bool
) -> None:
    d = decide(forbidden(), req("GET", headers), nav(hide_protected_routes=hide))
    check_common(d)
    assert (d.status, d.framework_error) == (status, framework_error)
    if (headers, hide) == (API, False):
        assert header(d, "WWW-Authenticate") == 'Bearer error="insufficient_scope"'
        assert body(d) == {"error": "forbidden"}
    if framework_error:
        assert header(d, "Content-Type") == "text/html; charset=utf-8"


@pytest.mark.parametrize(("method", "status"), [("GET", 307), ("PATCH", 303)])
@pytest.mark.parametrize("headers", [PAGE, API])
def test_unauthorized_url(method: str, status: int, headers: dict[str, str]) -> None:
    n = nav(app_origin="https://app.example.com", hide_protected_routes=True)
    d = decide(forbidden(unauthorized_url="/upgrade"), req(method, headers), n)
    check_common(d)
    assert (d.status, header(d, "Location")) == (status, "https://app.example.com/upgrade")


def test_sign_in_redirect_error() -> None:
    d = decide(SignInRedirect("https://accounts.example.com/sign-in?x=1"), req("POST"), nav())
    assert (d.status, header(d, "Location")) == (303, "https://accounts.example.com/sign-in?x=1")
    bad = decide(SignInRedirect("https://a.example.com/\r\nX: y"), req("GET"), nav())
    check_common(bad)
    assert bad.status == 401


def test_other_errors_fail_closed() -> None:
    d = decide(AuthGuardError("x"), req("GET", PAGE), nav())
    check_common(d)
    assert d.status == 401


# -- return URLs ----------------------------------------------------------------------------

FORGED = "https://evil.example/dash?tab=1"


@pytest.mark.parametrize(
    ("settings", "url", "trusted", "expected"),
    [
        (
            {"app_origin": "https://app.example.com"},
            FORGED,
            True,
            "https://app.example.com/dash?tab=1",
        ),
        (
            {"authorized_parties": ("https://a.example.com", "https://b.example.com")},
            "https://b.example.com/dash?tab=1",
            False,
            "https://b.example.com/dash?tab=1",
        ),
        (
            {"authorized_parties": ("https://a.example.com",)},
            FORGED,
            False,
            "https://a.example.com/dash?tab=1",
        ),
        ({"authorized_parties": ("https://a.example.com",)}, FORGED, True, FORGED),
        ({}, FORGED, False, FORGED),
        (
            {"app_origin": "https://app.example.com"},
            "http://x/a%2Fb/../c?q=%0d%0a",
            False,
            "https://app.example.com/a%2Fb/../c?q=%0d%0a",
        ),
    ],
)
def test_return_url(settings: dict[str, Any], url: str, trusted: bool, expected: str) -> None:
    request = req("GET", PAGE, url=url, host_trusted=trusted)
    assert nav(**settings).return_url(request) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://app.example.com/a%0d%0aSet-Cookie:%20x=1",
        "https://app.example.com/a\r\nSet-Cookie: x=1",
        "https://app.example.com/ä b?c=\x00",
    ],
)
@pytest.mark.parametrize("app_origin", [None, "https://app.example.com"])
def test_location_never_contains_crlf(url: str, app_origin: str | None) -> None:
    d = decide(unauth(), req("GET", PAGE, url=url), nav(app_origin=app_origin))
    check_common(d)
    assert d.status in (307, 401)


def test_relative_sign_in_url_resolves_on_app_origin() -> None:
    n = nav(sign_in_url="/sign-in?lang=en", app_origin="https://app.example.com")
    url = n.sign_in_url(req(url="https://evil.example/x"))
    assert (
        url
        == "https://app.example.com/sign-in?lang=en&redirect_url=https%3A%2F%2Fapp.example.com%2Fx"
    )


def test_redirect_param_setting() -> None:
    url = nav(redirect_param="next").sign_in_url(req())
    assert url is not None
    assert parse_qs(urlsplit(url).query) == {"next": ["https://app.example.com/dash?tab=1"]}


@pytest.mark.parametrize(
    ("back", "expected"),
    [
        ("/after?x=1", "https://app.example.com/after?x=1"),
        ("https://app.example.com/z", "https://app.example.com/z"),
        ("https://partner.example.com/p", "https://partner.example.com/p"),
        ("https://evil.example/p", "https://app.example.com/dash?tab=1"),
        ("//evil.example/p", "https://app.example.com/dash?tab=1"),
        ("/\\evil.example/p", "https://app.example.com/dash?tab=1"),
        ("javascript:alert(1)", "https://app.example.com/dash?tab=1"),
        ("/a\r\nb", "https://app.example.com/dash?tab=1"),
        ("", "https://app.example.com/dash?tab=1"),
    ],
)
def test_return_back_url(back: str, expected: str) -> None:
    n = nav(
        app_origin="https://app.example.com", authorized_parties=("https://partner.example.com",)
    )
    url = n.sign_up_url(req(), return_back_url=back)
    assert url is not None
    assert url.startswith("https://foo-bar-13.accounts.dev/sign-up?")
    assert parse_qs(urlsplit(url).query) == {"redirect_url": [expected]}
