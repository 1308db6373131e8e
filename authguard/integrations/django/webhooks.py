"""``@webhook_view``: a Django view that receives verified Clerk webhooks (SPEC §9).

::

    @webhook_view                       # secret from AUTHGUARD / CLERK_WEBHOOK_SIGNING_SECRET
    def clerk_webhook(request, event): ...

    @webhook_view(secret=["whsec_old", "whsec_new"])
    async def clerk_webhook(request, event): ...

The view is CSRF-exempt (Svix cannot send a token; the signature is the proof), accepts POST
only (405 otherwise), reads the raw ``request.body`` and only runs for a verified delivery,
which it gets as ``event`` and as ``request.webhook_event``. Refused deliveries get 400.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, overload

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from authguard.integrations._webhooks import (
    INVALID_WEBHOOK_BODY,
    INVALID_WEBHOOK_STATUS,
    SecretSource,
    WebhookVerifier,
    decorate,
    wrap_view,
)
from authguard.integrations.django.conf import build_settings, raw_config
from authguard.webhooks import WebhookEvent

__all__ = ["webhook_view"]

V = TypeVar("V", bound=Callable[..., Any])


def _settings_secret() -> SecretSource:
    return build_settings(raw_config()).webhook_secret


def invalid_webhook_response() -> HttpResponse:
    """The 400 answer to a refused delivery."""
    return HttpResponse(
        INVALID_WEBHOOK_BODY, status=INVALID_WEBHOOK_STATUS, content_type="application/json"
    )


def _check(
    verifier: WebhookVerifier, request: HttpRequest, *args: Any, **kwargs: Any
) -> HttpResponse | WebhookEvent:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    event = verifier.verify(request.body, request.headers, _settings_secret)
    if event is None:
        return invalid_webhook_response()
    request.webhook_event = event  # type: ignore[attr-defined]
    return event


def _invoke(
    view: Callable[..., Any], event: WebhookEvent, request: HttpRequest, *args: Any, **kwargs: Any
) -> Any:
    return view(request, event, *args, **kwargs)


def _wrap(view: V, verifier: WebhookVerifier) -> V:
    wrapper = wrap_view(
        view,
        gate=functools.partial(_check, verifier),
        invoke=_invoke,
        is_async=iscoroutinefunction(view),
    )
    return csrf_exempt(wrapper)  # type: ignore[return-value]


@overload
def webhook_view(view: V, *, secret: SecretSource = ..., tolerance: int = ...) -> V: ...
@overload
def webhook_view(
    view: None = ..., *, secret: SecretSource = ..., tolerance: int = ...
) -> Callable[[V], V]: ...
def webhook_view(
    view: V | None = None, *, secret: SecretSource = None, tolerance: int = 300
) -> V | Callable[[V], V]:
    """Decorate a view ``(request, event, ...)`` that only runs for verified deliveries.

    An explicit but unusable ``secret`` raises ``ConfigurationError`` when decorating.
    """
    return decorate(view, secret, tolerance, _wrap)
