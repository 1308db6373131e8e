"""``authguard.flask``: the Flask extension (see ``docs/quickstart-flask.md``)."""

from __future__ import annotations

from authguard.integrations.flask import (
    AuthGuard,
    ErrorHook,
    Handler,
    current_auth,
    get_auth,
    protect,
    public,
)
from authguard.integrations.flask.current_user import get_current_user, get_session_token
from authguard.integrations.flask.webhooks import verified_webhook

__all__ = [
    "AuthGuard",
    "ErrorHook",
    "Handler",
    "current_auth",
    "get_auth",
    "get_current_user",
    "get_session_token",
    "protect",
    "public",
    "verified_webhook",
]
