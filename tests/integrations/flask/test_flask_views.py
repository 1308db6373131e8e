"""Views: sync/async, blueprints, MethodView, handler, public_routes, hooks, error pages."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Blueprint, Flask, jsonify, redirect, request
from flask.views import MethodView
from flask_helpers import (
    API,
    PAGE,
    SIGN_IN,
    admin_token,
    bearer,
    identity,
    make_settings,
    member_token,
)

from authguard.auth import Auth
from authguard.exceptions import Unauthenticated, Unauthorized
from authguard.flask import AuthGuard, current_auth, protect, public

ADMIN, MEMBER = admin_token(), member_token()


async def async_identity() -> Any:
    return identity()


@public
def open_identity() -> Any:
    return identity()


class Items(MethodView):
    decorators = [protect]  # every method needs a signed-in user

    def get(self) -> Any:
        return identity()

    @protect(role="org:admin")
    def post(self) -> Any:
        return identity()

    @protect(role="org:admin")
    async def delete(self) -> Any:
        return identity()


class Open(MethodView):
    @public
    def get(self) -> Any:
        return identity()

    def post(self) -> Any:
        return identity()


def build_app(**options: Any) -> Flask:
    app = Flask(__name__)
    AuthGuard(app, settings=make_settings(), **options)
    app.add_url_rule("/sync", "sync", protect(identity))
    app.add_url_rule("/async", "async", protect(async_identity))
    app.add_url_rule("/async-admin", "async_admin", protect(role="org:admin")(async_identity))
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    bp.add_url_rule("/admin", "admin", protect(role="org:admin")(identity))
    bp.add_url_rule("/open", "open", open_identity)
    app.register_blueprint(bp)
    app.add_url_rule("/items", view_func=Items.as_view("items"))
    app.add_url_rule("/open-view", view_func=Open.as_view("open_view"))
    app.add_url_rule("/plain", "plain", identity)
    app.add_url_rule("/cors", "cors", protect(identity), methods=["GET", "OPTIONS"])
    return app


APP = build_app()
PUBLIC_ROUTES_APP = build_app(public_routes=["/public(.*)"])


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "/sync", API, 401),
        ("GET", "/sync", bearer(MEMBER), 200),
        ("GET", "/async", API, 401),
        ("GET", "/async", bearer(MEMBER), 200),
        ("GET", "/async-admin", bearer(MEMBER), 403),
        ("GET", "/async-admin", bearer(ADMIN), 200),
        ("GET", "/bp/admin", bearer(MEMBER), 403),
        ("GET", "/bp/admin", bearer(ADMIN), 200),
        ("GET", "/bp/open", API, 200),
        ("GET", "/items", API, 401),
        ("GET", "/items", bearer(MEMBER), 200),
        ("POST", "/items", bearer(MEMBER), 403),
        ("POST", "/items", bearer(ADMIN), 200),
        ("DELETE", "/items", bearer(MEMBER), 403),
        ("DELETE", "/items", bearer(ADMIN), 200),
        ("HEAD", "/items", API, 401),
        ("GET", "/plain", API, 200),
        # a CORS preflight passes unchecked; a bare OPTIONS is checked like any method
        ("OPTIONS", "/cors", {"Access-Control-Request-Method": "GET", "Origin": "https://x"}, 200),
        ("OPTIONS", "/cors", API, 401),
        # Flask's automatic OPTIONS answer never reaches the view
        ("OPTIONS", "/sync", API, 200),
    ],
)
def test_decorated_views(method: str, path: str, headers: dict[str, str], status: int) -> None:
    response = APP.test_client().open(path, method=method, headers=headers)
    assert response.status_code == status
    if status == 200 and method not in ("HEAD", "OPTIONS"):
        expected = ADMIN if "Bearer " + ADMIN in headers.values() else MEMBER
        user = {ADMIN: "user_admin", MEMBER: "user_member"}[expected]
        assert response.get_json()["user_id"] == (user if "Authorization" in headers else None)


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "/plain", API, 401),  # everything not public needs sign-in
        ("GET", "/plain", bearer(MEMBER), 200),
        ("GET", "/public/anything", API, 404),  # public: Flask's own 404, not a 401
        ("GET", "/bp/open", API, 200),  # @public wins over the global rule
        ("GET", "/open-view", API, 200),  # @public on a MethodView method
        ("POST", "/open-view", API, 401),  # ... only that method
        ("GET", "/bp/admin", bearer(MEMBER), 403),  # decorators still apply
        ("OPTIONS", "/plain", {"Access-Control-Request-Method": "GET"}, 200),
    ],
)
def test_public_routes_mode(method: str, path: str, headers: dict[str, str], status: int) -> None:
    response = PUBLIC_ROUTES_APP.test_client().open(path, method=method, headers=headers)
    assert response.status_code == status


def test_script_name_prefix() -> None:
    app = build_app(public_routes=["/plain"])
    app.add_url_rule("/page", "page", identity)
    client = app.test_client()
    prefix = {"base_url": "http://testserver/mounted"}
    assert client.get("/plain", headers=API, **prefix).status_code == 200  # matcher saw /plain
    response = client.get("/page?x=1", headers=PAGE, **prefix)
    assert response.status_code == 307
    expected = f"{SIGN_IN}?redirect_url=http%3A%2F%2Ftestserver%2Fmounted%2Fpage%3Fx%3D1"
    assert response.headers["Location"] == expected


def _sync_handler(auth: Auth, req: Any) -> Any:
    if req.path == "/plain" and not auth.is_signed_in:
        return jsonify(error="custom"), 418
    if req.path == "/sync":
        auth.protect(role="org:admin")
    return None


async def _async_handler(auth: Auth, req: Any) -> Any:
    return _sync_handler(auth, req)


@pytest.mark.parametrize("handler", [_sync_handler, _async_handler])
@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/plain", API, 418),  # short-circuit response
        ("/plain", bearer(MEMBER), 200),
        ("/sync", bearer(MEMBER), 403),  # the handler's protect() is rendered per SPEC §6
        ("/sync", bearer(ADMIN), 200),
        ("/public/x", API, 404),  # public routes do not run the handler
    ],
)
def test_handler(handler: Any, path: str, headers: dict[str, str], status: int) -> None:
    app = build_app(handler=handler, public_routes=["/public(.*)"])
    response = app.test_client().get(path, headers=headers)
    assert response.status_code == status
    assert response.headers.getlist("Vary") == ["Authorization, Cookie"]


def test_custom_unauthenticated_and_unauthorized_hooks() -> None:
    ext = AuthGuard()
    seen: list[type[Exception]] = []

    @ext.unauthenticated_handler
    def login(error: Unauthenticated) -> Any:
        seen.append(type(error))
        return redirect(f"/login?next={request.path}")

    @ext.unauthorized_handler
    async def forbidden(error: Unauthorized) -> Any:
        seen.append(type(error))
        return "no entry", 403

    app = Flask(__name__)
    app.config["AUTHGUARD_JWT_KEY"] = make_settings().jwt_key
    ext.init_app(app)
    app.add_url_rule("/admin", "admin", protect(role="org:admin")(identity))
    client = app.test_client()
    anon = client.get("/admin", headers=API)
    assert (anon.status_code, anon.headers["Location"]) == (302, "/login?next=/admin")
    member = client.get("/admin", headers=bearer(MEMBER))
    assert (member.status_code, member.text) == (403, "no entry")
    assert seen == [Unauthenticated, Unauthorized]


def test_page_403_goes_through_the_apps_error_handler() -> None:
    app = build_app()

    @app.errorhandler(403)
    def forbidden_page(_error: Exception) -> Any:
        return "<h1>Our own 403 page</h1>", 403

    client = app.test_client()
    page = client.get("/bp/admin", headers={**PAGE, "Authorization": f"Bearer {MEMBER}"})
    assert (page.status_code, page.text) == (403, "<h1>Our own 403 page</h1>")
    assert page.headers["Cache-Control"] == "no-store"
    api = client.get("/bp/admin", headers=bearer(MEMBER))
    assert (api.status_code, api.get_json()) == (403, {"error": "forbidden"})


def test_current_auth_in_views_is_the_request_auth() -> None:
    app = build_app()

    @app.get("/whoami")
    def whoami() -> Any:
        return jsonify(current_auth.to_dict())

    body = app.test_client().get("/whoami", headers=bearer(ADMIN)).get_json()
    assert (body["user_id"], body["org_role"], body["is_signed_in"]) == (
        "user_admin",
        "org:admin",
        True,
    )
    assert "token" not in body
