"""Add "authguard.django.context_processors.auth" to TEMPLATES context_processors."""

from __future__ import annotations

from authguard.integrations.django.context_processors import auth

__all__ = ["auth"]
