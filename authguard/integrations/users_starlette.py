"""``current_user(request)`` and ``get_session_token(request)`` for Starlette (and FastAPI).

The user is memoised in the ASGI scope, so it is fetched at most once per request; clients are
shared per settings (the middleware's). ``ttl=30`` or ``cache=...`` opt into sharing users
across requests (see ``authguard.backend.current_user``).
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from authguard.auth import Auth
from authguard.backend.client import AsyncBackendAPI
from authguard.backend.current_user import (
    UserCache,
    aload_current_user,
    asession_token,
    async_client_for,
    resolve_cache,
)
from authguard.backend.models import User
from authguard.guard import Guard
from authguard.integrations.starlette import GUARD_KEY, auth_from_scope
from authguard.settings import Settings

__all__ = ["current_user", "get_session_token", "settings_of"]


def settings_of(conn: HTTPConnection, default: Settings | None = None) -> Settings:
    """The middleware's settings for this request, else ``default``, else the environment's."""
    guard = conn.scope.get(GUARD_KEY)
    if isinstance(guard, Guard):
        return guard.settings
    return default if default is not None else Settings.from_env()


def _client(conn: HTTPConnection, client: AsyncBackendAPI | None) -> AsyncBackendAPI:
    return client if client is not None else async_client_for(settings_of(conn))


async def current_user(
    conn: HTTPConnection,
    *,
    ttl: float | None = None,
    cache: UserCache | None = None,
    client: AsyncBackendAPI | None = None,
    auth: Auth | None = None,
) -> User | None:
    """The signed-in user from the Backend API (None when signed out), once per request.

    Needs ``AuthGuardMiddleware`` unless ``auth`` is given. Raises ``BackendAPIError`` when the
    API fails.
    """
    auth = auth if auth is not None else auth_from_scope(conn.scope)
    if not auth.is_signed_in:
        return None
    return await aload_current_user(
        conn.scope, auth, _client(conn, client), resolve_cache(ttl, cache)
    )


async def get_session_token(
    conn: HTTPConnection,
    template: str | None = None,
    *,
    client: AsyncBackendAPI | None = None,
    auth: Auth | None = None,
) -> str | None:
    """``auth.token`` for ``template=None``; else a JWT-template token for this session."""
    auth = auth if auth is not None else auth_from_scope(conn.scope)
    if template is None or not auth.is_signed_in:
        return auth.token if auth.is_signed_in else None  # no client needed for these
    return await asession_token(auth, _client(conn, client), template)
