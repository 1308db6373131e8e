"""``current_user()`` in every adapter, against the running dev server's Backend API.

Each view asks for the user three times; a counting transport (real HTTP on loopback) proves
the Backend API was called once per request. Signed-out requests make no call at all.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from django.http import HttpRequest, JsonResponse
from django.test import Client
from django.test.utils import override_settings
from django.urls import path
from fastapi import Depends, FastAPI
from flask import Flask
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

import authguard.django as ag_django
from authguard import fastapi as ag_fastapi
from authguard import flask as ag_flask
from authguard import starlette as ag_starlette
from authguard.backend import AsyncBackendAPI, BackendAPI, BackendAPIError, User
from authguard.backend.current_user import TTLUserCache
from authguard.dev.config import DevConfig
from authguard.dev.server import DevServer
from authguard.integrations import fastapi as fastapi_adapter
from authguard.settings import Settings
from authguard.testing import KeyPair, mint_session_token

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "django"))
from djt_support import ensure_django  # type: ignore[import-not-found]  # Django test settings

ensure_django()

Get = Callable[[dict[str, str]], dict[str, Any]]


class Counting(httpx.HTTPTransport):
    def __init__(self, paths: list[str]) -> None:
        super().__init__()
        self.paths = paths

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return super().handle_request(request)


class ACounting(httpx.AsyncHTTPTransport):
    def __init__(self, paths: list[str]) -> None:
        super().__init__()
        self.paths = paths

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await super().handle_async_request(request)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with DevServer(DevConfig(data_dir=tmp_path_factory.mktemp("dev"), port=0)) as srv:
        yield srv


@pytest.fixture(scope="module")
def key(server: DevServer) -> KeyPair:
    assert server.context is not None
    return server.context.instance.key


@pytest.fixture
def settings(server: DevServer, key: KeyPair) -> Settings:
    assert server.context is not None
    return Settings(secret_key=server.context.instance.secret_key, api_url=server.url,
                    jwt_key=key.public_pem(), publishable_key=server.context.publishable_key,
                    app_origin="http://testserver")  # fmt: skip


def summary(users: list[User | None], token_ok: bool, template_status: int) -> dict[str, Any]:
    return {"ids": [u.id if u else None for u in users], "token_ok": token_ok,
            "template": template_status}  # fmt: skip


# -- one app per adapter: factory(settings, sync kwargs, async kwargs) -> get ---------------


def starlette_get(settings: Settings, kw: dict[str, Any], akw: dict[str, Any]) -> Get:
    async def view(request: Request) -> JSONResponse:
        users = [await ag_starlette.current_user(request, **akw) for _ in range(3)]
        token = await ag_starlette.get_session_token(request, client=akw.get("client"))
        try:
            await ag_starlette.get_session_token(request, "supabase", client=akw.get("client"))
            status = 200
        except BackendAPIError as exc:
            status = exc.status
        return JSONResponse(summary(users, token == request.scope["auth"].token, status))

    middleware = [Middleware(ag_starlette.AuthGuardMiddleware, settings=settings)]
    app = Starlette(routes=[Route("/me", view)], middleware=middleware)
    client = TestClient(app)
    return lambda headers: client.get("/me", headers=headers).json()


def fastapi_get(settings: Settings, kw: dict[str, Any], akw: dict[str, Any]) -> Get:
    first = ag_fastapi.current_user_dependency(**akw)
    second = ag_fastapi.current_user_dependency(**akw)

    # FastAPI dedupes one dependency per request; distinct ones each ask current_user()
    async def via_subdependency(user: User | None = Depends(second)) -> User | None:
        return user

    app = FastAPI(middleware=[Middleware(ag_fastapi.AuthGuardMiddleware, settings=settings)])

    @app.get("/me")
    async def me(
        request: Request,
        auth: ag_fastapi.CurrentAuth,
        one: User | None = Depends(first),
        two: User | None = Depends(via_subdependency),
    ) -> dict[str, Any]:
        three = await ag_starlette.current_user(request, **akw)
        dep = ag_fastapi.session_token_dependency("supabase", client=akw.get("client"))
        try:
            await dep(request, auth)
            status = 200
        except BackendAPIError as exc:
            status = exc.status
        token = await ag_fastapi.get_session_token(request, client=akw.get("client"))
        return summary([one, two, three], token == auth.token, status)

    client = TestClient(app)
    return lambda headers: client.get("/me", headers=headers).json()


def flask_get(settings: Settings, kw: dict[str, Any], akw: dict[str, Any]) -> Get:
    app = Flask(__name__)
    ag_flask.AuthGuard(app, settings=settings)

    @app.get("/me")
    def me() -> Any:
        users = [ag_flask.get_current_user(**kw) for _ in range(3)]
        token = ag_flask.get_session_token(client=kw.get("client"))
        try:
            ag_flask.get_session_token("supabase", client=kw.get("client"))
            status = 200
        except BackendAPIError as exc:
            status = exc.status
        return summary(users, token == ag_flask.get_auth().token, status)

    client = app.test_client()
    return lambda headers: client.get("/me", headers=headers).get_json()  # type: ignore[no-any-return]


def _django(settings: Settings, view: Callable[..., Any]) -> Get:
    urls = ModuleType("current_user_test_urls")
    urls.urlpatterns = [path("me", view)]  # type: ignore[attr-defined]
    config = {"SECRET_KEY": settings.secret_key, "API_URL": settings.api_url,
              "JWT_KEY": settings.jwt_key, "PUBLISHABLE_KEY": settings.publishable_key,
              "APP_ORIGIN": "http://testserver"}  # fmt: skip

    def get(headers: dict[str, str]) -> dict[str, Any]:
        middleware = ["authguard.django.middleware.AuthGuardMiddleware"]
        with override_settings(ROOT_URLCONF=urls, AUTHGUARD=config, MIDDLEWARE=middleware):
            return json.loads(Client().get("/me", headers=headers).content)  # type: ignore[no-any-return]

    return get


def django_get(settings: Settings, kw: dict[str, Any], akw: dict[str, Any]) -> Get:
    def me(request: HttpRequest) -> JsonResponse:
        users = [ag_django.current_user(request, **kw) for _ in range(3)]
        token = ag_django.session_token(request, client=kw.get("client"))
        try:
            ag_django.session_token(request, "supabase", client=kw.get("client"))
            status = 200
        except BackendAPIError as exc:
            status = exc.status
        return JsonResponse(summary(users, token == ag_django.get_auth(request).token, status))

    return _django(settings, me)


def django_async_get(settings: Settings, kw: dict[str, Any], akw: dict[str, Any]) -> Get:
    async def me(request: HttpRequest) -> JsonResponse:
        users = [await ag_django.acurrent_user(request, **akw) for _ in range(3)]
        token = await ag_django.asession_token(request, client=akw.get("client"))
        try:
            await ag_django.asession_token(request, "supabase", client=akw.get("client"))
            status = 200
        except BackendAPIError as exc:
            status = exc.status
        auth = await ag_django.aget_auth(request)
        return JsonResponse(summary(users, token == auth.token, status))

    return _django(settings, me)


ADAPTERS = {"starlette": starlette_get, "fastapi": fastapi_get, "flask": flask_get,
            "django": django_get, "django-async": django_async_get}  # fmt: skip


@pytest.fixture(params=sorted(ADAPTERS))
def adapter(request: pytest.FixtureRequest) -> Callable[..., Get]:
    return ADAPTERS[request.param]  # type: ignore[no-any-return]


def counting_clients(settings: Settings) -> tuple[list[str], BackendAPI, AsyncBackendAPI]:
    paths: list[str] = []
    sync = BackendAPI(settings, transport=Counting(paths))
    return paths, sync, AsyncBackendAPI(settings, transport=ACounting(paths))


def bearer(key: KeyPair, user_id: str, sid: str = "sess_nothere") -> dict[str, str]:
    return {"authorization": "Bearer " + mint_session_token(key, user_id=user_id, session_id=sid)}


def user_calls(paths: list[str]) -> list[str]:
    return [p for p in paths if p.startswith("/v1/users/")]


@pytest.mark.parametrize("requests", [1, 3])
def test_fetched_once_per_request(
    adapter: Callable[..., Get], settings: Settings, key: KeyPair, requests: int
) -> None:
    paths, sync, async_ = counting_clients(settings)
    get = adapter(settings, {"client": sync}, {"client": async_})
    for _ in range(requests):
        body = get(bearer(key, "user_admin"))
        assert body["ids"] == ["user_admin"] * 3
        assert body["token_ok"] is True
    assert user_calls(paths) == ["/v1/users/user_admin"] * requests
    # the template token is asked of the Backend API for the token's session (404: unknown)
    assert body["template"] == 404
    assert "/v1/sessions/sess_nothere/tokens/supabase" in paths


def test_signed_out_is_none_without_a_call(adapter: Callable[..., Get], settings: Settings) -> None:
    paths, sync, async_ = counting_clients(settings)
    body = adapter(settings, {"client": sync}, {"client": async_})({})
    assert body == {"ids": [None, None, None], "token_ok": True, "template": 200}
    assert paths == []


def test_ttl_cache_shares_across_requests(
    adapter: Callable[..., Get], settings: Settings, key: KeyPair
) -> None:
    paths, sync, async_ = counting_clients(settings)
    cache = TTLUserCache(30, timer=lambda: 0.0)
    get = adapter(settings, {"client": sync, "cache": cache}, {"client": async_, "cache": cache})
    for user_id in ("user_member", "user_member", "user_other", "user_member"):
        assert get(bearer(key, user_id))["ids"] == [user_id] * 3
    assert sorted(user_calls(paths)) == ["/v1/users/user_member", "/v1/users/user_other"]


def test_default_client_uses_the_adapter_settings(
    adapter: Callable[..., Get], settings: Settings, key: KeyPair
) -> None:
    body = adapter(settings, {}, {})(bearer(key, "user_solo"))
    assert body["ids"] == ["user_solo"] * 3


def test_fastapi_current_user_without_middleware(
    settings: Settings, key: KeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        "CLERK_SECRET_KEY": settings.secret_key,
        "CLERK_API_URL": settings.api_url,
        "CLERK_JWT_KEY": settings.jwt_key,
        "CLERK_PUBLISHABLE_KEY": settings.publishable_key,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.setattr(fastapi_adapter, "_fallback_guard", None)
    app = FastAPI()

    @app.get("/me")
    async def me(user: ag_fastapi.CurrentUser) -> dict[str, Any]:
        return {"id": user.id if user else None, "meta": user.public_metadata if user else None}

    client = TestClient(app)
    assert client.get("/me", headers=bearer(key, "user_member")).json()["id"] == "user_member"
    assert client.get("/me").json() == {"id": None, "meta": None}


def test_flask_name_avoids_flask_login() -> None:
    assert not hasattr(ag_flask, "current_user")
    assert "get_current_user" in ag_flask.__all__
