"""Reference apps that are not auth libraries: what the least possible work costs.

They answer "how close to the floor is authguard?" for the two targets this machine cannot
meet, measured in the same interleaved rounds as everything else (section 1):

- ``starlette_floor``: a pure-ASGI middleware doing only what any correct repeated-token check
  must do per request: find the one ``Authorization`` header, decode it, look the token up in
  a dict of already-verified tokens, check ``exp``, put the claims in the scope, wrap ``send``
  to add ``Vary``; the endpoint checks the role. No RequestInfo, no Auth object, no user, no
  redirect support, no error rendering: it is not a usable library, only a lower bound.
- ``fastapi_floor``: FastAPI with one no-op dependency of the same shape as ``Protect``
  (``HTTPConnection`` and ``Response`` parameters, one security sub-dependency): what FastAPI's
  own dependency solving costs, before any auth work.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Response, Security
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from authguard.integrations.fastapi import _cookie_documented
from benchmarks.common import ROLE

Endpoint = Callable[[Request], Awaitable[Response]]
_VARY = (b"vary", b"Authorization, Cookie")


class MinimalAuth:
    """The floor middleware (see the module docstring); ``verified`` maps token → claims."""

    def __init__(self, app: ASGIApp, verified: dict[str, dict[str, Any]]) -> None:
        self.app = app
        self.verified = verified

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        value = None
        for name, raw in scope["headers"]:
            if name == b"authorization":
                value = raw.decode("latin-1")
        claims = self.verified.get(value[7:]) if value and value[:7] == "Bearer " else None
        if claims is not None and time.time() < claims["exp"]:
            scope["auth"] = claims

        async def vary_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), _VARY]}
            await send(message)

        await self.app(scope, receive, vary_send)


def _role_required(endpoint: Endpoint) -> Endpoint:
    @functools.wraps(endpoint)
    async def wrapper(request: Request) -> Response:
        claims = request.scope.get("auth")
        if claims is None or claims["role"] != ROLE:
            return PlainTextResponse("forbidden", status_code=403)
        return await endpoint(request)

    return wrapper


@_role_required
async def _protected(request: Request) -> Response:
    return PlainTextResponse("ok")


def starlette_floor(token: str) -> ASGIApp:
    verified = {token: {"role": ROLE, "exp": time.time() + 3600}}
    middleware = [Middleware(MinimalAuth, verified=verified)]
    return Starlette(routes=[Route("/", _protected)], middleware=middleware)


async def _noop(
    conn: HTTPConnection,
    response: Response,
    _cookie: Annotated[None, Security(_cookie_documented)] = None,
) -> None:
    return None


def fastapi_floor() -> ASGIApp:
    app = FastAPI()

    @app.get("/", response_class=PlainTextResponse, dependencies=[Depends(_noop)])
    async def root() -> str:
        return "ok"

    return app
