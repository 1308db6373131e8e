"""The ``authguard.django`` app: label ``authguard``; registers the system checks."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks


class AuthGuardConfig(AppConfig):
    """``INSTALLED_APPS = [..., "authguard.django"]``."""

    name = "authguard.django"
    label = "authguard"
    verbose_name = "authguard"
    default = True

    def ready(self) -> None:
        from authguard.integrations.django.checks import check_authguard

        checks.register(check_authguard)
