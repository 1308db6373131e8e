"""SPEC §2: where the token comes from, cookie parsing and the CSRF rule for cookie tokens."""

from __future__ import annotations

import base64

import pytest

from authguard.request import RequestInfo
from authguard.settings import Settings
from authguard.tokens import Extracted, extract_token, parse_cookies

PK = "pk_test_" + base64.b64encode(b"foo-bar-13.clerk.accounts.dev$").decode()
WITH_PK = Settings(publishable_key=PK)
SUFFIX = WITH_PK.cookie_suffix
APP = "https://app.example.com"
TOKEN = "aaa.bbb.ccc"


def request(
    method: str = "GET", cookie: str = "", url: str = APP + "/x", **headers: str
) -> RequestInfo:
    names = {name.replace("_", "-"): value for name, value in headers.items()}
    return RequestInfo(method=method, path="/x", url=url, headers=names, cookie_header=cookie)


COOKIE_CASES: list[tuple[str, dict[str, list[str]]]] = [
    ("", {}),
    ("a=1", {"a": ["1"]}),
    ("a=1; b=2", {"a": ["1"], "b": ["2"]}),
    ("a=1;b=2;;", {"a": ["1"], "b": ["2"]}),
    ("  a  =  1  ", {"a": ["1"]}),
    ("a=1; a=2; a=1", {"a": ["1", "2", "1"]}),
    ('a="quoted"', {"a": ["quoted"]}),
    ('a=""x""', {"a": ['"x"']}),
    ('a="', {"a": ['"']}),
    ("a=b=c", {"a": ["b=c"]}),
    ("a=%41", {"a": ["%41"]}),
    ("novalue; =x; a=", {"a": [""]}),
    ("é=ü", {"é": ["ü"]}),
]


@pytest.mark.parametrize(("header", "expected"), COOKIE_CASES)
def test_parse_cookies(header: str, expected: dict[str, list[str]]) -> None:
    assert parse_cookies(header) == expected


def test_parse_cookies_handles_thousands_of_cookies_in_one_pass() -> None:
    header = "; ".join(f"c{i}={i}" for i in range(5000)) + "; __session=t"
    cookies = parse_cookies(header)
    assert len(cookies) == 5001
    assert cookies["__session"] == ["t"]
    assert cookies["c4999"] == ["4999"]


EXTRACT_CASES: list[tuple[str, RequestInfo, Settings, Extracted]] = [
    ("nothing", request(), WITH_PK, Extracted(None, None)),
    ("bearer", request(authorization=f"Bearer {TOKEN}"), WITH_PK, Extracted(TOKEN, "header")),
    (
        "bearer lowercase",
        request(authorization=f"bearer {TOKEN}"),
        WITH_PK,
        Extracted(TOKEN, "header"),
    ),
    ("BEARER", request(authorization=f"BEARER {TOKEN}"), WITH_PK, Extracted(TOKEN, "header")),
    (
        "bearer extra spaces",
        request(authorization=f"  Bearer   {TOKEN} "),
        WITH_PK,
        Extracted(TOKEN, "header"),
    ),
    (
        "bearer wins over cookie",
        request(authorization=f"Bearer {TOKEN}", cookie="__session=other"),
        WITH_PK,
        Extracted(TOKEN, "header"),
    ),
    (
        "bearer without token",
        request(authorization="Bearer", cookie="__session=c"),
        WITH_PK,
        Extracted(None, "header", "token-invalid"),
    ),
    (
        "bearer blank token",
        request(authorization="Bearer   ", cookie="__session=c"),
        WITH_PK,
        Extracted(None, "header", "token-invalid"),
    ),
    (
        "bearer two tokens",
        request(authorization="Bearer a b", cookie="__session=c"),
        WITH_PK,
        Extracted(None, "header", "token-invalid"),
    ),
    (
        "bearer comma",
        request(authorization="Bearer a,b"),
        WITH_PK,
        Extracted(None, "header", "token-invalid"),
    ),
    (
        "two authorization headers",
        request(authorization="Bearer a, Bearer b"),
        WITH_PK,
        Extracted(None, "header", "token-invalid"),
    ),
    (
        "basic then bearer joined",
        request(authorization="Basic eA==, Bearer b", cookie="__session=c"),
        WITH_PK,
        Extracted(None, "header", "token-invalid"),
    ),
    (
        "basic falls back to cookie",
        request(authorization="Basic eA==", cookie="__session=c"),
        WITH_PK,
        Extracted("c", "cookie"),
    ),
    (
        "empty authorization falls back",
        request(authorization="", cookie="__session=c"),
        WITH_PK,
        Extracted("c", "cookie"),
    ),
    (
        "bearerx is another scheme",
        request(authorization="Bearerx a", cookie="__session=c"),
        WITH_PK,
        Extracted("c", "cookie"),
    ),
    ("plain session cookie", request(cookie="__session=c"), WITH_PK, Extracted("c", "cookie")),
    ("quoted cookie", request(cookie='__session="c"'), WITH_PK, Extracted("c", "cookie")),
    (
        "suffixed preferred",
        request(cookie=f"__session=plain; __session_{SUFFIX}=suffixed"),
        WITH_PK,
        Extracted("suffixed", "cookie"),
    ),
    (
        "empty suffixed falls back",
        request(cookie=f"__session=plain; __session_{SUFFIX}="),
        WITH_PK,
        Extracted("plain", "cookie"),
    ),
    (
        "other suffix ignored",
        request(cookie="__session_zzzzzzzz=x"),
        WITH_PK,
        Extracted(None, None),
    ),
    (
        "no publishable key: plain only",
        request(cookie=f"__session_{SUFFIX}=s; __session=p"),
        Settings(),
        Extracted("p", "cookie"),
    ),
    (
        "same value twice is fine",
        request(cookie="__session=c; __session=c"),
        WITH_PK,
        Extracted("c", "cookie"),
    ),
    (
        "two different values",
        request(cookie="__session=a; __session=b"),
        WITH_PK,
        Extracted(None, "cookie", "session-token-ambiguous"),
    ),
    (
        "two different suffixed values",
        request(cookie=f"__session_{SUFFIX}=a; __session_{SUFFIX}=b; __session=a"),
        WITH_PK,
        Extracted(None, "cookie", "session-token-ambiguous"),
    ),
    ("empty cookie is no token", request(cookie="__session="), WITH_PK, Extracted(None, None)),
    (
        "query string never used",
        request(url=APP + "/x?__session=q&token=q"),
        WITH_PK,
        Extracted(None, None),
    ),
    (
        "other headers never used",
        request(x_clerk_auth_token=TOKEN, x_forwarded_user="u"),
        WITH_PK,
        Extracted(None, None),
    ),
]


