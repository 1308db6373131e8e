"""The middleware's express lane (a repeated Bearer token) answers exactly as the full path.

The first request of a token takes the full path and caches it; the second takes the express
lane (counted by a spy on ``Guard.express``). Both responses must be identical, including the
ones built from the request described lazily: redirects (return URL) and error pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from authguard.settings import Settings
from authguard.starlette import AuthGuardMiddleware, protect


@protect(role="org:admin")
async def admin_only(request: Request) -> Response:
    return PlainTextResponse(f"admin {request.auth.user_id} {request.user.identity}")


async def bounce(request: Request) -> Response:
    request.auth.redirect_to_sign_in()


async def plain(request: Request) -> Response:
    return PlainTextResponse("plain", headers={"vary": "Accept"})


ROUTES = [
    Mount(
        "/api",
        routes=[
            Route("/admin", admin_only),
            Route("/bounce", bounce),
            Route("/plain", plain),
        ],
    )
]


def app(settings: Settings, **options: Any) -> TestClient:
    middleware = [Middleware(AuthGuardMiddleware, settings=settings, **options)]
    return TestClient(Starlette(routes=ROUTES, middleware=middleware), follow_redirects=False)


@pytest.mark.parametrize("path", ["/api/admin", "/api/bounce?x=1", "/api/plain"])
@pytest.mark.parametrize("role", ["org:admin", "org:member"])
@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_second_request_is_express_and_identical(
    settings: Settings,
    mint: Callable[..., str],
    hits: list[bool],
    path: str,
    role: str,
    accept: str,
) -> None:
    token = mint(user_id="user_1", org_id="org_1", org_role=role)
    headers = {"authorization": f"Bearer {token}", "accept": accept}
    client = app(settings)
    first = client.get(path, headers=headers)
    second = client.get(path, headers=headers)
    assert hits == [False, True]
    assert second.status_code == first.status_code
    assert second.headers.multi_items() == first.headers.multi_items()
    assert second.content == first.content
    assert token.split(".")[2] not in second.text
    assert "Authorization" in second.headers["vary"]


@pytest.mark.parametrize(
    "options",
    [
        {"skip": ["/nothing"]},
        {"handler": lambda auth, request: None},
    ],
)
def test_skip_and_handler_take_the_full_path(
    settings: Settings, mint: Callable[..., str], hits: list[bool], options: dict[str, Any]
) -> None:
    token = mint(user_id="user_1", org_id="org_1", org_role="org:admin")
    client = app(settings, **options)
    for _ in range(2):
        response = client.get("/api/admin", headers={"authorization": f"Bearer {token}"})
        assert response.text == "admin user_1 user_1"
    assert hits == []


def test_public_routes_alone_keep_the_express_lane(
    settings: Settings, mint: Callable[..., str], hits: list[bool]
) -> None:
    token = mint(user_id="user_1", org_id="org_1", org_role="org:admin")
    client = app(settings, public_routes=["/api/plain"])
    for _ in range(2):
        response = client.get("/api/admin", headers={"authorization": f"Bearer {token}"})
        assert response.text == "admin user_1 user_1"
    assert hits == [False, True]
    assert client.get("/api/admin").status_code == 401


def test_repeated_authorization_headers_never_express(
    settings: Settings, mint: Callable[..., str], hits: list[bool]
) -> None:
    token = mint(user_id="user_1", org_id="org_1", org_role="org:admin")
    client = app(settings)
    assert client.get("/api/admin", headers={"authorization": f"Bearer {token}"}).is_success
    twice = [("authorization", f"Bearer {token}"), ("Authorization", f"Bearer {token}")]
    response = client.get("/api/admin", headers=twice)
    assert response.status_code == 401
    assert hits == [False]  # the repeated header was never offered to the express lane
