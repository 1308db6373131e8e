"""Public Starlette API: ``from authguard.starlette import AuthGuardMiddleware, protect``."""

from __future__ import annotations

from authguard.integrations.starlette import AuthGuardMiddleware, AuthGuardUser, protect
from authguard.integrations.users_starlette import current_user, get_session_token
from authguard.integrations.webhooks_starlette import webhook_endpoint

__all__ = [
    "AuthGuardMiddleware",
    "AuthGuardUser",
    "current_user",
    "get_session_token",
    "protect",
    "webhook_endpoint",
]
