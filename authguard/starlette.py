"""Public Starlette API: ``from authguard.starlette import AuthGuardMiddleware, protect``."""

from __future__ import annotations

from authguard.integrations.starlette import AuthGuardMiddleware, AuthGuardUser, protect

__all__ = ["AuthGuardMiddleware", "AuthGuardUser", "protect"]
