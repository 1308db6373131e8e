"""authguard.fastapi dependencies, with and without AuthGuardMiddleware."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, FastAPI, Security
from fastapi.testclient import TestClient
from starlette.requests import Request
from starlette.responses import PlainTextResponse

from authguard.auth import Auth
from authguard.fastapi import (
    AuthGuardHTTPException,
    AuthGuardMiddleware,
    CurrentAuth,
    Protect,
    get_auth,
    require_auth,
)
from authguard.integrations import fastapi as fastapi_adapter
from authguard.settings import Settings

API = {"accept": "application/json"}
Headers = Callable[..., dict[str, str]]


def build(settings: Settings | None) -> FastAPI:
    app = FastAPI()
    if settings is not None:
        app.add_middleware(AuthGuardMiddleware, settings=settings)

    @app.get("/me")
    async def me(auth: CurrentAuth) -> dict[str, Any]:
        return {"user_id": auth.user_id, "signed_in": auth.is_signed_in}

    @app.get("/admin", dependencies=[Protect(role="org:admin")])
    def admin(auth: CurrentAuth) -> dict[str, Any]:  # a sync endpoint
        return {"user_id": auth.user_id}

    @app.post("/admin")
    async def admin_post(
        auth: Annotated[Auth, Depends(require_auth(role="org:admin"))],
    ) -> dict[str, Any]:
        return {"user_id": auth.user_id}

    @app.get("/security")
    async def security(
        auth: Annotated[Auth, Security(require_auth(permission="org:memberships:manage"))],
    ) -> dict[str, Any]:
        return {"user_id": auth.user_id}

    router = APIRouter(prefix="/team", dependencies=[Protect()])

    @router.get("/list")
    async def team() -> dict[str, str]:
        return {"team": "ok"}

    app.include_router(router)
    return app


@pytest.fixture(params=["middleware", "no-middleware"])
def client(request: pytest.FixtureRequest, settings: Settings) -> TestClient:
    if request.param == "middleware":
        return TestClient(build(settings), follow_redirects=False)
    request.getfixturevalue("env")
    return TestClient(build(None), follow_redirects=False)


ADMIN = {"user_id": "user_admin", "org_id": "org_1", "org_role": "org:admin"}
MANAGER = {**ADMIN, "org_permissions": ["org:memberships:manage"]}
MEMBER = {"user_id": "user_member", "org_id": "org_1", "org_role": "org:member"}


@pytest.mark.parametrize(
    ("method", "path", "claims", "status", "body"),
    [
        ("GET", "/me", None, 200, {"user_id": None, "signed_in": False}),
        ("GET", "/me", ADMIN, 200, {"user_id": "user_admin", "signed_in": True}),
        ("GET", "/admin", ADMIN, 200, {"user_id": "user_admin"}),
        ("POST", "/admin", ADMIN, 200, {"user_id": "user_admin"}),
        ("GET", "/security", MANAGER, 200, {"user_id": "user_admin"}),
        ("GET", "/team/list", MEMBER, 200, {"team": "ok"}),
        ("GET", "/admin", MEMBER, 403, {"error": "forbidden"}),
        ("POST", "/admin", MEMBER, 403, {"error": "forbidden"}),
        ("GET", "/security", ADMIN, 403, {"error": "forbidden"}),
        (
            "GET",
            "/admin",
            None,
            401,
            {"error": "unauthenticated", "reason": "session-token-and-uat-missing"},
        ),
        (
            "GET",
            "/team/list",
            None,
            401,
            {"error": "unauthenticated", "reason": "session-token-and-uat-missing"},
        ),
    ],
)
def test_exact_answers_with_and_without_middleware(
    client: TestClient,
    bearer: Headers,
    method: str,
    path: str,
    claims: dict[str, Any] | None,
    status: int,
    body: dict[str, Any],
) -> None:
    headers = bearer(**claims) if claims else API
    response = client.request(method, path, headers=headers)
    assert (response.status_code, response.json()) == (status, body)
    assert response.headers["vary"] == "Authorization, Cookie"
    if status == 403:
        assert response.headers["www-authenticate"] == 'Bearer error="insufficient_scope"'
    if status == 401:
        assert response.headers["www-authenticate"] == 'Bearer realm="authguard"'
        assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(("method", "status"), [("GET", 307), ("POST", 303)])
def test_page_redirects_to_sign_in(client: TestClient, method: str, status: int) -> None:
    response = client.request(method, "/admin", headers={"accept": "text/html"})
    assert response.status_code == status
    assert response.headers["location"].startswith(
        "https://foo-bar-13.accounts.dev/sign-in?redirect_url=http%3A%2F%2Ftestserver%2Fadmin"
    )


def test_without_middleware_authenticates_once_per_request(
    env: None, bearer: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    guard = fastapi_adapter.fallback_guard()
    calls: list[str] = []
    original = guard.aauthenticate

    async def counting(info: Any) -> Any:
        calls.append(info.path)
        return await original(info)

    monkeypatch.setattr(guard, "aauthenticate", counting)
    app = FastAPI()

    @app.get("/", dependencies=[Protect(), Protect(role="org:admin")])
    async def index(auth: CurrentAuth, again: Annotated[Auth, Depends(get_auth)]) -> bool:
        return auth is again

    client = TestClient(app)
    assert client.get("/", headers=bearer(**ADMIN)).json() is True
    assert calls == ["/"]
    assert client.get("/", headers=bearer(**ADMIN)).status_code == 200
    assert calls == ["/", "/"]


def test_your_own_exception_handler_wins(env: None) -> None:
    async def mine(request: Request, exc: Exception) -> PlainTextResponse:
        return PlainTextResponse("custom", status_code=exc.decision.status)  # type: ignore[attr-defined]

    app = FastAPI(exception_handlers={AuthGuardHTTPException: mine})

    @app.get("/", dependencies=[Protect()])
    async def index() -> str:
        return "never"

    response = TestClient(app).get("/", headers=API)
    assert (response.status_code, response.text) == (401, "custom")


def test_middleware_failures_rendered_by_middleware(settings: Settings) -> None:
    app = build(settings)
    assert AuthGuardHTTPException not in app.exception_handlers
    response = TestClient(app).get("/admin", headers=API)
    assert response.status_code == 401
    assert AuthGuardHTTPException not in app.exception_handlers


def test_openapi_declares_bearer_and_cookie(settings: Settings) -> None:
    schema = TestClient(build(settings)).get("/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["ClerkBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A Clerk session token.",
    }
    assert schemes["ClerkSessionCookie"]["in"] == "cookie"
    assert schemes["ClerkSessionCookie"]["name"] == "__session"
    security = schema["paths"]["/admin"]["get"]["security"]
    assert {"ClerkBearer": []} in security
    assert {"ClerkSessionCookie": []} in security


def test_preflight_not_refused(client: TestClient) -> None:
    @client.app.options("/admin", dependencies=[Protect(role="org:admin")])  # type: ignore[attr-defined]
    async def preflight() -> str:
        return "preflight"

    headers = {"origin": "https://app.example", "access-control-request-method": "GET"}
    assert client.options("/admin", headers=headers).json() == "preflight"
