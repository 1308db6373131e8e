"""``authguard.starlette.protect`` on FastAPI endpoints: the dependency-free option.

FastAPI passes the endpoint's ``request: Request`` by name; the decorator must find it there,
answer exactly as ``Protect(...)`` does, and leave FastAPI's signature handling intact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.requests import Request

from authguard.fastapi import AuthGuardMiddleware, Protect
from authguard.settings import Settings
from authguard.starlette import protect

Headers = Callable[..., dict[str, str]]


def build(settings: Settings) -> FastAPI:
    app = FastAPI()
    app.add_middleware(AuthGuardMiddleware, settings=settings)

    @app.get("/decorated/{item}")
    @protect(role="org:admin")
    async def decorated(item: int, request: Request) -> dict[str, Any]:
        return {"item": item, "user_id": request.auth.user_id}

    @app.get("/decorated-sync/{item}")
    @protect(role="org:admin")
    def decorated_sync(item: int, request: Request) -> dict[str, Any]:
        return {"item": item, "user_id": request.auth.user_id}

    @app.get("/renamed/{item}")
    @protect(role="org:admin")
    async def renamed(item: int, req: Request) -> dict[str, Any]:
        return {"item": item, "user_id": req.auth.user_id}

    @app.get("/dependency/{item}", dependencies=[Protect(role="org:admin")])
    async def dependency(item: int, request: Request) -> dict[str, Any]:
        return {"item": item, "user_id": request.auth.user_id}

    return app


CLAIMS = {
    "admin": {"user_id": "user_a", "org_id": "org_1", "org_role": "org:admin"},
    "member": {"user_id": "user_m", "org_id": "org_1", "org_role": "org:member"},
}


@pytest.mark.parametrize("route", ["decorated", "decorated-sync", "renamed"])
@pytest.mark.parametrize("who", ["admin", "member", "anonymous"])
@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_decorator_answers_as_the_dependency(
    settings: Settings, bearer: Headers, route: str, who: str, accept: str
) -> None:
    client = TestClient(build(settings), follow_redirects=False)
    headers = bearer(**CLAIMS[who]) if who != "anonymous" else {}
    headers["accept"] = accept
    expected = client.get("/dependency/7", headers=headers)
    location = expected.headers.get("location")
    if location is not None:  # the return URL names the path asked for
        location = location.replace("dependency", route)
    for _ in range(2):  # the second request takes the middleware's express lane
        got = client.get(f"/{route}/7", headers=headers)
        assert got.status_code == expected.status_code
        assert got.content == expected.content
        assert got.headers.get("location") == location
        assert got.headers["vary"] == expected.headers["vary"]
    if who == "admin":
        assert got.json() == {"item": 7, "user_id": "user_a"}
    else:
        assert got.status_code in (401, 403, 307)


def test_fastapi_still_validates_parameters(settings: Settings, bearer: Headers) -> None:
    client = TestClient(build(settings))
    response = client.get("/decorated/not-a-number", headers=bearer(**CLAIMS["admin"]))
    assert response.status_code == 422
