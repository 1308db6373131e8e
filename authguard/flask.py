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
from authguard.integrations.flask.webhooks import verified_webhook

__all__ = [
    "AuthGuard",
    "ErrorHook",
    "Handler",
    "current_auth",
    "get_auth",
    "protect",
    "public",
    "verified_webhook",
]
