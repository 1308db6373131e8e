"""The conformance app on Django, driven through Django's real WSGI handler.

Django is configured from ``tests/integrations/django/djt_settings`` (shared with the Django
tests); each request runs under ``override_settings`` with this client's ``AUTHGUARD``,
URLconf and ``MIDDLEWARE`` (only ``AuthGuardMiddleware``).
"""

from __future__ import annotations

import dataclasses
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from harness import Response

from authguard.settings import Settings

_SUPPORT = str(Path(__file__).resolve().parents[2] / "integrations" / "django")
if _SUPPORT not in sys.path:
    sys.path.insert(0, _SUPPORT)

from djt_support import ensure_django, wsgi_call  # noqa: E402 -- needs the path above

ensure_django()

from django.http import HttpRequest, JsonResponse  # noqa: E402 -- after django.setup()
from django.test import override_settings  # noqa: E402
from django.urls import path  # noqa: E402

from authguard.django import get_auth, protect  # noqa: E402

PUBLIC_ROUTES = ["/", "/public(.*)"]
MIDDLEWARE = ["authguard.django.middleware.AuthGuardMiddleware"]

# path -> protect() arguments (None: public, no decorator)
ROUTES: dict[str, dict[str, Any] | None] = {
    "": None,
    "public": None,
    "signed-in": {},
    "admin": {"role": "org:admin"},
    "perm": {"permission": "org:memberships:manage"},
    "reverify": {"reverification": "strict"},
    "custom": {"role": "org:admin", "unauthenticated_url": "/login", "unauthorized_url": "/nope"},
}


def _identity(request: HttpRequest) -> JsonResponse:
    auth = get_auth(request)
    return JsonResponse({"user_id": auth.user_id, "org_role": auth.org_role})


def _to_sign_in(request: HttpRequest) -> JsonResponse:
    get_auth(request).redirect_to_sign_in()


@cache
def _urlconf(mode: str) -> ModuleType:
    patterns = [path("to-sign-in", _to_sign_in)]
    for route, args in ROUTES.items():
        view = _identity if args is None or mode != "decorators" else protect(**args)(_identity)
        patterns.append(path(route, view))
    module = ModuleType(f"authguard_conformance_django_urls_{mode}")
    module.urlpatterns = patterns  # type: ignore[attr-defined]
    return module


class DjangoClient:
    """``AdapterClient`` over Django's ``WSGIHandler`` with per-client settings."""

    def __init__(self, settings: Settings, mode: str) -> None:
        config = {f.name.upper(): getattr(settings, f.name) for f in dataclasses.fields(settings)}
        if mode == "public_routes":
            config["PUBLIC_ROUTES"] = PUBLIC_ROUTES
        self._overrides = {
            "AUTHGUARD": config,
            "ROOT_URLCONF": _urlconf(mode),
            "MIDDLEWARE": MIDDLEWARE,
        }

    def request(self, method: str, path: str, headers: list[tuple[str, str]]) -> Response:
        with override_settings(**self._overrides):
            raw = wsgi_call(method, path, headers)
        return Response(raw.status, raw.headers, raw.body)


def make_client(settings: Settings, mode: str) -> DjangoClient:
    return DjangoClient(settings, mode)
