"""The conformance app on Flask: ``AuthGuard`` plus ``protect(...)`` (or ``public_routes``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, jsonify
from flask import Response as FlaskResponse
from harness import Response

from authguard.flask import AuthGuard, current_auth, protect
from authguard.settings import Settings

METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"]
PUBLIC_ROUTES = ["/", "/public(.*)"]

# path -> protect() arguments (None: public, no decorator)
ROUTES: dict[str, dict[str, Any] | None] = {
    "/": None,
    "/public": None,
    "/signed-in": {},
    "/admin": {"role": "org:admin"},
    "/perm": {"permission": "org:memberships:manage"},
    "/reverify": {"reverification": "strict"},
    "/custom": {"role": "org:admin", "unauthenticated_url": "/login", "unauthorized_url": "/nope"},
}


def _identity() -> FlaskResponse:
    return jsonify(user_id=current_auth.user_id, org_role=current_auth.org_role)


def _to_sign_in() -> FlaskResponse:
    current_auth.redirect_to_sign_in()


def _view(args: dict[str, Any] | None, decorate: bool) -> Callable[[], FlaskResponse]:
    if args is None or not decorate:
        return _identity
    return protect(**args)(_identity)


def build_app(settings: Settings, mode: str) -> Flask:
    app = Flask("conformance")
    public = PUBLIC_ROUTES if mode == "public_routes" else None
    AuthGuard(app, settings=settings, public_routes=public)
    for index, (path, args) in enumerate(ROUTES.items()):
        view = _view(args, decorate=mode == "decorators")
        app.add_url_rule(path, f"route{index}", view, methods=METHODS)
    app.add_url_rule("/to-sign-in", "to_sign_in", _to_sign_in, methods=METHODS)
    return app


class FlaskClient:
    """``AdapterClient`` over Flask's test client."""

    def __init__(self, app: Flask) -> None:
        self._client = app.test_client(use_cookies=False)

    def request(self, method: str, path: str, headers: list[tuple[str, str]]) -> Response:
        result = self._client.open(
            path, method=method, headers=headers, base_url="http://testserver"
        )
        pairs = [(name.lower(), value) for name, value in result.headers.items()]
        return Response(result.status_code, pairs, result.get_data())


def make_client(settings: Settings, mode: str) -> FlaskClient:
    return FlaskClient(build_app(settings, mode))
