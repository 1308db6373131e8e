"""Django settings for the authguard Django tests (``DJANGO_SETTINGS_MODULE=djt_settings``)."""

from __future__ import annotations

from pathlib import Path

from authguard.testing import KeyPair

KEY = KeyPair.generate(kid="django-tests")
PUBLISHABLE_KEY = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"
SIGN_IN = "https://foo-bar-13.accounts.dev/sign-in"

SECRET_KEY = "django-insecure-authguard-tests"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]
USE_TZ = True
ROOT_URLCONF = "djt_urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "rest_framework",
    "authguard.django",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "authguard.django.middleware.AuthGuardMiddleware",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [str(Path(__file__).resolve().parent / "djt_templates")],
        "OPTIONS": {
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "authguard.django.context_processors.auth",
            ]
        },
    }
]
AUTHGUARD = {
    "JWT_KEY": KEY.public_pem(),
    "PUBLISHABLE_KEY": PUBLISHABLE_KEY,
    "APP_ORIGIN": "http://testserver",
}
LOGIN_URL = SIGN_IN
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "authguard.django.rest_framework.AuthGuardAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}
