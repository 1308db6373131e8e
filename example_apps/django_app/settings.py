"""Django settings: no database; authguard reads the ``CLERK_*`` variables (``AUTHGUARD = {}``)."""

from __future__ import annotations

import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-authguard-example-only")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
USE_TZ = True
ROOT_URLCONF = "example_apps.django_app.urls"
INSTALLED_APPS = ["authguard.django"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "authguard.django.middleware.AuthGuardMiddleware",
]
DATABASES: dict[str, object] = {}
# Everything comes from the environment the dev server prints; explicit keys would win over it.
AUTHGUARD: dict[str, object] = {}
