"""Django REST framework authentication and permission classes."""

from __future__ import annotations

from authguard.integrations.django.rest_framework import (
    AuthGuardAuthentication,
    HasPermission,
    HasRole,
    IsSignedIn,
    KeySetUnavailableError,
)

__all__ = [
    "AuthGuardAuthentication",
    "HasPermission",
    "HasRole",
    "IsSignedIn",
    "KeySetUnavailableError",
]
