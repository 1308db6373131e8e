"""Django settings: authguard reads the ``CLERK_*`` variables (``AUTHGUARD = {}``); SQLite holds
the users synced from webhooks."""

from __future__ import annotations

import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-authguard-example-only")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
USE_TZ = True
ROOT_URLCONF = "example_apps.django_app.urls"
INSTALLED_APPS = ["authguard.django", "example_apps.django_app"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "authguard.django.middleware.AuthGuardMiddleware",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("AUTHGUARD_EXAMPLE_DB") or "example-users-django.sqlite3",
    }
}
# Everything comes from the environment the dev server prints; explicit keys would win over it.
AUTHGUARD: dict[str, object] = {}
