"""End to end: the app under Werkzeug's real WSGI server, keys fetched over loopback HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from flask import Flask
from flask_helpers import KEY, PUBLISHABLE_KEY, SIGN_IN, admin_token, identity, member_token
from werkzeug.serving import make_server

from authguard.flask import AuthGuard, protect
from authguard.testing import jwks, session_cookies

pytestmark = pytest.mark.e2e


class _JWKSHandler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        body = json.dumps(jwks(KEY)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        return


@pytest.fixture
def jwks_url() -> Iterator[str]:
    _JWKSHandler.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _JWKSHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def create_app(jwks_url: str) -> Flask:
    app = Flask(__name__)
    app.config.update(
        AUTHGUARD_JWKS_URL=jwks_url,
        AUTHGUARD_PUBLISHABLE_KEY=PUBLISHABLE_KEY,
        AUTHGUARD_APP_ORIGIN="http://app.test",
    )
    AuthGuard(app)
    app.add_url_rule("/me", "me", protect(identity))
    app.add_url_rule("/admin", "admin", protect(role="org:admin")(identity))
    return app


@pytest.fixture
def app_url(jwks_url: str) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, create_app(jwks_url), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def cookie_header(token: str) -> str:
    cookies = session_cookies(token, publishable_key=PUBLISHABLE_KEY)
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def test_real_server_with_remote_keys(app_url: str) -> None:
    admin, member = admin_token(), member_token()
    table: list[tuple[str, dict[str, str], int]] = [
        ("/me", {"Accept": "application/json"}, 401),
        ("/me", {"Authorization": f"Bearer {member}"}, 200),
        ("/admin", {"Authorization": f"Bearer {member}"}, 403),
        ("/admin", {"Authorization": f"Bearer {admin}"}, 200),
        ("/admin", {"Cookie": cookie_header(admin)}, 200),
        ("/me?x=1", {"Accept": "text/html"}, 307),
    ]
    with httpx.Client(base_url=app_url, timeout=10, follow_redirects=False) as client:
        responses = [client.get(path, headers=headers) for path, headers, _ in table]
    assert [r.status_code for r in responses] == [status for _, _, status in table]
    assert responses[1].json() == {"user_id": "user_member", "org_role": "org:member"}
    assert responses[0].headers["www-authenticate"] == 'Bearer realm="authguard"'
    assert responses[5].headers["location"] == (
        f"{SIGN_IN}?redirect_url=http%3A%2F%2Fapp.test%2Fme%3Fx%3D1"
    )
    assert all(r.headers["vary"] == "Authorization, Cookie" for r in responses)
    # one fetch served every request: the key set is cached by the app's Guard
    assert _JWKSHandler.hits == ["/.well-known/jwks.json"]
