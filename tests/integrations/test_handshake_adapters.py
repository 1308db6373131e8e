"""SPEC §12 through each framework's own response object: every handshake directive stays its
own ``Set-Cookie`` line (never comma-joined), the handshake is a bare 307 answered before the
view runs, and production requests carry the new cookies on the app's own response."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from authguard.settings import Settings
from authguard.testing import KeyPair, mint_session_token, sign_jwt

_DJANGO_SUPPORT = str(Path(__file__).resolve().parent / "django")
if _DJANGO_SUPPORT not in sys.path:
    sys.path.insert(0, _DJANGO_SUPPORT)

from djt_support import (  # type: ignore[import-not-found]  # noqa: E402 -- path above
    ensure_django,
    wsgi_call,
)

ensure_django()

KEY = KeyPair.generate(kid="ins_adapters")
DEV_PK = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"
LIVE_PK = "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k"
PAGE = [("accept", "text/html")]
LOOP = "__clerk_redirect_count=1; SameSite=Lax; HttpOnly; Max-Age=2; Path=/"
FAPI = "https://foo-bar-13.clerk.accounts.dev/v1/client/handshake?"


def directives() -> list[str]:
    token = mint_session_token(KEY, user_id="user_hs")
    return [
        f"__session={token}; Path=/; SameSite=Lax; HttpOnly",
        "__client_uat=1700000000; Path=/; SameSite=Lax; Max-Age=31536000",
        "__clerk_db_jwt=dvb_new; Path=/; SameSite=Lax",
        "__clerk_handshake=; Path=/; Max-Age=0",
    ]


def handshake_query(cookies: list[str]) -> str:
    header = {"alg": "RS256", "typ": "JWT", "kid": KEY.kid}
    return "__clerk_handshake=" + sign_jwt(KEY, header, {"handshake": cookies})


def settings(pk: str) -> Settings:
    return Settings(jwt_key=KEY.public_pem(), publishable_key=pk, app_origin="http://testserver")


# -- one client per framework: (status, Set-Cookie lines, Location, body) ----------------

Answer = tuple[int, list[str], str | None, bytes]
Client = Callable[[Settings, str, list[tuple[str, str]]], Answer]


def starlette_client(config: Settings, path: str, headers: list[tuple[str, str]]) -> Answer:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from authguard.starlette import AuthGuardMiddleware

    async def page(request: Request) -> JSONResponse:
        response = JSONResponse({"user_id": request.scope["auth"].user_id})
        response.set_cookie("app_cookie", "1")
        return response

    app = Starlette(
        routes=[Route("/page", page)],
        middleware=[Middleware(AuthGuardMiddleware, settings=config)],
    )
    with TestClient(app, follow_redirects=False) as client:
        answer = client.get(path, headers=headers)
    cookies = answer.headers.get_list("set-cookie")
    return answer.status_code, cookies, answer.headers.get("location"), answer.content


def flask_client(config: Settings, path: str, headers: list[tuple[str, str]]) -> Answer:
    from flask import Flask, jsonify

    from authguard.flask import AuthGuard, current_auth

    app = Flask("handshake")
    AuthGuard(app, settings=config)

    @app.get("/page")
    def page() -> Any:
        response = jsonify(user_id=current_auth.user_id)
        response.set_cookie("app_cookie", "1")
        return response

    answer = app.test_client(use_cookies=False).get(path, headers=headers)
    cookies = answer.headers.getlist("Set-Cookie")
    return answer.status_code, cookies, answer.headers.get("Location"), answer.data


def _django_urls() -> ModuleType:
    from django.http import HttpRequest, JsonResponse
    from django.urls import path as route

    from authguard.django import get_auth

    def page(request: HttpRequest) -> JsonResponse:
        response = JsonResponse({"user_id": get_auth(request).user_id})
        response.set_cookie("app_cookie", "1")
        return response

    module = ModuleType("authguard_handshake_adapter_urls")
    module.urlpatterns = [route("page", page)]  # type: ignore[attr-defined]
    return module


def _django_overrides(config: Settings) -> dict[str, Any]:
    fields = ("jwt_key", "publishable_key", "app_origin")
    return {
        "AUTHGUARD": {name.upper(): getattr(config, name) for name in fields},
        "ROOT_URLCONF": _django_urls(),
        "MIDDLEWARE": ["authguard.django.middleware.AuthGuardMiddleware"],
    }


def django_client(config: Settings, path: str, headers: list[tuple[str, str]]) -> Answer:
    """Django's test client (``response.cookies`` is how Django holds Set-Cookie lines)."""
    from django.test import Client as DjangoTestClient
    from django.test import override_settings

    with override_settings(**_django_overrides(config)):
        answer = DjangoTestClient().get(path, headers=dict(headers))
    cookies = [morsel.OutputString() for morsel in answer.cookies.values()]
    if "Set-Cookie" in answer.headers:
        cookies.append(answer.headers["Set-Cookie"])
    return answer.status_code, cookies, answer.headers.get("Location"), answer.content


