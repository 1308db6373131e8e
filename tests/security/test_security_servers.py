"""Attack requests through real servers, written raw so no client normalises the path.

In ``public_routes`` mode (public: ``/`` and ``/public(.*)``) the identity handler answers 200 to
anyone it is reached by, so any 2xx for these targets would be a bypass: a path the matcher took
for public while the router dispatched it to a protected handler. In decorators mode the same
holds for the protected ``/signed-in``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from harness import KEY, base_settings
from servers import DROPPED, SERVED, RawResponse, raw_request, serve

from authguard.testing import mint_session_token

pytestmark = pytest.mark.e2e

API = [("Accept", "application/json")]

PUBLIC_ROUTES_TRICKS = [
    "/admin",
    "/ADMIN",
    "/Admin",
    "//admin",
    "///admin",
    "/./admin",
    "/public/../admin",
    "/PUBLIC/../admin",
    "/public/./../admin",
    "/public/%2e%2e/admin",
    "/public/%2E%2E/admin",
    "/public/.%2e/admin",
    "/public%2f..%2fadmin",
    "/public/..%2fadmin",
    "/public;/../admin",
    "/public\\..\\admin",
    "/public%5c..%5cadmin",
    "/public%00/../admin",
    "/admin;",
    "/admin;jsessionid=1",
    "/admin/",
    "/admin%0a",
    "/admin%0d%0a",
    "/admin%20",
    "/admin%09",
    "/admin%00",
    "/%61dmin",
    "/%EF%BD%81%EF%BD%84%EF%BD%8D%EF%BD%89%EF%BD%8E",
    "/signed-in",
    "http://127.0.0.1/admin",
    "http://evil.example/admin",
]
DECORATOR_TRICKS = [
    "/signed-in",
    "/SIGNED-IN",
    "//signed-in",
    "/./signed-in",
    "/public/../signed-in",
    "/public/%2e%2e/signed-in",
    "/signed-in/",
    "/signed-in%0a",
    "/signed-in;",
    "/signed-in%00",
]


@pytest.fixture(scope="module", params=SERVED)
def public_routes_port(request: pytest.FixtureRequest) -> Iterator[int]:
    with serve(request.param, base_settings(), "public_routes") as port:
        yield port


@pytest.fixture(scope="module", params=SERVED)
def decorators_port(request: pytest.FixtureRequest) -> Iterator[int]:
    with serve(request.param, base_settings(), "decorators") as port:
        yield port


def assert_refused(response: RawResponse, port: int) -> None:
    """Never a 2xx, never a 5xx, never a redirect off the app, never a traceback."""
    assert not 200 <= response.status < 300, (response.status, response.body[:200])
    assert response.status < 500, response.body[:200]
    assert b"Traceback" not in response.body
    location = response.header("location")
    if location is not None:
        allowed = ("/", f"http://127.0.0.1:{port}/", "https://foo-bar-13.accounts.dev/")
        assert location.startswith(allowed)
        assert not location.startswith("//")


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "POST"])
def test_public_routes_tricks_never_reach_a_handler(public_routes_port: int, method: str) -> None:
    for target in PUBLIC_ROUTES_TRICKS:
        response = raw_request(public_routes_port, method, target, API)
        assert_refused(response, public_routes_port)


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "POST"])
def test_decorated_route_tricks_never_reach_the_handler(decorators_port: int, method: str) -> None:
    for target in DECORATOR_TRICKS:
        assert_refused(raw_request(decorators_port, method, target, API), decorators_port)


def test_public_route_still_answers(public_routes_port: int) -> None:
    response = raw_request(public_routes_port, "GET", "/public", API)
    assert response.status == 200
    assert b'"user_id":null' in response.body.replace(b" ", b"")


def _member() -> str:
    return mint_session_token(KEY, user_id="user_member")


@pytest.mark.parametrize(
    ("name", "headers"),
    [
        ("two-authorization", lambda t: [("Authorization", f"Bearer {t}")] * 2),
        (
            "bearer-and-basic",
            lambda t: [("Authorization", f"Bearer {t}"), ("Authorization", "Basic dTpw")],
        ),
        ("two-cookie-headers", lambda t: [("Cookie", f"__session={t}"), ("Cookie", "__session=x")]),
        ("token-1mib", lambda t: [("Authorization", "Bearer " + "a" * (1 << 20))]),
        ("cookies-5000", lambda t: [("Cookie", "; ".join(f"c{i}=x" for i in range(5000)))]),
        ("header-3000-deep", lambda t: [("X-Deep", "[" * 3000)]),
    ],
)
def test_oversized_and_ambiguous_requests_get_a_4xx(
    decorators_port: int, name: str, headers: object
) -> None:
    token = _member()
    response = raw_request(decorators_port, "GET", "/signed-in", API + headers(token))  # type: ignore[operator]
    # 4xx, or the server dropped the connection (uvicorn resets a 1 MiB header mid-send)
    assert 400 <= response.status < 500 or response.status == DROPPED, (name, response.status)
    assert token.encode() not in response.body
    assert b"Traceback" not in response.body


def test_signed_in_request_passes(decorators_port: int) -> None:
    token = _member()
    response = raw_request(
        decorators_port, "GET", "/signed-in", [*API, ("Authorization", f"Bearer {token}")]
    )
    assert response.status == 200
    assert b"user_member" in response.body
    assert "cookie" in (response.header("vary") or "").lower()