@pytest.mark.parametrize(
    ("info", "settings", "expected"),
    [c[1:] for c in EXTRACT_CASES],
    ids=[c[0] for c in EXTRACT_CASES],
)
def test_extract_token(info: RequestInfo, settings: Settings, expected: Extracted) -> None:
    assert extract_token(info, settings) == expected


CROSS = Extracted(None, "cookie", "cross-origin-cookie")
OK = Extracted("c", "cookie")
CONFIGURED = Settings(app_origin=APP)
PARTIES = Settings(authorized_parties=("https://other.example.com", APP))
UNCONFIGURED = Settings()

CSRF_CASES: list[tuple[str, RequestInfo, Settings, Extracted]] = [
    ("POST same origin", request("POST", "__session=c", origin=APP), CONFIGURED, OK),
    (
        "POST cross origin",
        request("POST", "__session=c", origin="https://evil.com"),
        CONFIGURED,
        CROSS,
    ),
    (
        "PUT cross origin",
        request("PUT", "__session=c", origin="https://evil.com"),
        CONFIGURED,
        CROSS,
    ),
    (
        "PATCH cross origin",
        request("PATCH", "__session=c", origin="https://evil.com"),
        CONFIGURED,
        CROSS,
    ),
    (
        "DELETE cross origin",
        request("DELETE", "__session=c", origin="https://evil.com"),
        CONFIGURED,
        CROSS,
    ),
    (
        "lowercase method",
        request("post", "__session=c", origin="https://evil.com"),
        CONFIGURED,
        CROSS,
    ),
    ("GET not subject", request("GET", "__session=c", origin="https://evil.com"), CONFIGURED, OK),
    ("HEAD not subject", request("HEAD", "__session=c", origin="https://evil.com"), CONFIGURED, OK),
    (
        "OPTIONS not subject",
        request("OPTIONS", "__session=c", origin="https://evil.com"),
        CONFIGURED,
        OK,
    ),
    ("Origin null", request("POST", "__session=c", origin="null"), CONFIGURED, CROSS),
    ("Origin garbage", request("POST", "__session=c", origin="javascript:x"), CONFIGURED, CROSS),
    (
        "Origin look-alike",
        request("POST", "__session=c", origin=APP + ".evil.com"),
        CONFIGURED,
        CROSS,
    ),
    (
        "Origin other scheme",
        request("POST", "__session=c", origin="http://app.example.com"),
        CONFIGURED,
        CROSS,
    ),
    (
        "Origin upper-case host",
        request("POST", "__session=c", origin="https://APP.example.com"),
        CONFIGURED,
        OK,
    ),
    ("Origin default port", request("POST", "__session=c", origin=APP + ":443"), CONFIGURED, OK),
    (
        "authorized party origin",
        request("POST", "__session=c", origin="https://other.example.com"),
        PARTIES,
        OK,
    ),
    (
        "authorized party cross",
        request("POST", "__session=c", origin="https://evil.com"),
        PARTIES,
        CROSS,
    ),
    (
        "Referer fallback same",
        request("POST", "__session=c", referer=APP + "/form?a=1"),
        CONFIGURED,
        OK,
    ),
    (
        "Referer fallback cross",
        request("POST", "__session=c", referer="https://evil.com/x"),
        CONFIGURED,
        CROSS,
    ),
    (
        "Origin wins over Referer",
        request("POST", "__session=c", origin="https://evil.com", referer=APP + "/"),
        CONFIGURED,
        CROSS,
    ),
    ("neither Origin nor Referer", request("POST", "__session=c"), CONFIGURED, OK),
    ("unconfigured: request origin", request("POST", "__session=c", origin=APP), UNCONFIGURED, OK),
    (
        "unconfigured: cross",
        request("POST", "__session=c", origin="https://evil.com"),
        UNCONFIGURED,
        CROSS,
    ),
    (
        "bearer not subject",
        request("POST", "__session=c", origin="https://evil.com", authorization="Bearer t"),
        CONFIGURED,
        Extracted("t", "header"),
    ),
    (
        "ambiguity reported before origin",
        request("POST", "__session=a; __session=b", origin="https://evil.com"),
        CONFIGURED,
        Extracted(None, "cookie", "session-token-ambiguous"),
    ),
    (
        "no cookie, nothing to refuse",
        request("POST", "", origin="https://evil.com"),
        CONFIGURED,
        Extracted(None, None),
    ),
]


@pytest.mark.parametrize(
    ("info", "settings", "expected"), [c[1:] for c in CSRF_CASES], ids=[c[0] for c in CSRF_CASES]
)
def test_cookie_csrf_rule(info: RequestInfo, settings: Settings, expected: Extracted) -> None:
    assert extract_token(info, settings) == expected
