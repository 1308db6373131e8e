"""A minimal Django project in one module (settings, views, URLconf) for the WSGI section.

Importing it configures Django, so it is imported only by the WSGI section.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django
from django.conf import settings as django_settings
from django.http import HttpRequest, HttpResponse
from django.urls import path

from benchmarks.common import APP_ORIGIN, KEY, ROLE

AUTHGUARD_MIDDLEWARE = "authguard.django.middleware.AuthGuardMiddleware"

if not django_settings.configured:
    django_settings.configure(
        DEBUG=False,
        SECRET_KEY="benchmarks-only",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["authguard.django"],
        MIDDLEWARE=[],
        USE_TZ=True,
        AUTHGUARD={"JWT_KEY": KEY.public_pem(), "APP_ORIGIN": APP_ORIGIN},
    )
    django.setup()

from authguard.django import protect  # noqa: E402 -- needs configured settings


def bare_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@protect(role=ROLE)
def protected_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("ag", protected_view), path("bare", bare_view)]


def wsgi_app(*, authguard: bool) -> Callable[..., Any]:
    """A ``WSGIHandler`` whose middleware list is empty or just authguard's."""
    from django.core.handlers.wsgi import WSGIHandler

    django_settings.MIDDLEWARE = [AUTHGUARD_MIDDLEWARE] if authguard else []
    try:
        return WSGIHandler()
    finally:
        django_settings.MIDDLEWARE = []
