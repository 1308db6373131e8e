"""The apps uvicorn serves in section 4 (``benchmarks.server_app:bare`` / ``:guarded``).

The guarded app reads its key from ``CLERK_JWT_KEY`` (set by the benchmark for the subprocess).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from authguard.settings import Settings
from authguard.starlette import AuthGuardMiddleware, protect


async def ok(request: Request) -> Response:
    return PlainTextResponse("ok")


@protect(role="org:admin")
async def protected(request: Request) -> Response:
    return PlainTextResponse("ok")


bare = Starlette(routes=[Route("/", ok)])
guarded = Starlette(
    routes=[Route("/", protected)],
    middleware=[Middleware(AuthGuardMiddleware, settings=Settings.from_env())],
)
