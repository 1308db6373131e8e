"""The app the load test runs under uvicorn in a subprocess (settings from the environment)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from authguard.settings import Settings
from authguard.starlette import AuthGuardMiddleware, protect


@protect
async def me(request: Request) -> PlainTextResponse:
    return PlainTextResponse(request.scope["auth"].user_id)


async def health(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


app = Starlette(
    routes=[Route("/me", me), Route("/health", health)],
    middleware=[Middleware(AuthGuardMiddleware, settings=Settings.from_env(), skip=["/health"])],
)
