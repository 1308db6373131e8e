"""The Frontend API side of Clerk's handshake (SPEC §12), and the dev-browser endpoint.

``GET /v1/client/handshake`` reads the browser's client (the ``__dev_client`` cookie on this
host, else the dev-browser token in the query), builds the ``Set-Cookie`` directives for the
app's host and sends the browser back to ``redirect_url`` with a nonce (``format=nonce``) or a
signed ``__clerk_handshake`` token, both in the query as on Clerk's development instances.
``GET /v1/clients/handshake_payload`` (Backend API) trades a nonce for its directives, once.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from authguard.dev import pages
from authguard.dev.accounts import CLIENT_COOKIE, DEV_BROWSER_COOKIE, ONE_YEAR
from authguard.dev.bapi_http import has_secret_key, secret_key_refused
from authguard.dev.fapi_urls import NONCE_PARAM, TOKEN_PARAM, with_params
from authguard.dev.returns import app_origin_for, safe_return_url
from authguard.dev.routing import (
    DevRequest,
    DevResponse,
    Router,
    clerk_error,
    json_response,
    redirect,
    set_cookie,
)
from authguard.dev.sessions import Session
from authguard.testing import sign_jwt

if TYPE_CHECKING:
    from authguard.dev.server import DevContext

logger = logging.getLogger("authguard.dev")

HANDSHAKE_PATH = "/v1/client/handshake"
PAYLOAD_PATH = "/v1/clients/handshake_payload"


def register(router: Router) -> None:
    router.route("GET", HANDSHAKE_PATH)(handshake)
    router.route("GET", PAYLOAD_PATH)(handshake_payload)
    router.route("GET", "/v1/dev_browser")(dev_browser)
    router.route("POST", "/v1/dev_browser")(dev_browser)


def handshake(ctx: DevContext, request: DevRequest) -> DevResponse:
    """``GET /v1/client/handshake``: cookie directives for the app, back to ``redirect_url``."""
    redirect_url = safe_return_url(request.arg("redirect_url"), ctx.config.app_origins, "")
    if not redirect_url:
        text = (
            "The handshake's redirect_url is missing or not on one of this instance's app "
            "origins. Start `authguard dev` with --app-origin set to your app's origin."
        )
        return pages.page(400, "Handshake refused", pages.message_body(text, ctx.url))
    session, browser = resolve_client(ctx, request)
    suffixed = request.arg("suffixed_cookies") == "true"
    directives = signed_in_directives(ctx, session, redirect_url, suffixed) if session else None
    if directives is None:
        directives = signed_out_directives(ctx, suffixed)
    directives += browser_directives(ctx, browser, suffixed)
    logger.debug("dev server: handshake (%s)", request.arg("__clerk_hs_reason") or "no reason")
    if request.arg("format") == "nonce":
        param = (NONCE_PARAM, ctx.frontend.nonces.put(directives))
    else:
        param = (TOKEN_PARAM, handshake_token(ctx, directives))
    return redirect(with_params(redirect_url, [param]), status=307)


def resolve_client(ctx: DevContext, request: DevRequest) -> tuple[Session | None, str]:
    """The browser's active session (or None) and its dev-browser token.

    This host's own client cookie wins: the query's token may come from a crafted link.
    Without an active cookie client, the dev-browser token identifies the browser (the app
    and this server may share no cookies); an unknown token gets a fresh anonymous one.
    """
    cookie_client = request.cookie(CLIENT_COOKIE)
    session = ctx.sessions.active(cookie_client)
    if cookie_client is not None and session is not None:
        return session, ctx.frontend.browsers.for_client(cookie_client)
    token = request.arg(DEV_BROWSER_COOKIE)
    if token is not None and ctx.frontend.browsers.known(token):
        return ctx.sessions.active(ctx.frontend.browsers.client_of(token)), token
    return None, ctx.frontend.browsers.issue()


def signed_in_directives(
    ctx: DevContext, session: Session, redirect_url: str, suffixed: bool
) -> list[str] | None:
    """``__session`` and ``__client_uat`` for the app (None when the user is gone)."""
    azp = app_origin_for(redirect_url, ctx.config.app_origins)
    minted = ctx.minter.mint(dataclasses.replace(session, azp=azp))
    if minted is None:
        return None
    out = []
    for suffix in _suffixes(ctx, suffixed):
        out.append(set_cookie(f"__session{suffix}", minted.token))
        out.append(set_cookie(f"__client_uat{suffix}", str(minted.client_uat), max_age=ONE_YEAR))
    return out


def signed_out_directives(ctx: DevContext, suffixed: bool) -> list[str]:
    """Expire ``__session``; ``__client_uat=0`` (signed out) as ClerkJS writes it."""
    out = []
    for suffix in _suffixes(ctx, suffixed):
        out.append(set_cookie(f"__session{suffix}", "", max_age=0))
        out.append(set_cookie(f"__client_uat{suffix}", "0", max_age=ONE_YEAR))
    return out


def browser_directives(ctx: DevContext, token: str, suffixed: bool) -> list[str]:
    return [
        set_cookie(f"{DEV_BROWSER_COOKIE}{suffix}", token, max_age=ONE_YEAR)
        for suffix in _suffixes(ctx, suffixed)
    ]


def handshake_token(ctx: DevContext, directives: list[str]) -> str:
    """The legacy ``__clerk_handshake`` JWT: RS256 with the instance key, no expiry."""
    key = ctx.instance.key
    header = {"alg": "RS256", "kid": key.kid, "typ": "JWT"}
    return sign_jwt(key, header, {"handshake": directives})


def handshake_payload(ctx: DevContext, request: DevRequest) -> DevResponse:
    """``GET /v1/clients/handshake_payload?nonce=``: Backend API, Bearer secret key."""
    if not has_secret_key(ctx, request):
        return secret_key_refused()
    directives = ctx.frontend.nonces.take(request.arg("nonce") or "")
    if directives is None:
        return clerk_error(
            404,
            "resource_not_found",
            "Not found",
            "No handshake payload for this nonce: it is unknown, used or expired.",
        )
    return json_response(200, {"directives": directives})


def dev_browser(ctx: DevContext, request: DevRequest) -> DevResponse:
    """``/v1/dev_browser``: a dev-browser token for this browser (its client, if signed in)."""
    client = request.cookie(CLIENT_COOKIE)
    if client is not None and ctx.sessions.active(client) is not None:
        token = ctx.frontend.browsers.for_client(client)
    else:
        token = ctx.frontend.browsers.issue()
    response = json_response(200, {"object": "dev_browser", "id": token, "token": token})
    for header in browser_directives(ctx, token, suffixed=True):
        response.header("Set-Cookie", header)
    return response


def _suffixes(ctx: DevContext, suffixed: bool) -> tuple[str, ...]:
    return ("", f"_{ctx.cookie_suffix}") if suffixed else ("",)
