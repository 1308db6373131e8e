"""``@verified_webhook``: a Flask view that receives verified Clerk webhooks (SPEC §9).

::

    @app.post("/webhooks/clerk")
    @verified_webhook                   # secret from the AuthGuard settings / environment
    def clerk_webhook(event: WebhookEvent): ...

    @verified_webhook(secret=["whsec_old", "whsec_new"])   # rotation: any one verifies

The view runs only for a verified delivery and gets it as ``event`` (after any URL
arguments); the raw body is read with ``request.get_data(cache=True)`` so the view can still
read it. Refused deliveries get 400 ``{"error": "invalid_webhook"}``. Sync and async views.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, overload

from flask import Response, current_app, request

from authguard.integrations._webhooks import (
    INVALID_WEBHOOK_BODY,
    INVALID_WEBHOOK_STATUS,
    SecretSource,
    WebhookVerifier,
    decorate,
    wrap_view,
)
from authguard.integrations.flask._state import EXTENSION_KEY, AppState
from authguard.settings import Settings
from authguard.webhooks import WebhookEvent

__all__ = ["verified_webhook"]

V = TypeVar("V", bound=Callable[..., Any])


def _settings_secret() -> SecretSource:
    state = current_app.extensions.get(EXTENSION_KEY)
    settings = state.guard.settings if isinstance(state, AppState) else Settings.from_env()
    return settings.webhook_secret


def invalid_webhook_response() -> Response:
    """The 400 answer to a refused delivery."""
    return Response(
        INVALID_WEBHOOK_BODY, status=INVALID_WEBHOOK_STATUS, mimetype="application/json"
    )


def _verified(verifier: WebhookVerifier, *args: Any, **kwargs: Any) -> WebhookEvent | Response:
    body = request.get_data(cache=True, as_text=False)
    event = verifier.verify(body, request.headers, _settings_secret)
    return invalid_webhook_response() if event is None else event


def _invoke(view: Callable[..., Any], event: WebhookEvent, *args: Any, **kwargs: Any) -> Any:
    return view(*args, event=event, **kwargs)


def _wrap(view: V, verifier: WebhookVerifier) -> V:
    wrapper = wrap_view(
        view,
        gate=functools.partial(_verified, verifier),
        invoke=_invoke,
        is_async=inspect.iscoroutinefunction(view),
    )
    return wrapper  # type: ignore[return-value]


@overload
def verified_webhook(view: V, *, secret: SecretSource = ..., tolerance: int = ...) -> V: ...
@overload
def verified_webhook(
    view: None = ..., *, secret: SecretSource = ..., tolerance: int = ...
) -> Callable[[V], V]: ...
def verified_webhook(
    view: V | None = None, *, secret: SecretSource = None, tolerance: int = 300
) -> V | Callable[[V], V]:
    """Decorate a view taking ``event``; it only runs for verified deliveries.

    An explicit but unusable ``secret`` raises ``ConfigurationError`` when decorating.
    """
    return decorate(view, secret, tolerance, _wrap)
