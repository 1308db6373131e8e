"""Public FastAPI API: ``from authguard.fastapi import CurrentAuth, Protect, get_auth, ...``."""

from __future__ import annotations

from authguard.integrations.fastapi import (
    AuthGuardHTTPException,
    CurrentAuth,
    Protect,
    get_auth,
    require_auth,
)
from authguard.integrations.starlette import AuthGuardMiddleware, protect

__all__ = [
    "AuthGuardHTTPException",
    "AuthGuardMiddleware",
    "CurrentAuth",
    "Protect",
    "get_auth",
    "protect",
    "require_auth",
]
