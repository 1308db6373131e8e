"""``current_user(request)`` / ``await acurrent_user(request)`` and template tokens for Django.

The user is memoised on the request, so it is fetched at most once per request; the clients
are shared per settings (``settings.AUTHGUARD``). ``ttl=30`` or ``cache=...`` opt into sharing
users across requests (see ``authguard.backend.current_user``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from authguard.backend.client import AsyncBackendAPI, BackendAPI
from authguard.backend.current_user import (
    UserCache,
    aload_current_user,
    async_client_for,
    client_for,
    load_current_user,
    resolve_cache,
)
from authguard.backend.current_user import asession_token as _asession_token
from authguard.backend.current_user import session_token as _session_token
from authguard.backend.models import User
from authguard.integrations.django.conf import get_runtime
from authguard.integrations.django.decorators import aget_auth, get_auth

__all__ = ["acurrent_user", "asession_token", "current_user", "session_token"]

_MEMO_ATTR = "_authguard_memo"


def _memo(request: Any) -> dict[str, Any]:
    inner = getattr(request, "_request", request)  # DRF's Request wraps the HttpRequest
    if not isinstance(inner, HttpRequest):
        raise TypeError("expected a Django HttpRequest (or a DRF Request)")
    memo = inner.__dict__.get(_MEMO_ATTR)
    if not isinstance(memo, dict):
        memo = {}
        setattr(inner, _MEMO_ATTR, memo)
    return memo


def current_user(
    request: Any,
    *,
    ttl: float | None = None,
    cache: UserCache | None = None,
    client: BackendAPI | None = None,
) -> User | None:
    """The signed-in user from the Backend API (None when signed out), once per request.

    Raises ``BackendAPIError`` when the API fails. In async views use ``acurrent_user``.
    """
    memo, auth = _memo(request), get_auth(request)
    if not auth.is_signed_in:
        return None
    client = client if client is not None else client_for(get_runtime().guard.settings)
    return load_current_user(memo, auth, client, resolve_cache(ttl, cache))


async def acurrent_user(
    request: Any,
    *,
    ttl: float | None = None,
    cache: UserCache | None = None,
    client: AsyncBackendAPI | None = None,
) -> User | None:
    """Async ``current_user`` (native ``AsyncBackendAPI``); shares the request's memo."""
    memo, auth = _memo(request), await aget_auth(request)
    if not auth.is_signed_in:
        return None
    if client is None:
        client = async_client_for(get_runtime().guard.settings)
    return await aload_current_user(memo, auth, client, resolve_cache(ttl, cache))


def session_token(
    request: Any, template: str | None = None, *, client: BackendAPI | None = None
) -> str | None:
    """``auth.token`` for ``template=None``; else a JWT-template token for this session."""
    auth = get_auth(request)
    if template is None or not auth.is_signed_in:
        return auth.token if auth.is_signed_in else None
    client = client if client is not None else client_for(get_runtime().guard.settings)
    return _session_token(auth, client, template)


async def asession_token(
    request: Any, template: str | None = None, *, client: AsyncBackendAPI | None = None
) -> str | None:
    """Async ``session_token``."""
    auth = await aget_auth(request)
    if template is None or not auth.is_signed_in:
        return auth.token if auth.is_signed_in else None
    if client is None:
        client = async_client_for(get_runtime().guard.settings)
    return await _asession_token(auth, client, template)
