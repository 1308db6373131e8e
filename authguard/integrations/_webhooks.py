"""Framework-neutral part of the webhook helpers (SPEC §9): secrets, verification, the 400 body,
and the view decorator's sync/async wrapping.

Every adapter reads the raw body, hands it here with the request headers, and answers
``INVALID_WEBHOOK_BODY`` with status 400 when this returns ``None``. Nothing here logs the body,
header values or secrets; only the verifier's reason (which names headers, never values).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from authguard.exceptions import ConfigurationError, WebhookVerificationError
from authguard.webhooks import HeadersLike, WebhookEvent, verify_webhook

__all__ = [
    "INVALID_WEBHOOK_BODY",
    "INVALID_WEBHOOK_STATUS",
    "SecretSource",
    "WebhookVerifier",
    "decorate",
    "wrap_view",
]

V = TypeVar("V", bound=Callable[..., Any])

logger = logging.getLogger("authguard")

INVALID_WEBHOOK_STATUS = 400
INVALID_WEBHOOK_BODY = json.dumps(
    {"error": "invalid_webhook", "message": "webhook verification failed"}
).encode()

#: One ``whsec_`` secret, several (rotation), or None (read from the adapter's settings).
SecretSource = str | Sequence[str] | None


@dataclass(frozen=True)
class WebhookVerifier:
    """Verifies one endpoint's deliveries; built when the endpoint is declared.

    An explicit ``secret`` is checked at once, so a bad or empty one raises
    ``ConfigurationError`` at start-up. With ``secret=None`` the adapter's ``fallback`` supplies
    the secret at request time (settings may not be loaded at import time); a missing one then
    is logged and answered like any failed delivery: 400, never a 5xx.
    """

    secret: SecretSource = None
    tolerance: int = 300

    def __post_init__(self) -> None:
        if self.tolerance < 0:
            raise ConfigurationError("tolerance must be 0 or more seconds", setting="tolerance")
        if self.secret is not None:
            check_secret(self.secret)

    def verify(
        self,
        body: bytes,
        headers: HeadersLike,
        fallback: Callable[[], SecretSource] | None = None,
    ) -> WebhookEvent | None:
        """The verified event, or ``None`` (already logged) when the delivery is refused.

        ``fallback`` supplies the secret when none was given (the adapter's settings).
        """
        try:
            secret = self.secret
            if secret is None and fallback is not None:
                secret = fallback()
            return verify_webhook(body, headers, secret, tolerance=self.tolerance)
        except ConfigurationError as exc:
            logger.error("webhook endpoint is misconfigured: %s", exc)
        except WebhookVerificationError as exc:
            logger.warning("webhook delivery refused: %s", exc)
        return None


def check_secret(secret: SecretSource) -> None:
    """Raise ``ConfigurationError`` unless ``secret`` holds usable signing secrets.

    Verifying an empty delivery resolves the keys first, so a configuration problem surfaces
    as ``ConfigurationError`` and only a usable secret gets as far as the header checks.
    """
    try:
        verify_webhook(b"", {}, secret)
    except WebhookVerificationError:
        return


def wrap_view(
    view: Callable[..., Any],
    *,
    gate: Callable[..., object],
    invoke: Callable[..., Any],
    is_async: bool,
) -> Callable[..., Any]:
    """``view`` behind ``gate``, sync or async as ``is_async`` says.

    ``gate`` gets the view's arguments and returns the verified :class:`WebhookEvent`, or the
    response that stands instead of the view's (a refused delivery, a wrong method).
    ``invoke(view, event, *args, **kwargs)`` calls the view the adapter's way.
    """
    if is_async:

        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            checked = gate(*args, **kwargs)
            if not isinstance(checked, WebhookEvent):
                return checked
            return await invoke(view, checked, *args, **kwargs)

        return functools.wraps(view)(async_wrapper)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        checked = gate(*args, **kwargs)
        if not isinstance(checked, WebhookEvent):
            return checked
        return invoke(view, checked, *args, **kwargs)

    return functools.wraps(view)(wrapper)


def decorate(
    view: V | None,
    secret: SecretSource,
    tolerance: int,
    wrap: Callable[[V, WebhookVerifier], V],
) -> V | Callable[[V], V]:
    """The body of ``@decorator`` and ``@decorator(secret=..., tolerance=...)``.

    The verifier is built here, when decorating, so an unusable explicit secret fails at once.
    """
    verifier = WebhookVerifier(secret, tolerance)
    if view is not None:
        return wrap(view, verifier)
    return lambda target: wrap(target, verifier)
