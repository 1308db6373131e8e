"""``MIDDLEWARE = [..., "authguard.django.middleware.AuthGuardMiddleware", ...]``."""

from __future__ import annotations

from authguard.integrations.django.middleware import AuthGuardMiddleware

__all__ = ["AuthGuardMiddleware"]
