"""Return URLs under forged hosts, and public-route matching under a mount prefix.

Forged hosts: with ``authorized_parties`` (and no ``app_origin``) the return URL never takes the
attacker's origin. Django refuses a Host outside ``ALLOWED_HOSTS`` itself (400), which is also
fine: the only wrong answer is a ``Location`` pointing elsewhere.

Mounts: matching sees the path the mounted app routes on (SPEC §7), so ``public_routes`` of an app
mounted at ``/mnt`` are written without the prefix, and nothing under the mount leaks.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from harness import SIGN_IN_URL, base_settings
from servers import SERVED, adapter
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client

PAGE = [("accept", "text/html")]
FORGED = [
    [("host", "evil.example")],
    [("x-forwarded-host", "evil.example")],
    [
        ("host", "evil.example"),
        ("x-forwarded-host", "evil.example"),
        ("x-forwarded-proto", "https"),
    ],
    [("host", "testserver.evil.example")],
    [("host", "testserver@evil.example")],
]
SETTINGS: list[dict[str, Any]] = [
    {"app_origin": None, "authorized_parties": ("http://testserver",)},
    {"app_origin": "http://testserver"},
]


def _return_origin(location: str) -> str:
    assert location.startswith(SIGN_IN_URL), location
    (target,) = parse_qs(urlsplit(location).query)["redirect_url"]
    parts = urlsplit(target)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.mark.parametrize("overrides", SETTINGS)
@pytest.mark.parametrize("forged", FORGED)
@pytest.mark.parametrize("name", SERVED)
def test_forged_host_never_becomes_the_return_origin(
    name: str, forged: list[tuple[str, str]], overrides: dict[str, Any]
) -> None:
    client = adapter(name).make_client(base_settings(**overrides), "decorators")
    response = client.request("GET", "/signed-in", PAGE + forged)
    if name == "django" and response.status == 400:
        return  # DisallowedHost: Django's own host validation refused the request
    assert response.status == 307
    assert _return_origin(response.header("location") or "") == "http://testserver"


@pytest.mark.parametrize("name", SERVED)
def test_forged_host_and_custom_unauthenticated_url(name: str) -> None:
    client = adapter(name).make_client(base_settings(), "decorators")
    response = client.request("GET", "/custom", [("host", "evil.example")])
    assert response.status in (307, 400)
    if response.status == 307:
        assert (response.header("location") or "").startswith("http://testserver/login")


def _starlette_mounted(name: str) -> TestClient:
    inner = adapter(name).build_app(base_settings(), "public_routes")
    return TestClient(Starlette(routes=[Mount("/mnt", app=inner)]), follow_redirects=False)


def _flask_mounted() -> Client:
    inner = adapter("flask").build_app(base_settings(), "public_routes")
    return Client(DispatcherMiddleware(NotFound(), {"/mnt": inner}))


MOUNT_CASES = [
    ("/mnt/public", 200),
    ("/mnt/", 200),
    ("/mnt/admin", 401),
    ("/mnt/ADMIN", 401),
    ("/mnt//admin", 401),
    ("/mnt/admin;x", 401),
    ("/mnt/mnt/public", 401),
    ("/mnt/public/x", 404),
]


@pytest.mark.parametrize(("path", "status"), MOUNT_CASES)
@pytest.mark.parametrize("name", ["starlette", "fastapi", "flask"])
def test_public_routes_under_a_mount(name: str, path: str, status: int) -> None:
    headers = {"accept": "application/json"}
    if name == "flask":
        answer = _flask_mounted().get(path, headers=headers)
        code, body = answer.status_code, answer.get_data()
    else:
        reply = _starlette_mounted(name).get(path, headers=headers)
        code, body = reply.status_code, reply.content
    assert code == status, body[:200]
    if status == 200:
        assert b"null" in body
