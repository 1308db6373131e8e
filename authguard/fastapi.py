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
from authguard.integrations.webhooks_starlette import webhook_event
from authguard.webhooks import WebhookEvent

#: ``event: VerifiedWebhook`` in an endpoint: the verified delivery (secret from the settings).
VerifiedWebhook = Annotated[WebhookEvent, Depends(webhook_event())]

__all__ = [
    "AuthGuardHTTPException",
    "AuthGuardMiddleware",
    "CurrentAuth",
    "Protect",
    "VerifiedWebhook",
    "get_auth",
    "protect",
    "require_auth",
    "webhook_event",
]
