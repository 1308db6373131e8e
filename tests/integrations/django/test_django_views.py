"""Function, async and class-based views through the sync and the async test client."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import AsyncClient, Client, override_settings
from djt_settings import AUTHGUARD, SIGN_IN
from djt_tokens import bearer

from authguard.auth import Auth

API = {"accept": "application/json"}
PAGE = {"accept": "text/html"}
PUBLIC_ROUTES = {**AUTHGUARD, "PUBLIC_ROUTES": ["/", "/public(.*)"]}


def _get(kind: str, path: str, headers: dict[str, str]) -> Any:
    """One GET through the WSGI-style ``Client`` or the ASGI ``AsyncClient``."""
    if kind == "sync":
        return Client().get(path, headers=headers)

    async def call() -> Any:
        return await AsyncClient().get(path, headers=headers)

    return async_to_sync(call)()


CLIENTS = ["sync", "async"]

# (path, token recipe, expected status, expected user_id)
DECORATED = [
    ("/", None, 200, None),
    ("/signed-in", None, 401, None),
    ("/signed-in", "user", 200, "user_plain"),
    ("/admin", "member", 403, None),
    ("/admin", "admin", 200, "user_admin"),
    ("/admin", "forged", 401, None),
    ("/async-admin", None, 401, None),
    ("/async-admin", "member", 403, None),
    ("/async-admin", "admin", 200, "user_admin"),
    ("/async-signed-in", "user", 200, "user_plain"),
    ("/cbv-admin", None, 401, None),
    ("/cbv-admin", "member", 403, None),
    ("/cbv-admin", "admin", 200, "user_admin"),
    ("/cbv-get-only", "member", 403, None),
    ("/cbv-get-only", "admin", 200, "user_admin"),
    ("/cbv-public", None, 200, None),
]


@pytest.mark.parametrize("kind", CLIENTS)
@pytest.mark.parametrize(("path", "token", "status", "user_id"), DECORATED)
def test_decorated_views(
    kind: str, path: str, token: str | None, status: int, user_id: str | None
) -> None:
    response = _get(kind, path, {**API, **bearer(token)})
    assert response.status_code == status, response.content
    assert "Authorization" in response["Vary"]
    assert "Cookie" in response["Vary"]
    if status == 200:
        assert response.json()["user_id"] == user_id
    if status == 401:
        assert response["WWW-Authenticate"].startswith('Bearer realm="authguard"')
        assert response["Cache-Control"] == "no-store"


# PUBLIC_ROUTES alone: everything else needs a signed-in user, unless the view is @public.
GLOBAL = [
    ("/", None, 200),
    ("/public/anything", None, 404),  # public, so the 404 of the URLconf shows
    ("/whoami", None, 401),
    ("/whoami", "user", 200),
    ("/open", None, 200),  # @public wins over "protect everything else"
    ("/cbv-public", None, 200),  # method_decorator(public, name="dispatch")
    ("/cbv-public-class", None, 200),  # @public on the class
    ("/no-such-page", None, 401),  # unknown URLs do not reveal themselves to signed-out users
    ("/no-such-page", "user", 404),
    ("/admin", "member", 403),  # decorators still apply
    ("/async-whoami", None, 401),
    ("/async-whoami", "user", 200),
]


@pytest.mark.parametrize("kind", CLIENTS)
@pytest.mark.parametrize(("path", "token", "status"), GLOBAL)
def test_public_routes(kind: str, path: str, token: str | None, status: int) -> None:
    with override_settings(AUTHGUARD=PUBLIC_ROUTES):
        response = _get(kind, path, {**API, **bearer(token)})
    assert response.status_code == status, response.content


@pytest.mark.parametrize("kind", CLIENTS)
def test_public_routes_page_redirects_to_sign_in(kind: str) -> None:
    with override_settings(AUTHGUARD=PUBLIC_ROUTES):
        response = _get(kind, "/whoami?x=1", PAGE)
    assert response.status_code == 307
    assert response["Location"].startswith(f"{SIGN_IN}?redirect_url=http%3A%2F%2Ftestserver")


def sync_handler(auth: Auth, request: HttpRequest) -> HttpResponse | None:
    if request.path_info.startswith("/whoami"):
        auth.protect(role="org:admin")
    if request.path_info == "/teapot":
        return HttpResponse("short-circuit", status=418)
    return None


async def async_handler(auth: Auth, request: HttpRequest) -> HttpResponse | None:
    return sync_handler(auth, request)


HANDLED = [
    ("/", None, 200),
    ("/whoami", None, 401),
    ("/whoami", "member", 403),
    ("/whoami", "admin", 200),
    ("/teapot", None, 418),
    ("/public/teapot", None, 404),  # public routes do not run the handler
]


@pytest.mark.parametrize("handler", [sync_handler, async_handler, f"{__name__}.sync_handler"])
@pytest.mark.parametrize("kind", CLIENTS)
@pytest.mark.parametrize(("path", "token", "status"), HANDLED)
def test_handler(kind: str, handler: Any, path: str, token: str | None, status: int) -> None:
    config = {**AUTHGUARD, "HANDLER": handler, "PUBLIC_ROUTES": ["/public(.*)"]}
    with override_settings(AUTHGUARD=config):
        response = _get(kind, path, {**API, **bearer(token)})
    assert response.status_code == status, response.content
    assert "Authorization" in response["Vary"]


@pytest.mark.parametrize("kind", CLIENTS)
def test_skip_leaves_request_untouched(kind: str) -> None:
    with override_settings(AUTHGUARD={**AUTHGUARD, "SKIP": ["/whoami"]}):
        response = _get(kind, "/whoami", bearer("user"))
    # get_auth authenticates on demand; the middleware did not add Vary
    assert response.status_code == 200
    assert response.json()["user_id"] == "user_plain"
    assert "Authorization" not in response.get("Vary", "")


def test_override_settings_takes_effect() -> None:
    assert Client().get("/whoami", headers=API).status_code == 200
    with override_settings(AUTHGUARD=PUBLIC_ROUTES):
        assert Client().get("/whoami", headers=API).status_code == 401
    assert Client().get("/whoami", headers=API).status_code == 200


def test_preflight_is_never_refused() -> None:
    headers = {"access-control-request-method": "POST", "origin": "http://elsewhere"}
    with override_settings(AUTHGUARD=PUBLIC_ROUTES):
        response = Client().options("/whoami", headers=headers)
    assert response.status_code == 200
    assert Client().options("/admin", headers=headers).status_code == 200


def test_page_403_renders_the_sites_handler403_template() -> None:
    response = Client().get("/admin", headers={**PAGE, **bearer("member")})
    assert response.status_code == 403
    assert b"site forbidden page" in response.content
    assert response["Cache-Control"] == "no-store"
    assert "Cookie" in response["Vary"]


async def test_page_403_from_handler_renders_template_async() -> None:
    config = {**AUTHGUARD, "HANDLER": sync_handler}
    with override_settings(AUTHGUARD=config):
        response = await AsyncClient().get("/whoami", headers={**PAGE, **bearer("member")})
    assert response.status_code == 403
    assert b"site forbidden page" in response.content
    assert response["Cache-Control"] == "no-store"


def test_hide_protected_routes_renders_404_page() -> None:
    with override_settings(AUTHGUARD={**AUTHGUARD, "HIDE_PROTECTED_ROUTES": True}):
        response = Client().get("/admin", headers={**PAGE, **bearer("member")})
    assert response.status_code == 404
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("app_origin", ["http://testserver", None])
def test_disallowed_host_is_not_a_500_and_not_followed(app_origin: str | None) -> None:
    with override_settings(AUTHGUARD={**AUTHGUARD, "APP_ORIGIN": app_origin}):
        response = Client(HTTP_HOST="evil.example").get("/signed-in", headers=PAGE)
    assert response.status_code == 307
    assert response["Location"].startswith(f"{SIGN_IN}?redirect_url=http%3A%2F%2Ftestserver")
    assert "evil" not in response["Location"]


def test_context_processor_exposes_auth() -> None:
    response = Client().get("/template", headers=bearer("user"))
    assert b"auth=user_plain signed_in=True user=user_plain" in response.content


def test_get_auth_rejects_non_requests() -> None:
    from authguard.django import get_auth

    with pytest.raises(TypeError):
        get_auth(object())


def test_json_view_receives_auth_even_for_public_path() -> None:
    response = Client().get("/", headers=bearer("admin"))
    assert response.json() == {"user_id": "user_admin", "org_role": "org:admin"}
    assert isinstance(response, JsonResponse)


@pytest.mark.parametrize("kind", CLIENTS)
@pytest.mark.parametrize(
    ("path", "token", "status"),
    [("/admin", "member", 403), ("/async-admin", "admin", 200), ("/cbv-admin", None, 401)],
)
def test_protect_without_the_middleware(
    kind: str, path: str, token: str | None, status: int
) -> None:
    with override_settings(MIDDLEWARE=[]):
        response = _get(kind, path, {**API, **bearer(token)})
    assert response.status_code == status, response.content
