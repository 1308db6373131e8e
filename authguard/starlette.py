"""Public Starlette API: ``from authguard.starlette import AuthGuardMiddleware, protect``."""

from __future__ import annotations

from authguard.integrations.starlette import AuthGuardMiddleware, AuthGuardUser, protect
from authguard.integrations.webhooks_starlette import webhook_endpoint

__all__ = ["AuthGuardMiddleware", "AuthGuardUser", "protect", "webhook_endpoint"]
