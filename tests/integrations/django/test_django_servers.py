"""The same requests under Django's WSGI and ASGI handlers get identical answers."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from django.test import override_settings
from djt_settings import AUTHGUARD
from djt_support import Raw, asgi_call, wsgi_call
from djt_tokens import TOKENS

from authguard.guard import RequestState
from authguard.integrations.django.conf import get_runtime

PAGE = ("accept", "text/html")
API = ("accept", "application/json")

# (method, path, header pairs without the token, token recipe)
REQUESTS = [
    ("GET", "/", [API], None),
    ("GET", "/signed-in", [API], None),
    ("GET", "/signed-in", [PAGE], None),
    ("POST", "/signed-in", [PAGE], None),
    ("GET", "/admin", [API], "member"),
    ("GET", "/admin", [PAGE], "member"),
    ("GET", "/admin", [API], "admin"),
    ("GET", "/async-admin", [API], "admin"),
    ("GET", "/async-admin", [API], "forged"),
    ("GET", "/cbv-admin", [API], "member"),
    ("GET", "/cbv-get-only", [API], "admin"),
    ("GET", "/whoami", [API], None),
    ("GET", "/drf/admin", [API], "member"),
    ("GET", "/drf/signed-in", [API], None),
    ("GET", "/no-such-page", [API], None),
]


def _normalised(raw: Raw) -> tuple[int, list[tuple[str, str]], bytes]:
    # Django's ASGI handler leaves out Content-Length on streamed bodies; WSGI servers add it.
    headers = sorted((k, v) for k, v in raw.headers if k != "content-length")
    return raw.status, headers, raw.body


@pytest.mark.parametrize("config", ["decorators", "public_routes"])
@pytest.mark.parametrize(("method", "path", "headers", "token"), REQUESTS)
def test_wsgi_and_asgi_agree(
    config: str, method: str, path: str, headers: list[tuple[str, str]], token: str | None
) -> None:
    pairs = list(headers)
    if token is not None:
        pairs.append(("authorization", f"Bearer {TOKENS[token]()}"))
    settings = dict(AUTHGUARD)
    if config == "public_routes":
        settings["PUBLIC_ROUTES"] = ["/"]
    with override_settings(AUTHGUARD=settings):
        wsgi = wsgi_call(method, path, pairs)
        asgi = asyncio.run(asgi_call(method, path, pairs))
    assert wsgi.status not in range(500, 600)
    assert _normalised(wsgi) == _normalised(asgi)


COOKIES = (
    ("Set-Cookie", "__session=abc; Path=/; HttpOnly; SameSite=Lax"),
    ("Set-Cookie", "__client_uat=123; Path=/; Max-Age=31536000"),
    ("Set-Cookie", "__session=; Path=/admin; Max-Age=0"),
    ("x-clerk-auth-status", "signed-out"),
)


def _with_extra_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    guard = get_runtime().guard
    sync, async_ = guard.authenticate, guard.aauthenticate

    def authenticate(info: Any) -> RequestState:
        return replace(sync(info), headers=COOKIES)

    async def aauthenticate(info: Any) -> RequestState:
        return replace(await async_(info), headers=COOKIES)

    monkeypatch.setattr(guard, "authenticate", authenticate)
    monkeypatch.setattr(guard, "aauthenticate", aauthenticate)


@pytest.mark.parametrize("server", ["wsgi", "asgi"])
def test_several_set_cookie_headers_stay_separate(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_extra_headers(monkeypatch)
    if server == "wsgi":
        raw = wsgi_call("GET", "/", [API])
    else:
        raw = asyncio.run(asgi_call("GET", "/", [API]))
    assert raw.status == 200
    assert sorted(raw.all("set-cookie")) == sorted(v for k, v in COOKIES if k == "Set-Cookie")
    assert raw.one("x-clerk-auth-status") == "signed-out"
    assert raw.one("vary") == "Authorization, Cookie"


@pytest.mark.parametrize("server", ["wsgi", "asgi"])
def test_handshake_state_answers_before_the_view(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = "https://foo-bar-13.clerk.accounts.dev/v1/client/handshake?redirect_url=x"
    headers = (("Location", location), ("Set-Cookie", "__clerk_redirect_count=1; Max-Age=2"))
    guard = get_runtime().guard
    sync, async_ = guard.authenticate, guard.aauthenticate

    def authenticate(info: Any) -> RequestState:
        return replace(sync(info), status="handshake", headers=headers)

    async def aauthenticate(info: Any) -> RequestState:
        return replace(await async_(info), status="handshake", headers=headers)

    monkeypatch.setattr(guard, "authenticate", authenticate)
    monkeypatch.setattr(guard, "aauthenticate", aauthenticate)
    call = wsgi_call if server == "wsgi" else lambda *a: asyncio.run(asgi_call(*a))
    raw = call("GET", "/signed-in", [PAGE])
    assert raw.status == 307
    assert raw.one("location") == location
    assert raw.all("set-cookie") == ["__clerk_redirect_count=1; Max-Age=2"]
