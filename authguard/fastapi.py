"""Public FastAPI API: ``from authguard.fastapi import CurrentAuth, Protect, get_auth, ...``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from authguard.integrations.fastapi import (
    AuthGuardHTTPException,
    CurrentAuth,
    Protect,
    get_auth,
    require_auth,
)
from authguard.integrations.starlette import AuthGuardMiddleware, protect
from authguard.integrations.users_fastapi import (
    CurrentUser,
    current_user_dependency,
    get_current_user,
    get_session_token,
    session_token_dependency,
)
from authguard.integrations.webhooks_starlette import webhook_event
from authguard.webhooks import WebhookEvent

#: ``event: VerifiedWebhook`` in an endpoint: the verified delivery (secret from the settings).
VerifiedWebhook = Annotated[WebhookEvent, Depends(webhook_event())]

__all__ = [
    "AuthGuardHTTPException",
    "AuthGuardMiddleware",
    "CurrentAuth",
    "CurrentUser",
    "Protect",
    "VerifiedWebhook",
    "current_user_dependency",
    "get_auth",
    "get_current_user",
    "get_session_token",
    "protect",
    "require_auth",
    "session_token_dependency",
    "webhook_event",
]
