"""Django views: ``@protect`` from ``authguard.django``, the ``Auth`` from ``get_auth``."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest, HttpResponse, JsonResponse

from authguard.django import get_auth, protect
from example_apps import common

View = Callable[..., HttpResponse]
org_admin: Callable[[View], View] = protect(role="org:admin")


@cache
def site() -> common.Site:
    return common.Site.from_env("django")


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse(common.home_page(get_auth(request), site()))


@protect
def dashboard(request: HttpRequest) -> HttpResponse:
    return HttpResponse(common.dashboard_page(get_auth(request), site()))


@org_admin
def admin(request: HttpRequest) -> HttpResponse:
    return HttpResponse(common.admin_page(get_auth(request), site()))


@protect
def organization(request: HttpRequest, org_id: str) -> HttpResponse:
    auth = get_auth(request)
    # The rule needs the URL, so it is checked here; a failure is the usual 403.
    auth.protect(predicate=lambda _has: common.in_org(auth, org_id))
    return HttpResponse(common.org_page(auth, site(), org_id))


@protect
def api_me(request: HttpRequest) -> JsonResponse:
    return JsonResponse(common.me(get_auth(request)))


@org_admin
def api_admin_stats(request: HttpRequest) -> JsonResponse:
    return JsonResponse(common.admin_stats(get_auth(request)))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponse(common.forbidden_page(get_auth(request), site()), status=403)
