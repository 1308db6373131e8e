"""``/v1/sessions`` on the dev server: read, revoke, and mint session tokens.

A session's ``client_id`` is a hash of the browser's client cookie, never the cookie itself.
``/tokens`` mints a session token (``expires_in_seconds`` is accepted, the dev token lifetime
is used); ``/tokens/{template}`` mints a JWT-template token from ``--jwt-template NAME=FILE``
(``authguard.dev.jwt_templates``), honouring ``expires_in_seconds``; an unknown template is a
404, as on Clerk.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from authguard.dev.bapi_http import backend, body, invalid, not_found, ordered, page, values
from authguard.dev.bapi_store import store_for
from authguard.dev.bapi_users import user_json
from authguard.dev.claims_template import user_context
from authguard.dev.directory import User
from authguard.dev.jwt_templates import LIFETIME_RANGE, valid_lifetime
from authguard.dev.routing import DevRequest, DevResponse, Router, json_response
from authguard.dev.sessions import Session

if TYPE_CHECKING:
    from authguard.dev.server import DevContext


def register(router: Router) -> None:
    router.route("GET", "/v1/sessions")(backend(list_sessions))
    router.route("GET", "/v1/sessions/{session_id}")(backend(get_session))
    router.route("POST", "/v1/sessions/{session_id}/revoke")(backend(revoke_session))
    router.route("POST", "/v1/sessions/{session_id}/tokens")(backend(create_token))
    router.route("POST", "/v1/sessions/{session_id}/tokens/{template}")(backend(template_token))


def _all(ctx: DevContext) -> list[tuple[str, Session]]:
    store = ctx.sessions
    with store._lock:
        return list(store._by_client.items())


def session_json(ctx: DevContext, client: str, session: Session, status: str) -> dict[str, Any]:
    started = session.signed_in_at * 1000
    user = ctx.directory.get_user(session.user_id)
    membership = ctx.directory.active_membership(user) if user is not None else None
    return {
        "object": "session", "id": session.id, "user_id": session.user_id,
        "client_id": "client_" + hashlib.sha256(client.encode()).hexdigest()[:24],
        "status": status, "last_active_at": started,
        "last_active_organization_id": membership.org.id if membership else None,
        "expire_at": started + 7 * 24 * 3600 * 1000, "abandon_at": started + 30 * 24 * 3600 * 1000,
        "created_at": started, "updated_at": started,
    }  # fmt: skip


def _find(ctx: DevContext, session_id: str) -> tuple[str, Session]:
    for client, session in _all(ctx):
        if session.id == session_id:
            return client, session
    raise not_found(f"session with id {session_id}")


def list_sessions(ctx: DevContext, request: DevRequest) -> DevResponse:
    users, statuses = set(values(request, "user_id")), set(values(request, "status"))
    items = [session_json(ctx, c, s, "active") for c, s in _all(ctx)]
    chosen = [i for i in items if (not users or i["user_id"] in users)
              and (not statuses or i["status"] in statuses)]  # fmt: skip
    wrapped = request.arg("paginated") == "true"
    return page(request, ordered(request, chosen), wrapped=wrapped)


def get_session(ctx: DevContext, request: DevRequest) -> DevResponse:
    client, session = _find(ctx, request.params["session_id"])
    return json_response(200, session_json(ctx, client, session, "active"))


def revoke_session(ctx: DevContext, request: DevRequest) -> DevResponse:
    client, session = _find(ctx, request.params["session_id"])
    ctx.sessions.sign_out(client)
    revoked = session_json(ctx, client, session, "revoked")
    ctx.emit("session.revoked", revoked, request)
    return json_response(200, revoked)


def create_token(ctx: DevContext, request: DevRequest) -> DevResponse:
    body(request)
    _, session = _find(ctx, request.params["session_id"])
    minted = ctx.minter.mint(session)
    if minted is None:
        raise not_found(f"user of session {session.id}")
    return json_response(200, {"object": "token", "jwt": minted.token})


def template_token(ctx: DevContext, request: DevRequest) -> DevResponse:
    data = body(request)
    _, session = _find(ctx, request.params["session_id"])
    template = ctx.jwt_templates.get(request.params["template"])
    if template is None:
        raise not_found(f"JWT template named {request.params['template']}")
    lifetime = data.get("expires_in_seconds")
    if lifetime is None:
        lifetime = template.lifetime
    elif not valid_lifetime(lifetime):
        low, high = LIFETIME_RANGE
        raise invalid("expires_in_seconds", f"must be whole seconds from {low} to {high}")

    def claims(user: User) -> dict[str, Any]:
        return template.claims.render(user_context(user_json(store_for(ctx), user)))

    token = ctx.minter.mint_template(session, claims, lifetime)
    if token is None:
        raise not_found(f"user of session {session.id}")
    return json_response(200, {"object": "token", "jwt": token})
