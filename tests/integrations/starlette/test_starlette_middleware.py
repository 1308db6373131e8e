"""AuthGuardMiddleware through Starlette's TestClient: handlers, scope, headers, skip, mounts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.authentication import requires
from starlette.background import BackgroundTask
from starlette.endpoints import HTTPEndpoint
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from authguard.auth import Auth
from authguard.exceptions import ConfigurationError
from authguard.settings import Settings
from authguard.starlette import AuthGuardMiddleware, AuthGuardUser, protect

API = {"accept": "application/json"}


async def whoami(request: Request) -> JSONResponse:
    user = request.user
    return JSONResponse(
        {
            "user_id": request.auth.user_id,
            "is_authenticated": user.is_authenticated,
            "identity": user.identity,
            "display_name": user.display_name,
            "is_user": isinstance(user, AuthGuardUser),
            "scopes": request.auth.scopes,
        }
    )


def client(routes: list[Any], settings: Settings, **options: Any) -> TestClient:
    middleware = [Middleware(AuthGuardMiddleware, settings=settings, **options)]
    app = Starlette(routes=routes, middleware=middleware)
    return TestClient(app, follow_redirects=False)


def test_scope_auth_and_user(settings: Settings, admin_headers: dict[str, str]) -> None:
    c = client([Route("/", whoami)], settings)
    signed_in = c.get("/", headers=admin_headers).json()
    assert signed_in == {
        "user_id": "user_admin",
        "is_authenticated": True,
        "identity": "user_admin",
        "display_name": "user_admin",
        "is_user": True,
        "scopes": ["authenticated", "org:admin"],
    }
    signed_out = c.get("/").json()
    assert signed_out["is_authenticated"] is False
    assert signed_out["scopes"] == []


def _deny_members_sync(auth: Auth, request: Request) -> Response | None:
    if request.url.path.startswith("/admin"):
        auth.protect(role="org:admin")
    if request.url.path == "/teapot":
        return PlainTextResponse("short-circuit", status_code=418)
    return None


async def _deny_members_async(auth: Auth, request: Request) -> Response | None:
    return _deny_members_sync(auth, request)


@pytest.mark.parametrize("handler", [_deny_members_sync, _deny_members_async])
@pytest.mark.parametrize(
    ("path", "who", "status"),
    [
        ("/admin", "admin", 200),
        ("/admin", "member", 403),
        ("/admin", None, 401),
        ("/teapot", None, 418),
        ("/open", None, 200),
    ],
)
def test_handler_sync_and_async(
    settings: Settings,
    handler: Callable[..., Any],
    path: str,
    who: str | None,
    status: int,
    request: pytest.FixtureRequest,
) -> None:
    routes = [Route(p, whoami) for p in ("/admin", "/teapot", "/open")]
    headers = request.getfixturevalue(f"{who}_headers") if who else API
    response = client(routes, settings, handler=handler).get(path, headers=headers)
    assert response.status_code == status
    assert "Authorization" in response.headers["vary"]


@pytest.mark.parametrize("handler", [_deny_members_sync, _deny_members_async])
def test_handler_skipped_for_public_routes(settings: Settings, handler: Callable[..., Any]) -> None:
    c = client([Route("/admin", whoami)], settings, handler=handler, public_routes=["/admin"])
    assert c.get("/admin", headers=API).status_code == 200


@protect(role="org:admin")
async def admin_async(request: Request) -> PlainTextResponse:
    return PlainTextResponse("async " + request.auth.user_id)


@protect(role="org:admin")
def admin_sync(request: Request) -> PlainTextResponse:
    return PlainTextResponse("sync " + request.auth.user_id)


@protect
async def bare(request: Request) -> PlainTextResponse:
    return PlainTextResponse("bare " + request.auth.user_id)


class AdminEndpoint(HTTPEndpoint):
    @protect(role="org:admin")
    async def get(self, request: Request) -> PlainTextResponse:
        return PlainTextResponse("endpoint " + request.auth.user_id)

    @protect(role="org:admin")
    def post(self, request: Request) -> PlainTextResponse:
        return PlainTextResponse("endpoint-sync " + request.auth.user_id)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/async", "async user_admin"),
        ("GET", "/sync", "sync user_admin"),
        ("GET", "/bare", "bare user_admin"),
        ("GET", "/endpoint", "endpoint user_admin"),
        ("POST", "/endpoint", "endpoint-sync user_admin"),
    ],
)
def test_protect_decorator(
    settings: Settings,
    admin_headers: dict[str, str],
    member_headers: dict[str, str],
    method: str,
    path: str,
    body: str,
) -> None:
    routes = [
        Route("/async", admin_async),
        Route("/sync", admin_sync),
        Route("/bare", bare),
        Route("/endpoint", AdminEndpoint),
    ]
    c = client(routes, settings)
    assert c.request(method, path, headers=admin_headers).text == body
    assert c.request(method, path, headers=API).status_code == 401
    expected_member = 200 if path == "/bare" else 403
    assert c.request(method, path, headers=member_headers).status_code == expected_member


def test_protect_without_middleware_says_what_to_do() -> None:
    app = Starlette(routes=[Route("/", admin_async)])
    with pytest.raises(ConfigurationError, match="AuthGuardMiddleware"):
        TestClient(app).get("/")


def test_protect_positional_arguments_rejected() -> None:
    with pytest.raises(TypeError):
        protect("org:admin")


def test_skip_means_not_authenticated(settings: Settings, admin_headers: dict[str, str]) -> None:
    async def raw(request: Request) -> JSONResponse:
        return JSONResponse({"auth": "auth" in request.scope})

    routes = [Route("/static/app.js", raw), Route("/static/x", admin_async)]
    c = client(routes, settings, skip=["/static(.*)"], public_routes=[])
    answer = c.get("/static/app.js", headers=admin_headers)
    assert answer.json() == {"auth": False}
    assert "vary" not in answer.headers
    with pytest.raises(ConfigurationError, match="skip"):
        c.get("/static/x", headers=admin_headers)


@pytest.mark.parametrize(
    ("scopes", "who", "status"),
    [
        ("authenticated", "member", 200),
        ("authenticated", None, 403),
        ("org:admin", "admin", 200),
        ("org:admin", "member", 403),
    ],
)
def test_starlette_requires(
    settings: Settings, scopes: str, who: str | None, status: int, request: pytest.FixtureRequest
) -> None:
    @requires(scopes)
    async def guarded(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    headers = request.getfixturevalue(f"{who}_headers") if who else API
    assert client([Route("/", guarded)], settings).get("/", headers=headers).status_code == status


def test_vary_merged_and_cookies_kept_separate(
    settings: Settings, admin_headers: dict[str, str]
) -> None:
    async def cookies(request: Request) -> PlainTextResponse:
        response = PlainTextResponse("ok", headers={"vary": "Accept-Encoding"})
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        return response

    debug = Settings(**{**settings.__dict__, "debug": True})
    answer = client([Route("/", cookies)], debug).get("/", headers=admin_headers)
    raw = [(k.decode(), v.decode()) for k, v in answer.headers.raw]
    assert [v for k, v in raw if k == "vary"] == ["Accept-Encoding, Authorization, Cookie"]
    assert len([v for k, v in raw if k == "set-cookie"]) == 2
    assert answer.headers["x-clerk-auth-status"] == "signed-in"


def test_failure_after_response_started_is_not_rendered(settings: Settings) -> None:
    async def late(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        scope["auth"].protect()

    from authguard.exceptions import Unauthenticated

    app = AuthGuardMiddleware(late, settings=settings)
    with pytest.raises(Unauthenticated):
        TestClient(app).get("/")


def test_body_left_for_the_endpoint(settings: Settings, admin_headers: dict[str, str]) -> None:
    @protect
    async def echo(request: Request) -> PlainTextResponse:
        return PlainTextResponse((await request.body()).decode())

    c = client([Route("/", echo, methods=["POST"])], settings)
    assert c.post("/", content=b"payload", headers=admin_headers).text == "payload"


def test_background_task_runs(settings: Settings, admin_headers: dict[str, str]) -> None:
    ran: list[str] = []

    @protect
    async def later(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok", background=BackgroundTask(ran.append, request.auth.user_id))

    answer = client([Route("/", later)], settings).get("/", headers=admin_headers)
    assert answer.text == "ok"
    assert ran == ["user_admin"]


def test_mounted_sub_app_matches_route_path(
    settings: Settings, admin_headers: dict[str, str]
) -> None:
    sub = Starlette(
        routes=[Route("/", whoami), Route("/private", whoami)],
        middleware=[Middleware(AuthGuardMiddleware, settings=settings, public_routes=["/"])],
    )
    c = TestClient(Starlette(routes=[Mount("/api", app=sub)]), follow_redirects=False)
    assert c.get("/api/", headers=API).status_code == 200
    assert c.get("/api/private", headers=API).status_code == 401
    assert c.get("/api/private", headers=admin_headers).status_code == 200
    page = c.get("/api/private", headers={"accept": "text/html"})
    assert page.status_code == 307
    assert "redirect_url=http%3A%2F%2Ftestserver%2Fapi%2Fprivate" in page.headers["location"]


def test_root_path_is_not_matched(settings: Settings) -> None:
    app = Starlette(
        routes=[Route("/", whoami)],
        middleware=[Middleware(AuthGuardMiddleware, settings=settings, public_routes=["/"])],
    )
    c = TestClient(app, root_path="/prefix")
    assert c.get("/prefix/", headers=API).status_code == 200


def test_lifespan_passes_through(settings: Settings) -> None:
    events: list[str] = []

    async def lifespan(app: Starlette) -> Any:
        events.append("startup")
        yield
        events.append("shutdown")

    from contextlib import asynccontextmanager

    app = Starlette(
        routes=[Route("/", whoami)],
        middleware=[Middleware(AuthGuardMiddleware, settings=settings)],
        lifespan=asynccontextmanager(lifespan),
    )
    with TestClient(app) as c:
        assert c.get("/").status_code == 200
    assert events == ["startup", "shutdown"]
