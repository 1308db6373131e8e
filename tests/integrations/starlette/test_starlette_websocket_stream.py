"""WebSockets (accept, refusal before accept, Origin rule) and untouched response streaming."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from authguard.settings import Settings
from authguard.starlette import AuthGuardMiddleware, protect
from authguard.testing import session_cookies


@protect(role="org:admin")
async def admin_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(websocket.scope["auth"].user_id)
    await websocket.close()


async def open_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(str(websocket.scope["auth"].user_id))
    await websocket.close()


def ws_client(settings: Settings, **options: Any) -> TestClient:
    routes = [WebSocketRoute("/ws", admin_socket), WebSocketRoute("/open", open_socket)]
    middleware = [Middleware(AuthGuardMiddleware, settings=settings, **options)]
    return TestClient(Starlette(routes=routes, middleware=middleware))


def test_websocket_accepted_with_bearer(settings: Settings, admin_headers: dict[str, str]) -> None:
    with ws_client(settings).websocket_connect("/ws", headers=admin_headers) as ws:
        assert ws.receive_text() == "user_admin"


@pytest.mark.parametrize("who", [None, "member"])
def test_websocket_refused_before_accept(
    settings: Settings, who: str | None, request: pytest.FixtureRequest
) -> None:
    headers = request.getfixturevalue(f"{who}_headers") if who else {}
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        ws_client(settings).websocket_connect("/ws", headers=headers),
    ):
        pass
    assert refused.value.code == 1008


def test_public_routes_refuse_websocket(settings: Settings) -> None:
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        ws_client(settings, public_routes=["/"]).websocket_connect("/open"),
    ):
        pass
    assert refused.value.code == 1008


@pytest.mark.parametrize(
    ("origin", "app_origin", "expected"),
    [
        ("http://testserver", "http://testserver", "user_admin"),
        ("https://evil.example", "http://testserver", "None"),
        (None, "http://testserver", "None"),
        ("http://testserver", None, "user_admin"),  # no app origin: the request's own
        ("https://evil.example", None, "None"),
    ],
)
def test_cookie_websocket_needs_app_origin(
    settings: Settings,
    mint: Callable[..., str],
    origin: str | None,
    app_origin: str | None,
    expected: str,
) -> None:
    configured = Settings(**{**settings.__dict__, "app_origin": app_origin})
    token = mint(user_id="user_admin", org_role="org:admin")
    cookies = session_cookies(token, publishable_key=settings.publishable_key)
    headers = {"cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}
    if origin:
        headers["origin"] = origin
    with ws_client(configured).websocket_connect("/open", headers=headers) as ws:
        assert ws.receive_text() == expected


def test_cross_origin_cookie_websocket_refused_by_protect(
    settings: Settings, mint: Callable[..., str]
) -> None:
    token = mint(user_id="user_admin", org_id="org_1", org_role="org:admin")
    headers = {"cookie": f"__session={token}", "origin": "https://evil.example"}
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        ws_client(settings).websocket_connect("/ws", headers=headers),
    ):
        pass
    assert refused.value.code == 1008


async def test_streaming_response_still_streams(
    settings: Settings, admin_headers: dict[str, str]
) -> None:
    first_chunk_seen = asyncio.Event()

    async def chunks() -> AsyncIterator[bytes]:
        yield b"first"
        # Only continues once the first chunk reached the server: nothing buffers the stream.
        await first_chunk_seen.wait()
        yield b"second"

    @protect
    async def stream(request: Request) -> StreamingResponse:
        return StreamingResponse(chunks())

    app = Starlette(
        routes=[Route("/", stream)],
        middleware=[Middleware(AuthGuardMiddleware, settings=settings)],
    )
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message.get("body") == b"first":
            first_chunk_seen.set()

    async def receive() -> dict[str, Any]:
        await asyncio.Event().wait()  # never disconnects
        return {}

    raw = [(k.encode(), v.encode()) for k, v in admin_headers.items()]
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "raw_path": b"/",
        "root_path": "",
        "query_string": b"",
        "headers": raw,
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 1),
        "http_version": "1.1",
        "asgi": {"version": "3.0"},
    }
    async with asyncio.timeout(10):  # hang guard only: a buffering middleware deadlocks here
        await app(scope, receive, send)
    bodies = [m["body"] for m in sent if m["type"] == "http.response.body" and m.get("body")]
    assert bodies == [b"first", b"second"]
    start = sent[0]
    assert (b"vary", b"Authorization, Cookie") in start["headers"]
