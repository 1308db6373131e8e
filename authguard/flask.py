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

__all__ = ["AuthGuard", "ErrorHook", "Handler", "current_auth", "get_auth", "protect", "public"]
