"""The pages: landing, sign-in, sign-up and sign-out (the Account Portal of the dev instance)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING

from authguard.dev import pages
from authguard.dev.config import DevConfigError
from authguard.dev.directory import User
from authguard.dev.fapi_urls import DEV_BROWSER_PARAM, other_host, with_params
from authguard.dev.returns import app_origin_for, safe_return_url
from authguard.dev.routing import DevRequest, DevResponse, Router, redirect, set_cookie
from authguard.dev.webhook_emit import session_event, user_event

if TYPE_CHECKING:
    from authguard.dev.server import DevContext

CLIENT_COOKIE = "__dev_client"
DEV_BROWSER_COOKIE = "__clerk_db_jwt"
ONE_YEAR = 365 * 24 * 3600


def register(router: Router) -> None:
    router.route("GET", "/")(landing)
    router.route("GET", "/sign-in")(sign_in_page)
    router.route("POST", "/sign-in")(sign_in)
    router.route("GET", "/sign-up")(sign_up_page)
    router.route("POST", "/sign-up")(sign_up)
    router.route("GET", "/sign-out")(sign_out)
    router.route("POST", "/sign-out")(sign_out)


def landing(ctx: DevContext, request: DevRequest) -> DevResponse:
    hidden = "(printed in the terminal running `authguard dev`)"
    body = pages.landing_body(ctx.environment(), ctx.url, hidden)
    return pages.page(200, "authguard dev", body)


def sign_in_page(ctx: DevContext, request: DevRequest) -> DevResponse:
    return_url = _return_url(ctx, request.arg("redirect_url"))
    rows = [(user.id, user.display_name, _describe(ctx, user)) for user in ctx.directory.users()]
    body = pages.sign_in_body(rows, return_url, ctx.form_token)
    return pages.page(200, "Sign in", body, form_targets=ctx.config.app_origins)


def sign_in(ctx: DevContext, request: DevRequest) -> DevResponse:
    form = request.form()
    if not _form_token_ok(ctx, form):
        return _refused(ctx)
    user = ctx.directory.get_user(form.get("user_id", ""))
    if user is None:
        body = pages.message_body("No such user. Go back and pick one from the list.", ctx.url)
        return pages.page(400, "Unknown user", body)
    return _start_session(ctx, request, user, _return_url(ctx, form.get("redirect_url")))


def sign_up_page(ctx: DevContext, request: DevRequest) -> DevResponse:
    body = pages.sign_up_body(_return_url(ctx, request.arg("redirect_url")), ctx.form_token)
    return pages.page(200, "Sign up", body, form_targets=ctx.config.app_origins)


def sign_up(ctx: DevContext, request: DevRequest) -> DevResponse:
    form = request.form()
    if not _form_token_ok(ctx, form):
        return _refused(ctx)
    return_url = _return_url(ctx, form.get("redirect_url"))
    email, first_name = form.get("email", ""), form.get("first_name", "").strip()[:100]
    try:
        user = ctx.directory.add_user(email, first_name)
    except DevConfigError as exc:
        body = pages.sign_up_body(
            return_url, ctx.form_token, error=str(exc), email=email, first_name=first_name
        )
        return pages.page(400, "Sign up", body, form_targets=ctx.config.app_origins)
    user_event(ctx, "user.created", user, request)
    return _start_session(ctx, request, user, return_url)


def sign_out(ctx: DevContext, request: DevRequest) -> DevResponse:
    raw = request.form().get("redirect_url") if request.method == "POST" else None
    return_url = _return_url(ctx, raw or request.arg("redirect_url"))
    client = request.cookie(CLIENT_COOKIE)
    signed_out = ctx.sessions.sign_out(client)
    if client and signed_out:
        session_event(ctx, "session.ended", client, signed_out, request)
    browsers = ctx.frontend.browsers

    def browser() -> str:
        return browsers.for_client(client) if client and signed_out else browsers.issue()

    response = redirect(_back_to_app(ctx, return_url, browser))
    for header in clear_session_cookies(ctx):
        response.header("Set-Cookie", header)
    return response


def session_cookies(ctx: DevContext, token: str, client_uat: int) -> list[str]:
    """``__session``/``__client_uat``, plain and suffixed, as ClerkJS sets them."""
    out = []
    for suffix in ("", f"_{ctx.cookie_suffix}"):
        # __session is readable by scripts in ClerkJS too (parity); it lives 60 seconds anyway.
        out.append(set_cookie(f"__session{suffix}", token))
        out.append(set_cookie(f"__client_uat{suffix}", str(client_uat), max_age=ONE_YEAR))
    return out


def clear_session_cookies(ctx: DevContext) -> list[str]:
    out = [set_cookie(CLIENT_COOKIE, "", max_age=0, http_only=True)]
    for suffix in ("", f"_{ctx.cookie_suffix}"):
        out.append(set_cookie(f"__session{suffix}", "", max_age=0))
        out.append(set_cookie(f"__client_uat{suffix}", "0", max_age=0))
    return out


def _start_session(
    ctx: DevContext, request: DevRequest, user: User, return_url: str
) -> DevResponse:
    azp = app_origin_for(return_url, ctx.config.app_origins)
    previous = request.cookie(CLIENT_COOKIE)
    replaced = ctx.sessions.active(previous)
    client_id, session = ctx.sessions.sign_in(previous, user, azp)
    if previous and replaced is not None:
        session_event(ctx, "session.ended", previous, replaced, request)
    session_event(ctx, "session.created", client_id, session, request)
    minted = ctx.minter.mint(session)
    if minted is None:  # the user was just looked up; only a concurrent removal gets here
        return _refused(ctx)
    browser, fresh = _dev_browser(ctx, request, previous, client_id)
    response = redirect(_back_to_app(ctx, return_url, lambda: browser))
    response.header(
        "Set-Cookie", set_cookie(CLIENT_COOKIE, client_id, max_age=ONE_YEAR, http_only=True)
    )
    for header in session_cookies(ctx, minted.token, minted.client_uat):
        response.header("Set-Cookie", header)
    if fresh:
        # Development instances expect a dev-browser token (SPEC §12); it outlives sign-outs.
        for suffix in ("", f"_{ctx.cookie_suffix}"):
            cookie = set_cookie(f"{DEV_BROWSER_COOKIE}{suffix}", browser, max_age=ONE_YEAR)
            response.header("Set-Cookie", cookie)
    return response


def _dev_browser(
    ctx: DevContext, request: DevRequest, previous: str | None, client_id: str
) -> tuple[str, bool]:
    """The browser's dev-browser token, now bound to ``client_id``; True when newly issued.

    The existing token is kept only when it belonged to this browser's previous client (both
    cookies set by us), so a planted token cannot be bound to someone else's session.
    """
    existing = request.cookie(DEV_BROWSER_COOKIE)
    browsers = ctx.frontend.browsers
    if existing and previous and browsers.client_of(existing) == previous:
        browsers.rebind(existing, client_id)
        return existing, False
    return browsers.issue(client_id), True


def _back_to_app(ctx: DevContext, return_url: str, browser: Callable[[], str]) -> str:
    """An app on another host gets the dev-browser token in the query, as Clerk's Account
    Portal does on development instances: the app then syncs through the handshake."""
    if not other_host(return_url, ctx.url):
        return return_url
    return with_params(return_url, [(DEV_BROWSER_PARAM, browser())])


def _return_url(ctx: DevContext, raw: str | None) -> str:
    return safe_return_url(raw, ctx.trusted_return_origins, f"{ctx.url}/")


def _form_token_ok(ctx: DevContext, form: dict[str, str]) -> bool:
    return hmac.compare_digest(form.get("form_token", "").encode(), ctx.form_token.encode())


def _refused(ctx: DevContext) -> DevResponse:
    text = "This form has expired (the dev server restarted). Go back, reload and try again."
    return pages.page(403, "Form expired", pages.message_body(text, ctx.url))


def _describe(ctx: DevContext, user: User) -> str:
    membership = ctx.directory.active_membership(user)
    where = f"{membership.role} in {membership.org.name}" if membership else "no organization"
    pending = " · pending session task" if user.pending else ""
    return f"{user.email} · {where}{pending}"
