"""The ASGI apps under test: one-line endpoints, bare and behind each auth library."""

from __future__ import annotations

from typing import Any

import jwt
from fastapi import Depends, FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from authguard.fastapi import Protect
from authguard.settings import Settings
from authguard.starlette import AuthGuardMiddleware, protect
from benchmarks.common import KEY, ROLE


async def _ok(request: Request) -> Response:
    return PlainTextResponse("ok")


@protect(role=ROLE)
async def _protected(request: Request) -> Response:
    return PlainTextResponse("ok")


def starlette_bare() -> ASGIApp:
    return Starlette(routes=[Route("/", _ok)])


def starlette_authguard(settings: Settings) -> ASGIApp:
    middleware = [Middleware(AuthGuardMiddleware, settings=settings)]
    return Starlette(routes=[Route("/", _protected)], middleware=middleware)


def starlette_clerk_backend() -> ASGIApp:
    return ClerkBackendMiddleware(starlette_bare(), KEY.public_pem())


def fastapi_bare() -> ASGIApp:
    app = FastAPI()

    @app.get("/", response_class=PlainTextResponse)
    async def root() -> str:
        return "ok"

    return app


def fastapi_authguard(settings: Settings) -> ASGIApp:
    app = FastAPI(middleware=[Middleware(AuthGuardMiddleware, settings=settings)])

    @app.get("/", response_class=PlainTextResponse, dependencies=[Protect(role=ROLE)])
    async def root() -> str:
        return "ok"

    return app


def fastapi_authguard_decorator(settings: Settings) -> ASGIApp:
    """FastAPI with the middleware and ``@protect`` on the endpoint: no dependency to solve."""
    app = FastAPI(middleware=[Middleware(AuthGuardMiddleware, settings=settings)])

    @app.get("/", response_class=PlainTextResponse)
    @protect(role=ROLE)
    async def root(request: Request) -> str:
        return "ok"

    return app


def fastapi_clerk_auth(jwks_url: str) -> ASGIApp:
    from fastapi_clerk_auth import (  # type: ignore[import-untyped]
        ClerkConfig,
        ClerkHTTPBearer,
    )

    bearer = ClerkHTTPBearer(ClerkConfig(jwks_url=jwks_url))
    app = FastAPI()

    @app.get("/", response_class=PlainTextResponse)
    async def root(credentials: Any = Depends(bearer)) -> str:  # noqa: B008 -- FastAPI idiom
        return "ok"

    return app


class JwtDecodeOnly:
    """Not an app: ``jwt.decode`` (preloaded key) of the request's Bearer token, nothing else.

    Section 1 runs it interleaved with the apps, so the cold-path target divides two figures
    measured under the same load (the section 3 figure is measured minutes apart).
    """

    def __init__(self) -> None:
        self.key = KEY.public_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        for name, value in scope["headers"]:
            if name == b"authorization":
                jwt.decode(value[7:], self.key, algorithms=["RS256"])
                return
        raise RuntimeError("no Bearer token to decode")


class ClerkBackendMiddleware:
    """The official SDK's ``authenticate_request`` (networkless ``jwt_key``) as pure ASGI."""

    def __init__(self, app: ASGIApp, jwt_key: str) -> None:
        from clerk_backend_api.security.types import AuthenticateRequestOptions

        self.app = app
        self.options = AuthenticateRequestOptions(jwt_key=jwt_key)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from clerk_backend_api.security import authenticate_request

        if scope["type"] == "http":
            state = authenticate_request(Request(scope), self.options)
            if not state.is_signed_in:
                await PlainTextResponse("unauthorized", status_code=401)(scope, receive, send)
                return
            scope["auth"] = state.payload
        await self.app(scope, receive, send)