def django_wsgi(config: Settings, path: str, headers: list[tuple[str, str]]) -> Answer:
    """The raw lines Django's WSGI handler hands the server."""
    from django.test import override_settings

    with override_settings(**_django_overrides(config)):
        raw = wsgi_call("GET", path, headers)
    return raw.status, raw.all("set-cookie"), raw.one("location"), raw.body


CLIENTS: dict[str, Client] = {
    "starlette": starlette_client,
    "flask": flask_client,
    "django": django_client,
    "django-wsgi": django_wsgi,
}


def _same_lines(actual: list[str], expected: list[str]) -> None:
    # Each expected directive is one whole line, exactly once; nothing was comma-joined.
    for directive in expected:
        assert actual.count(directive) == 1, (directive, actual)


@pytest.mark.parametrize("framework", CLIENTS)
def test_handshake_redirect_is_a_bare_307(framework: str) -> None:
    cookie = [("cookie", "__client_uat=5; __clerk_db_jwt=dvb")]
    status, cookies, location, body = CLIENTS[framework](settings(DEV_PK), "/page", PAGE + cookie)
    assert status == 307
    assert location is not None
    assert location.startswith(FAPI + "redirect_url=http%3A%2F%2Ftestserver%2Fpage&")
    assert cookies == [LOOP]  # the view never ran: no app_cookie
    assert b"user_id" not in body


@pytest.mark.parametrize("framework", CLIENTS)
def test_development_return_redirects_with_every_cookie(framework: str) -> None:
    expected = directives()
    path = f"/page?x=1&{handshake_query(expected)}"
    status, cookies, location, _ = CLIENTS[framework](settings(DEV_PK), path, PAGE)
    assert status == 307
    assert location == "http://testserver/page?x=1"
    _same_lines(cookies, expected)
    assert len(cookies) == len(expected)


@pytest.mark.parametrize("framework", CLIENTS)
def test_production_return_continues_with_every_cookie(framework: str) -> None:
    expected = directives()
    path = f"/page?{handshake_query(expected)}"
    status, cookies, location, body = CLIENTS[framework](settings(LIVE_PK), path, PAGE)
    assert status == 200
    assert location is None
    assert b"user_hs" in body
    _same_lines(cookies, expected)
    assert any(line.startswith("app_cookie=1") for line in cookies)
    assert len(cookies) == len(expected) + 1


@pytest.mark.parametrize("framework", CLIENTS)
def test_api_fetch_with_expired_cookie_is_never_redirected(framework: str) -> None:
    expired = mint_session_token(KEY, expires_in=-3600)
    cookie = f"__session={expired}; __client_uat=1; __clerk_db_jwt=dvb"
    headers = [("accept", "application/json"), ("cookie", cookie)]
    status, cookies, location, body = CLIENTS[framework](settings(DEV_PK), "/page", headers)
    assert (status, location) == (200, None)  # a public view: signed-out, not a handshake
    assert b'"user_id": null' in body.replace(b'":null', b'": null')
    assert not any(line.startswith("__clerk_redirect_count") for line in cookies)
