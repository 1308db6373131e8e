"""``/admin/users`` for Flask (``org:admin``).

Wiring (in ``create_app``): ``app.register_blueprint(admin_users.bp)``.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, abort, redirect, request
from flask.typing import ResponseReturnValue

from authguard.backend import BackendAPI
from authguard.flask import current_auth, protect
from example_apps import admin_users, common

bp = Blueprint("admin_users", __name__)


@lru_cache(maxsize=1)
def api() -> BackendAPI:
    return BackendAPI()  # CLERK_SECRET_KEY / CLERK_API_URL, one client for the app


@lru_cache(maxsize=1)
def site() -> common.Site:
    return common.Site.from_env("flask")


@bp.get("/admin/users")
@protect(role="org:admin")
def list_users() -> str:
    users = list(api().users.iter(order_by="+created_at"))
    return admin_users.users_page(current_auth, site(), users)


@bp.post("/admin/users/<user_id>/role")
@protect(role="org:admin")
def set_role(user_id: str) -> ResponseReturnValue:
    try:
        role = admin_users.parse_role(request.get_data(), request.headers.get("origin"), site())
    except admin_users.BadForm:
        abort(400)
    api().users.update_metadata(user_id, public_metadata={"role": role})
    return redirect("/admin/users", code=303)
