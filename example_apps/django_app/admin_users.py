"""``/admin/users`` for Django (``org:admin``). Wiring: ``path("admin/users", ...)`` in urls."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)

from authguard.backend import BackendAPI
from authguard.django import get_auth, protect
from example_apps import admin_users, common

View = Callable[..., HttpResponse]
org_admin: Callable[[View], View] = protect(role="org:admin")


@cache
def api() -> BackendAPI:
    return BackendAPI()  # CLERK_SECRET_KEY / CLERK_API_URL, one client for the app


@cache
def site() -> common.Site:
    return common.Site.from_env("django")


@org_admin
def list_users(request: HttpRequest) -> HttpResponse:
    users = list(api().users.iter(order_by="+created_at"))
    return HttpResponse(admin_users.users_page(get_auth(request), site(), users))


@org_admin
def set_role(request: HttpRequest, user_id: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        role = admin_users.parse_role(request.body, request.headers.get("origin"), site())
    except admin_users.BadForm:
        return HttpResponseBadRequest("bad form")
    api().users.update_metadata(user_id, public_metadata={"role": role})
    return HttpResponseRedirect("/admin/users", status=303)
