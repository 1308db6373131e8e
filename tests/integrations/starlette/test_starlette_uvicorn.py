"""End to end: the app under real uvicorn, keys fetched over loopback HTTP from a JWKS server."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from authguard.settings import Settings
from authguard.starlette import AuthGuardMiddleware, protect
from authguard.testing import KeyPair, jwks, mint_session_token

PK = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"

pytestmark = pytest.mark.e2e


class JWKSServer(ThreadingHTTPServer):
    document: bytes = b""
    fetches: int = 0


class JWKSHandler(BaseHTTPRequestHandler):
    server: JWKSServer

    def do_GET(self) -> None:
        self.server.fetches += 1
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(self.server.document)))
        self.end_headers()
        self.wfile.write(self.server.document)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def jwks_server(key: KeyPair) -> Iterator[JWKSServer]:
    server = JWKSServer(("127.0.0.1", 0), JWKSHandler)
    server.document = json.dumps(jwks(key)).encode()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@protect
async def me(request: Request) -> PlainTextResponse:
    return PlainTextResponse(request.auth.user_id)


@protect(role="org:admin")
async def admin(request: Request) -> PlainTextResponse:
    return PlainTextResponse("admin " + request.auth.user_id)


@protect
async def socket_endpoint(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(websocket.scope["auth"].user_id)
    await websocket.close()


@pytest.fixture
def base_url(jwks_server: JWKSServer) -> Iterator[str]:
    port = jwks_server.server_address[1]
    settings = Settings(jwks_url=f"http://127.0.0.1:{port}/jwks", publishable_key=PK)
    app = Starlette(
        routes=[Route("/me", me), Route("/admin", admin), WebSocketRoute("/ws", socket_endpoint)],
        middleware=[Middleware(AuthGuardMiddleware, settings=settings)],
    )
    # A socket bound and listening before uvicorn starts: clients queue in its backlog, so
    # there is no start-up race to wait out.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield f"127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def _bearer(key: KeyPair, **claims: Any) -> dict[str, str]:
    return {"authorization": f"Bearer {mint_session_token(key, **claims)}"}


def test_http_under_uvicorn(base_url: str, key: KeyPair, jwks_server: JWKSServer) -> None:
    with httpx.Client(base_url=f"http://{base_url}", timeout=10) as client:
        signed_in = client.get("/me", headers=_bearer(key, user_id="user_a"))
        assert (signed_in.status_code, signed_in.text) == (200, "user_a")
        assert signed_in.headers["vary"] == "Authorization, Cookie"
        anonymous = client.get("/me", headers={"accept": "application/json"})
        assert anonymous.status_code == 401
        assert anonymous.json()["error"] == "unauthenticated"
        member = _bearer(key, user_id="user_a", org_id="org_1", org_role="org:member")
        assert client.get("/admin", headers=member).status_code == 403
        page = client.get("/admin", headers={"accept": "text/html"})
        assert page.status_code == 307
        assert page.headers["location"].startswith(
            "https://foo-bar-13.accounts.dev/sign-in?redirect_url="
        )
    assert jwks_server.fetches == 1  # fetched once over loopback, then cached


def test_websocket_under_uvicorn(base_url: str, key: KeyPair) -> None:
    with connect(f"ws://{base_url}/ws", additional_headers=_bearer(key, user_id="user_ws")) as ws:
        assert ws.recv(timeout=10) == "user_ws"
    with pytest.raises(InvalidStatus) as refused:
        connect(f"ws://{base_url}/ws", open_timeout=10)
    assert refused.value.response.status_code == 403
