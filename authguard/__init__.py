"""authguard: Clerk-style server-side auth for Starlette/FastAPI, Django and Flask.

The core is framework-free; adapters live in ``authguard.starlette``, ``authguard.fastapi``,
``authguard.django`` and ``authguard.flask``.
"""

from __future__ import annotations

from authguard.auth import Auth
from authguard.decisions import Decision
from authguard.exceptions import (
    AuthGuardError,
    BackendAPIError,
    ConfigurationError,
    KeySetUnavailable,
    SignInRedirect,
    TokenVerificationError,
    Unauthenticated,
    Unauthorized,
    WebhookVerificationError,
)
from authguard.guard import Guard, RequestState
from authguard.matchers import STATIC_ASSETS, RouteMatcher, create_route_matcher
from authguard.request import RequestInfo
from authguard.settings import Settings
from authguard.webhooks import WebhookEvent, verify_webhook

__version__ = "0.1.0"

__all__ = [
    "STATIC_ASSETS",
    "Auth",
    "AuthGuardError",
    "BackendAPIError",
    "ConfigurationError",
    "Decision",
    "Guard",
    "KeySetUnavailable",
    "RequestInfo",
    "RequestState",
    "RouteMatcher",
    "Settings",
    "SignInRedirect",
    "TokenVerificationError",
    "Unauthenticated",
    "Unauthorized",
    "WebhookEvent",
    "WebhookVerificationError",
    "__version__",
    "create_route_matcher",
    "verify_webhook",
]
