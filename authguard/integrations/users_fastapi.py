"""FastAPI dependencies for the current user: ``CurrentUser`` and ``get_current_user``.

They work with or without ``AuthGuardMiddleware`` (without it, the settings are the ones
``get_auth`` falls back to: the environment's).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from authguard.auth import Auth
from authguard.backend.client import AsyncBackendAPI
from authguard.backend.current_user import UserCache, async_client_for
from authguard.backend.models import User
from authguard.integrations.fastapi import fallback_guard, get_auth
from authguard.integrations.starlette import GUARD_KEY
from authguard.integrations.users_starlette import current_user, get_session_token

__all__ = [
    "CurrentUser",
    "current_user_dependency",
    "get_current_user",
    "get_session_token",
    "session_token_dependency",
]

UserDependency = Callable[[HTTPConnection, Auth], Awaitable["User | None"]]


def _client(conn: HTTPConnection, client: AsyncBackendAPI | None) -> AsyncBackendAPI | None:
    if client is not None or GUARD_KEY in conn.scope:
        return client
    return async_client_for(fallback_guard().settings)


def current_user_dependency(
    *,
    ttl: float | None = None,
    cache: UserCache | None = None,
    client: AsyncBackendAPI | None = None,
) -> UserDependency:
    """A ``get_current_user`` sharing users across requests: ``ttl=30`` or ``cache=...``."""

    async def dependency(
        conn: HTTPConnection, auth: Annotated[Auth, Depends(get_auth)]
    ) -> User | None:
        return await current_user(
            conn, ttl=ttl, cache=cache, client=_client(conn, client), auth=auth
        )

    return dependency


async def get_current_user(
    conn: HTTPConnection, auth: Annotated[Auth, Depends(get_auth)]
) -> User | None:
    """Dependency: the signed-in ``User`` (None when signed out), fetched once per request."""
    return await current_user(conn, client=_client(conn, None), auth=auth)


#: ``user: CurrentUser`` in an endpoint.
CurrentUser = Annotated[User | None, Depends(get_current_user)]


def session_token_dependency(
    template: str | None = None, *, client: AsyncBackendAPI | None = None
) -> Callable[[HTTPConnection, Auth], Awaitable[str | None]]:
    """``Depends(session_token_dependency("supabase"))``: a template token for the session."""

    async def dependency(
        conn: HTTPConnection, auth: Annotated[Auth, Depends(get_auth)]
    ) -> str | None:
        return await get_session_token(conn, template, client=_client(conn, client), auth=auth)

    return dependency
