"""Webhook events of the account pages (sign-up, sign-in, sign-out).

The ``data`` of each event is the same JSON the dev server's Backend API answers with (its
``user_json``/``session_json``), as Clerk's webhooks carry the API shapes; the Backend API
handlers call ``ctx.emit`` themselves.
Without a ``--webhook`` target nothing is built or sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from authguard.dev.bapi_sessions import session_json
from authguard.dev.bapi_store import store_for
from authguard.dev.bapi_users import user_json
from authguard.dev.directory import User
from authguard.dev.routing import DevRequest
from authguard.dev.sessions import Session

if TYPE_CHECKING:
    from authguard.dev.server import DevContext


def user_event(ctx: DevContext, event_type: str, user: User, request: DevRequest) -> None:
    """``user.created`` / ``user.updated`` with the user's current JSON."""
    if not ctx.webhooks.targets:
        return
    current = ctx.directory.get_user(user.id) or user
    ctx.emit(event_type, user_json(store_for(ctx), current), request)


def session_event(
    ctx: DevContext,
    event_type: str,
    client_id: str,
    session: Session,
    request: DevRequest,
) -> None:
    """``session.created`` (status active) or ``session.ended`` / ``session.revoked``."""
    if not ctx.webhooks.targets:
        return
    status = "active" if event_type == "session.created" else event_type.partition(".")[2]
    ctx.emit(event_type, session_json(ctx, client_id, session, status), request)
