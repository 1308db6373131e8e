"""Template context processor: ``{{ auth.user_id }}``, ``{% if auth.is_signed_in %}``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from authguard.integrations.django.decorators import get_auth

__all__ = ["auth"]


def auth(request: HttpRequest) -> dict[str, Any]:
    """``{"auth": <the request's Auth>}`` (lazy: nothing runs unless a template uses it)."""
    return {"auth": SimpleLazyObject(lambda: get_auth(request))}
