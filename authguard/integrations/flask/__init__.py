"""Flask extension (SPEC §8); import it as ``authguard.flask``."""

from __future__ import annotations

from authguard.integrations.flask.decorators import protect, public
from authguard.integrations.flask.extension import AuthGuard, ErrorHook, Handler
from authguard.integrations.flask.proxy import current_auth, get_auth

__all__ = ["AuthGuard", "ErrorHook", "Handler", "current_auth", "get_auth", "protect", "public"]
