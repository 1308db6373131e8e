"""The Flask extension's express lane (a repeated Bearer token) answers exactly as the full path.

The first request of a token takes the full path and caches it; the second takes the express
lane (counted by a spy on ``Guard.express``). Both responses must be byte-identical, including
the ones built from the request described lazily: redirects (return URL) and error pages.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from flask.wrappers import Response

from authguard.flask import AuthGuard, current_auth, protect
from tests.integrations.flask.flask_helpers import (
    admin_token,
    handler_protects,
    make_settings,
    member_token,
)

Answer = tuple[str, list[tuple[str, str]], bytes]


def build_app(**options: Any) -> Flask:
    settings = options.pop("settings", None) or make_settings()
    app = Flask(__name__)
    AuthGuard(app, settings=settings, **options)
    seen: dict[str, Any] = {}
    app.config["seen"] = seen

    @app.get("/admin")
    @protect(role="org:admin")
    def admin() -> str:
        return f"admin {current_auth.user_id}"

    @app.get("/admin-async")
    @protect(role="admin")
    async def admin_async() -> str:
        return f"async admin {current_auth.user_id}"

    @app.get("/bounce")
    def bounce() -> str:
        current_auth.redirect_to_sign_in()
        return "unreachable"

    @app.route("/plain", methods=["GET", "OPTIONS"])
    def plain() -> Response:
        seen["state"] = g.get("_authguard")
        return Response("plain", headers={"Vary": "Accept"})

    return app


def answer(client: FlaskClient, path: str, **headers: str) -> Answer:
    response = client.open(path, method=headers.pop("method", "GET"), headers=headers)
    return response.status, response.headers.to_wsgi_list(), response.get_data()


def twice(client: FlaskClient, path: str, **headers: str) -> tuple[Answer, Answer]:
    return answer(client, path, **headers), answer(client, path, **headers)


PATHS = ["/admin", "/admin-async", "/bounce?next=%2Fx&y=1", "/plain"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("mint", [admin_token, member_token])
@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_second_request_is_express_and_identical(
    hits: list[bool], path: str, mint: Any, accept: str
) -> None:
    client = build_app().test_client()
    first, second = twice(client, path, Authorization=f"Bearer {mint()}", Accept=accept)
    assert hits == [False, True]  # cached by the full path, then answered by the lane
    assert second == first


@pytest.mark.parametrize(
    ("path", "mint", "accept", "status", "location"),
    [
        ("/admin", admin_token, "application/json", "200 OK", None),
        ("/admin-async", admin_token, "application/json", "200 OK", None),
        ("/admin", member_token, "application/json", "403 FORBIDDEN", None),
        ("/admin-async", member_token, "text/html", "403 FORBIDDEN", None),
        ("/bounce?next=%2Fx", admin_token, "text/html", "307 TEMPORARY REDIRECT", "%2Fx"),
    ],
)
def test_express_answers_are_the_spec_answers(
    hits: list[bool], path: str, mint: Any, accept: str, status: str, location: str | None
) -> None:
    # The pairs above are equal; this pins what they are equal to (SPEC §6).
    client = build_app().test_client()
    _, (got, headers, _body) = twice(client, path, Authorization=f"Bearer {mint()}", Accept=accept)
    assert hits[-1] is True
    assert got == status
    assert ("Vary", "Authorization, Cookie") in headers
    if status == "403 FORBIDDEN":
        is_json = dict(headers)["Content-Type"] == "application/json"
        assert is_json == (accept == "application/json")
    if location is not None:
        redirect = dict(headers)["Location"]
        assert "sign-in?redirect_url=http%3A%2F%2Ftestserver%2Fbounce%3Fnext%3D" in redirect
        assert redirect.endswith(location)


def test_express_state_matches_the_full_path(hits: list[bool]) -> None:
    app = build_app()
    client, seen = app.test_client(), app.config["seen"]
    tok = admin_token()
    states = []
    for _ in range(2):
        assert client.get("/plain", headers={"Authorization": f"Bearer {tok}"}).status_code == 200
        ctx = seen["state"]
        states.append((ctx.state.status, ctx.state.token, ctx.state.headers, ctx.info.path))
        assert ctx.auth is ctx.state.auth
        assert ctx.auth.user_id == "user_admin"
    assert hits == [False, True]
    assert states[0] == states[1] == ("signed-in", tok, (), "/plain")


@pytest.mark.parametrize(
    ("options", "headers", "calls"),
    [
        ({"skip": ["/nothing"]}, {}, 0),
        ({"handler": handler_protects}, {}, 0),
        ({"settings": make_settings(debug=True)}, {}, 2),
        ({}, {"method": "OPTIONS", "Access-Control-Request-Method": "GET"}, 0),
        ({}, {"method": "OPTIONS"}, 0),
    ],
)
def test_configurations_that_keep_the_full_path(
    hits: list[bool], options: dict[str, Any], headers: dict[str, str], calls: int
) -> None:
    client = build_app(**options).test_client()
    first, second = twice(client, "/plain", Authorization=f"Bearer {admin_token()}", **headers)
    assert hits == [False] * calls  # asked (or not) and never answered
    assert second == first


def test_public_routes_alone_keeps_the_lane(hits: list[bool]) -> None:
    client = build_app(public_routes=["/plain"]).test_client()
    first, second = twice(client, "/admin", Authorization=f"Bearer {admin_token()}")
    assert hits == [False, True]
    assert second == first
    assert first[0] == "200 OK"


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer {t}, Bearer {t}",  # two headers, joined by the WSGI server
        "bearer {t}",
        "Bearer  {t}",
        "Bearer {t} ",
        " Bearer {t}",
    ],
)
def test_other_forms_of_a_cached_token_take_the_full_path(
    hits: list[bool], authorization: str
) -> None:
    client = build_app().test_client()
    tok = admin_token()
    answer(client, "/admin", Authorization=f"Bearer {tok}")  # caches the token
    first, second = twice(client, "/admin", Authorization=authorization.format(t=tok))
    assert hits[0] is False
    assert True not in hits[1:]
    assert second == first
