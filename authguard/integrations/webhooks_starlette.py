"""Webhook helpers for Starlette and FastAPI (SPEC §9).

FastAPI::

    @app.post("/webhooks/clerk")
    async def clerk(event: VerifiedWebhook) -> dict[str, str]: ...
    # or, with options: event: WebhookEvent = Depends(webhook_event(secret=[old, new]))

Starlette::

    @webhook_endpoint(secret="whsec_...")
    async def clerk(request: Request, event: WebhookEvent) -> Response: ...

(``VerifiedWebhook`` lives in ``authguard.fastapi``, keeping FastAPI out of this module.)
Both read the raw body (``await request.body()``) and answer 400
``{"error": "invalid_webhook"}`` before the endpoint runs when verification fails.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from authguard.integrations._webhooks import (
    INVALID_WEBHOOK_BODY,
    INVALID_WEBHOOK_STATUS,
    SecretSource,
    WebhookVerifier,
)
from authguard.integrations.starlette import GUARD_KEY
from authguard.settings import Settings
from authguard.webhooks import WebhookEvent

__all__ = ["InvalidWebhook", "invalid_webhook_response", "webhook_endpoint", "webhook_event"]

Endpoint = Callable[[Request, WebhookEvent], Awaitable[Response]]


class InvalidWebhook(HTTPException):
    """Raised by the ``webhook_event`` dependency; rendered as the exact 400 body."""

    def __init__(self) -> None:
        super().__init__(INVALID_WEBHOOK_STATUS, "invalid_webhook")


def invalid_webhook_response() -> Response:
    """The 400 answer to a refused delivery."""
    return Response(
        INVALID_WEBHOOK_BODY, status_code=INVALID_WEBHOOK_STATUS, media_type="application/json"
    )


async def _render_invalid(request: Request, exc: Exception) -> Response:
    return invalid_webhook_response()


def _settings_secret(request: Request) -> SecretSource:
    # The middleware's settings when it is installed, else the environment.
    guard = request.scope.get(GUARD_KEY)
    settings = getattr(guard, "settings", None)
    if not isinstance(settings, Settings):
        settings = Settings.from_env()
    return settings.webhook_secret


async def _verified(verifier: WebhookVerifier, request: Request) -> WebhookEvent | None:
    body = await request.body()
    return verifier.verify(body, request.headers, lambda: _settings_secret(request))


def _register_handler(request: Request) -> None:
    # Starlette keeps the live exception handlers in the scope; registering ours there lets the
    # dependency answer the exact body without asking the app to install a handler.
    handlers = request.scope.get("starlette.exception_handlers")
    if handlers:
        handlers[0].setdefault(InvalidWebhook, _render_invalid)


def webhook_event(
    secret: SecretSource = None, tolerance: int = 300
) -> Callable[[Request], Awaitable[WebhookEvent]]:
    """A FastAPI dependency returning the verified ``WebhookEvent`` (400 when it fails).

    ``secret``: one ``whsec_`` secret or several (rotation); ``None`` reads
    ``CLERK_WEBHOOK_SIGNING_SECRET`` (the middleware's settings when installed) per request.
    An explicit but unusable secret raises ``ConfigurationError`` here, at app set-up.
    """
    verifier = WebhookVerifier(secret, tolerance)

    async def dependency(request: Request) -> WebhookEvent:
        event = await _verified(verifier, request)
        if event is None:
            _register_handler(request)
            raise InvalidWebhook()
        return event

    return dependency


def webhook_endpoint(
    secret: SecretSource = None, tolerance: int = 300
) -> Callable[[Endpoint], Callable[[Request], Awaitable[Response]]]:
    """Decorate a Starlette endpoint ``(request, event)``; refused deliveries never reach it."""
    verifier = WebhookVerifier(secret, tolerance)

    def decorate(endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(endpoint)
        async def wrapper(request: Request) -> Response:
            event = await _verified(verifier, request)
            if event is None:
                return invalid_webhook_response()
            return await endpoint(request, event)

        return wrapper

    return decorate
