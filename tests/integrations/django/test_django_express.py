"""The express lane (``Guard.express``) in the Django middleware: taken for a repeated Bearer
token, and the second answer is byte for byte the first (full path) answer, WSGI and ASGI."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.test import override_settings
from djt_settings import AUTHGUARD, SIGN_IN
from djt_support import Raw, asgi_call, wsgi_call
from djt_tokens import TOKENS

API = "application/json"
PAGE = "text/html"


async def _call(mode: str, path: str, headers: list[tuple[str, str]]) -> Raw:
    if mode == "wsgi":  # off the event loop, as a WSGI server would (async views need that)
        return await asyncio.to_thread(wsgi_call, "GET", path, headers)
    return await asgi_call("GET", path, headers)


async def _twice(mode: str, path: str, headers: list[tuple[str, str]]) -> tuple[Raw, Raw]:
    return await _call(mode, path, headers), await _call(mode, path, headers)


MODES = ["wsgi", "asgi"]

# (path, token recipe, Accept, status of both answers)
CASES = [
    ("/admin", "admin", API, 200),
    ("/async-admin", "admin", API, 200),
    ("/cbv-admin", "admin", API, 200),
    ("/cbv-get-only", "admin", API, 200),
    ("/admin", "member", API, 403),
    ("/admin", "member", PAGE, 403),
    ("/async-admin", "member", API, 403),
    ("/async-admin", "member", PAGE, 403),
    ("/to-sign-in", "user", PAGE, 307),
    ("/to-sign-in", "user", API, 307),
    ("/async-to-sign-in", "user", PAGE, 307),
    ("/whoami", "user", API, 200),
    ("/async-whoami", "user", API, 200),
    ("/async-signed-in", "user", API, 200),
    ("/template", "user", PAGE, 200),
    ("/drf/admin", "admin", API, 200),
    ("/drf/signed-in", "user", API, 200),
    ("/drf/perm", "member", API, 403),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("path", "recipe", "accept", "status"), CASES)
async def test_repeated_token_takes_the_lane_and_answers_identically(
    hits: list[bool], mode: str, path: str, recipe: str, accept: str, status: int
) -> None:
    headers = [("authorization", f"Bearer {TOKENS[recipe]()}"), ("accept", accept)]
    first, second = await _twice(mode, path, headers)
    assert hits == [False, True]  # the first verifies the token, the second is express
    assert second == first
    assert first.status == status
    assert (first.one("vary") or "").endswith("Authorization, Cookie")


async def test_redirect_carries_the_return_url(hits: list[bool]) -> None:
    headers = [("authorization", f"Bearer {TOKENS['user']()}"), ("accept", PAGE)]
    _, second = await _twice("wsgi", "/to-sign-in?next=1", headers)
    assert hits == [False, True]
    assert second.one("location") == (
        f"{SIGN_IN}?redirect_url=http%3A%2F%2Ftestserver%2Fto-sign-in%3Fnext%3D1"
    )
    assert second.one("cache-control") == "no-store"


def _handler(auth: Any, request: Any) -> None:
    return None


# configurations whose requests always go the full way (express not asked, or declining)
FULL_PATH = [
    ({**AUTHGUARD, "HANDLER": _handler}, []),
    ({**AUTHGUARD, "SKIP": ["/never(.*)"]}, []),
    ({**AUTHGUARD, "DEBUG": True}, [False, False]),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("config", "asked"), FULL_PATH)
async def test_configurations_needing_the_full_path(
    hits: list[bool], mode: str, config: dict[str, Any], asked: list[bool]
) -> None:
    headers = [("authorization", f"Bearer {TOKENS['member']()}"), ("accept", API)]
    with override_settings(AUTHGUARD=config):
        first, second = await _twice(mode, "/admin", headers)
    assert hits == asked
    assert second == first
    assert first.status == 403


def test_public_routes_alone_keeps_the_lane(hits: list[bool]) -> None:
    headers = [("authorization", f"Bearer {TOKENS['admin']()}"), ("accept", API)]
    with override_settings(AUTHGUARD={**AUTHGUARD, "PUBLIC_ROUTES": ["/"]}):
        first, second = wsgi_call("GET", "/whoami", headers), wsgi_call("GET", "/whoami", headers)
    assert hits == [False, True]
    assert second == first
    assert first.status == 200


# Authorization values the lane must leave to the full path (the core decides the answer)
OTHER_FORMS = [
    ("bearer {t}", 200),  # scheme case-insensitive in the core, exact in express
    ("Bearer  {t}", 200),  # two spaces
    ("Bearer {t}, Bearer {t}", 401),  # two headers, joined
    ("Bearer {t} ", 200),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("form", "status"), OTHER_FORMS)
async def test_other_header_forms_take_the_full_path(
    hits: list[bool], mode: str, form: str, status: int
) -> None:
    token = TOKENS["admin"]()
    plain = [("authorization", f"Bearer {token}"), ("accept", API)]
    headers = [("authorization", form.format(t=token)), ("accept", API)]
    await _call(mode, "/admin", plain)  # caches the token
    first, second = await _twice(mode, "/admin", headers)
    assert hits == [False, False, False]
    assert second == first
    assert first.status == status


@pytest.mark.parametrize(
    ("path", "recipe", "accept"),
    [("/admin", "admin", API), ("/admin", "member", PAGE), ("/to-sign-in", "user", PAGE)],
)
def test_vary_written_the_public_way_is_the_same(
    monkeypatch: pytest.MonkeyPatch, path: str, recipe: str, accept: str
) -> None:
    """``finish_response`` writes a missing ``Vary`` straight into Django's header store when
    its layout is the known one; the public way (any other Django) must answer identically."""
    from authguard.integrations.django import http as django_http

    assert django_http._PLAIN_STORE  # the Django under test has the known layout
    headers = [("authorization", f"Bearer {TOKENS[recipe]()}"), ("accept", accept)]
    fast = wsgi_call("GET", path, headers)
    monkeypatch.setattr(django_http, "_PLAIN_STORE", False)
    public = wsgi_call("GET", path, headers)
    assert (public.status, public.headers, public.body) == (fast.status, fast.headers, fast.body)
    assert fast.one("vary") is not None
