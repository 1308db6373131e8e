"""authguard for Django: ``INSTALLED_APPS += ["authguard.django"]``, then add
``authguard.django.middleware.AuthGuardMiddleware`` to ``MIDDLEWARE`` after
``AuthenticationMiddleware``. See ``docs/quickstart-django.md``.
"""

from __future__ import annotations

from authguard.integrations.django.current_user import (
    acurrent_user,
    asession_token,
    current_user,
    session_token,
)
from authguard.integrations.django.decorators import aget_auth, get_auth, protect, public
from authguard.integrations.django.users import TokenUser
from authguard.integrations.django.webhooks import webhook_view

__all__ = [
    "TokenUser",
    "acurrent_user",
    "aget_auth",
    "asession_token",
    "current_user",
    "get_auth",
    "protect",
    "public",
    "session_token",
    "webhook_view",
]
