"""The conformance app on Starlette (``AuthGuardMiddleware`` + ``authguard.starlette.protect``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import Response
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from authguard.settings import Settings
from authguard.starlette import AuthGuardMiddleware, protect

METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"]
PUBLIC = ["/", "/public(.*)"]
PROTECTED: dict[str, dict[str, Any]] = {
    "/signed-in": {},
    "/admin": {"role": "org:admin"},
    "/perm": {"permission": "org:memberships:manage"},
    "/reverify": {"reverification": "strict"},
    "/custom": {"role": "org:admin", "unauthenticated_url": "/login", "unauthorized_url": "/nope"},
}


async def show(request: Request) -> JSONResponse:
    auth = request.scope["auth"]
    return JSONResponse({"user_id": auth.user_id, "org_role": auth.org_role})


async def to_sign_in(request: Request) -> JSONResponse:
    request.scope["auth"].redirect_to_sign_in()


def build_app(settings: Settings, mode: str) -> Starlette:
    wrap: Callable[[dict[str, Any]], Any] = (
        (lambda kw: protect(**kw)(show)) if mode == "decorators" else (lambda kw: show)
    )
    routes = [Route("/", show, methods=METHODS), Route("/public", show, methods=METHODS)]
    routes += [Route(path, wrap(kw), methods=METHODS) for path, kw in PROTECTED.items()]
    routes.append(Route("/to-sign-in", to_sign_in, methods=METHODS))
    public = PUBLIC if mode == "public_routes" else None
    middleware = [Middleware(AuthGuardMiddleware, settings=settings, public_routes=public)]
    return Starlette(routes=routes, middleware=middleware)


class TestClientAdapter:
    """``AdapterClient`` over any ASGI app, through Starlette's TestClient."""

    def __init__(self, app: Any) -> None:
        self.client = TestClient(app, follow_redirects=False)

    def request(self, method: str, path: str, headers: list[tuple[str, str]]) -> Response:
        answer = self.client.request(method, path, headers=headers)
        pairs = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in answer.headers.raw]
        return Response(answer.status_code, pairs, answer.content)


def make_client(settings: Settings, mode: str) -> TestClientAdapter:
    return TestClientAdapter(build_app(settings, mode))
