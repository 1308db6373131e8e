"""``get_current_user()`` and ``get_session_token()`` for Flask (sync views).

Named ``get_current_user`` rather than ``current_user`` so it never shadows Flask-Login's
proxy (SPEC §8). The user is memoised on ``g`` for the current request only; the client is
shared per app settings (the extension's). ``ttl=30`` or ``cache=...`` opt into sharing users
across requests (see ``authguard.backend.current_user``).
"""

from __future__ import annotations

from typing import Any

from flask import g, request

from authguard.backend.client import BackendAPI
from authguard.backend.current_user import (
    UserCache,
    client_for,
    load_current_user,
    resolve_cache,
    session_token,
)
from authguard.backend.models import User
from authguard.integrations.flask._state import app_state
from authguard.integrations.flask.proxy import get_auth

__all__ = ["get_current_user", "get_session_token"]


def _memo() -> dict[str, Any]:
    # g can outlive the request (an app context pushed by hand): the memo is pinned to it.
    current = request._get_current_object()  # type: ignore[attr-defined]
    memo = g.get("_authguard_user_memo")
    if not isinstance(memo, dict) or memo.get("request") is not current:
        memo = {"request": current}
        g._authguard_user_memo = memo
    return memo


def _client(client: BackendAPI | None) -> BackendAPI:
    return client if client is not None else client_for(app_state().guard.settings)


def get_current_user(
    *,
    ttl: float | None = None,
    cache: UserCache | None = None,
    client: BackendAPI | None = None,
) -> User | None:
    """The signed-in user from the Backend API (None when signed out), once per request.

    Raises ``BackendAPIError`` when the API fails.
    """
    auth = get_auth()
    if not auth.is_signed_in:
        return None
    return load_current_user(_memo(), auth, _client(client), resolve_cache(ttl, cache))


def get_session_token(
    template: str | None = None, *, client: BackendAPI | None = None
) -> str | None:
    """``auth.token`` for ``template=None``; else a JWT-template token for this session."""
    auth = get_auth()
    if template is None or not auth.is_signed_in:
        return auth.token if auth.is_signed_in else None
    return session_token(auth, _client(client), template)
