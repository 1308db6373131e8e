"""JSON endpoints: the key set, the token refresh, and the page script that calls it."""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING

from authguard.dev.accounts import (
    CLIENT_COOKIE,
    clear_session_cookies,
    session_cookies,
)
from authguard.dev.bapi_http import has_secret_key, secret_key_refused
from authguard.dev.routing import (
    DevRequest,
    DevResponse,
    Router,
    clerk_error,
    json_response,
)
from authguard.testing import jwks

if TYPE_CHECKING:
    from authguard.dev.server import DevContext

REFRESH_PATH = "/v1/client/refresh"


def register(router: Router) -> None:
    router.route("GET", "/v1/jwks")(backend_jwks)
    router.route("GET", "/.well-known/jwks.json")(public_jwks)
    router.route("POST", REFRESH_PATH)(refresh)
    router.route("OPTIONS", REFRESH_PATH)(refresh_preflight)
    router.route("GET", "/authguard-dev.js")(script)


def backend_jwks(ctx: DevContext, request: DevRequest) -> DevResponse:
    """``GET /v1/jwks``: Backend API, needs ``Authorization: Bearer <secret key>``."""
    if not has_secret_key(ctx, request):
        return secret_key_refused()
    return json_response(200, jwks(ctx.instance.key))


def public_jwks(ctx: DevContext, request: DevRequest) -> DevResponse:
    response = json_response(200, jwks(ctx.instance.key))
    return response.header("Access-Control-Allow-Origin", "*")


def refresh(ctx: DevContext, request: DevRequest) -> DevResponse:
    """Re-mint the token of the client's active session (``POST /v1/client/refresh``)."""
    origin = request.headers.get("origin")
    if origin is not None and origin not in _cors_origins(ctx):
        return clerk_error(
            403, "origin_invalid", "Origin not allowed", "Add the app's origin with --app-origin."
        )
    session = ctx.sessions.active(request.cookie(CLIENT_COOKIE))
    minted = ctx.minter.mint(session) if session is not None else None
    if minted is None:
        response = clerk_error(
            401, "signed_out", "Signed out", "This client has no active session; sign in again."
        )
        for header in clear_session_cookies(ctx):
            response.header("Set-Cookie", header)
    else:
        response = json_response(
            200,
            {"object": "token", "jwt": minted.token, "client_uat": minted.client_uat},
        )
        for header in session_cookies(ctx, minted.token, minted.client_uat):
            response.header("Set-Cookie", header)
    return _with_cors(response, origin)


def refresh_preflight(ctx: DevContext, request: DevRequest) -> DevResponse:
    origin = request.headers.get("origin")
    if origin is None or origin not in _cors_origins(ctx):
        return DevResponse(403).header("Vary", "Origin")
    response = DevResponse(204).header("Access-Control-Allow-Methods", "POST")
    return _with_cors(response.header("Access-Control-Max-Age", "600"), origin)


def script(ctx: DevContext, request: DevRequest) -> DevResponse:
    suffixed = ctx.cookie_suffix
    config = {
        "refreshUrl": ctx.url + REFRESH_PATH,
        "intervalMs": ctx.config.token_ttl * 500,
        "sessionCookies": ["__session", f"__session_{suffixed}"],
        "uatCookies": ["__client_uat", f"__client_uat_{suffixed}"],
    }
    source = resources.files("authguard.dev").joinpath("static/authguard-dev.js").read_text()
    # The config is our own JSON; "<" is escaped so it can never close a <script> element.
    literal = json.dumps(config).replace("<", "\\u003c")
    body = source.replace("__AUTHGUARD_DEV_CONFIG__", literal).encode()
    response = DevResponse(200, body).header("Content-Type", "text/javascript; charset=utf-8")
    return response.header("Cache-Control", "no-store")


def _cors_origins(ctx: DevContext) -> tuple[str, ...]:
    return ctx.config.app_origins + ctx.own_origins


def _with_cors(response: DevResponse, origin: str | None) -> DevResponse:
    response.header("Vary", "Origin")
    if origin is not None:
        response.header("Access-Control-Allow-Origin", origin)
        response.header("Access-Control-Allow-Credentials", "true")
    return response
