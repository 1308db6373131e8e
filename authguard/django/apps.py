"""Django finds the app config here (``INSTALLED_APPS = [..., "authguard.django"]``)."""

from __future__ import annotations

from authguard.integrations.django.apps import AuthGuardConfig

__all__ = ["AuthGuardConfig"]
