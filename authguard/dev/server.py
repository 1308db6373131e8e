"""``DevServer``: the dev instance on ``http.server.ThreadingHTTPServer``."""

from __future__ import annotations

import logging
import secrets
import socketserver
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from authguard.dev.accounts import register as register_accounts
from authguard.dev.api import register as register_api
from authguard.dev.bapi import register as register_backend_api
from authguard.dev.claims_template import claims_renderer
from authguard.dev.config import DevConfig
from authguard.dev.directory import Directory
from authguard.dev.fapi import register as register_fapi
from authguard.dev.fapi_state import FrontendState
from authguard.dev.instance import Instance, frontend_host, publishable_key
from authguard.dev.jwt_templates import JwtTemplate, load_jwt_templates
from authguard.dev.routing import DevRequest, DevResponse, Router, clerk_error
from authguard.dev.sessions import SessionStore, TokenMinter
from authguard.dev.webhook_page import register as register_webhook_page
from authguard.dev.webhooks import (
    WebhookDispatcher,
    WebhookOptions,
    http_request_attributes,
    load_or_create_secret,
)
from authguard.settings import cookie_suffix

logger = logging.getLogger("authguard.dev")

MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class DevContext:
    """Everything a handler needs: the running instance and its state."""

    config: DevConfig
    url: str
    instance: Instance
    directory: Directory
    sessions: SessionStore
    minter: TokenMinter
    form_token: str
    publishable_key: str
    frontend: FrontendState
    webhooks: WebhookDispatcher
    jwt_templates: Mapping[str, JwtTemplate]

    @property
    def cookie_suffix(self) -> str:
        return cookie_suffix(self.publishable_key)

    @property
    def own_origins(self) -> tuple[str, ...]:
        """This server's origins: its URL and the address the publishable key names."""
        return (self.url, f"http://{frontend_host(self.config.host, self._port)}")

    @property
    def trusted_return_origins(self) -> tuple[str, ...]:
        return self.config.app_origins + self.own_origins

    @property
    def _port(self) -> int:
        return urlsplit(self.url).port or 80

    def emit(
        self, event_type: str, data: Mapping[str, Any], request: DevRequest | None = None
    ) -> None:
        """Send a webhook event to the ``--webhook`` targets (a no-op without any)."""
        headers = request.headers if request is not None else None
        self.webhooks.emit(event_type, data, http_request_attributes(headers))

    def environment(self) -> dict[str, str]:
        """The variables an app needs, in the order they are printed."""
        return {
            "CLERK_PUBLISHABLE_KEY": self.publishable_key,
            "CLERK_SECRET_KEY": self.instance.secret_key,
            "CLERK_API_URL": self.url,
            "CLERK_SIGN_IN_URL": f"{self.url}/sign-in",
            "CLERK_SIGN_UP_URL": f"{self.url}/sign-up",
            "CLERK_AUTHORIZED_PARTIES": ",".join(self.config.app_origins),
            "CLERK_WEBHOOK_SIGNING_SECRET": self.webhooks.secret,
            "AUTHGUARD_APP_ORIGIN": self.config.app_origins[0],
        }


def build_router() -> Router:
    router = Router()
    register_accounts(router)
    register_api(router)
    register_fapi(router)
    register_backend_api(router)
    register_webhook_page(router)
    return router


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn) we neither need nor want.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)


class DevServer:
    """The dev instance; ``start()`` serves on a background thread and returns the URL.

    ``clock`` (seconds since the epoch) stamps sessions and tokens; tests inject one.
    """

    def __init__(
        self,
        config: DevConfig | None = None,
        *,
        clock: Callable[[], float] = time.time,
        webhook_options: WebhookOptions | None = None,
    ) -> None:
        self.config = config or DevConfig()
        self._clock = clock
        self._webhook_options = webhook_options or WebhookOptions(clock=clock)
        self.context: DevContext | None = None
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self.context is None:
            raise RuntimeError("the dev server is not started")
        return self.context.url

    def bind(self) -> str:
        """Load (or create) the instance, bind the socket; returns the server URL."""
        if self.context is not None:
            return self.context.url
        instance = Instance.load_or_create(self.config.data_dir)
        directory = Directory.load(self.config.data_dir, self.config.users_file)
        jwt_templates = load_jwt_templates(self.config.jwt_templates)
        handler = type("DevHandler", (_Handler,), {"router": build_router()})
        self._httpd = _HTTPServer((self.config.bind_address, self.config.port), handler)
        port = self._httpd.server_port
        url = f"http://{self.config.host}:{port}"
        minter = TokenMinter(
            instance.key,
            directory,
            issuer=url,
            ttl=self.config.token_ttl,
            claims_version=self.config.claims_version,
            clock=self._clock,
        )
        self.context = DevContext(
            config=self.config,
            url=url,
            instance=instance,
            directory=directory,
            sessions=SessionStore(self._clock),
            minter=minter,
            form_token=secrets.token_urlsafe(24),
            publishable_key=publishable_key(frontend_host(self.config.host, port)),
            frontend=FrontendState(self._clock),
            webhooks=WebhookDispatcher(
                self.config.webhooks,
                load_or_create_secret(self.config.data_dir),
                instance.key.kid,
                self._webhook_options,
            ),
            jwt_templates=jwt_templates,
        )
        minter.custom_claims = claims_renderer(self.context)  # --claims FILE
        handler.context = self.context  # type: ignore[attr-defined]
        return url

    def start(self) -> str:
        url = self.bind()
        self._thread = threading.Thread(
            target=self._bound().serve_forever,
            kwargs={"poll_interval": 0.05},
            name="authguard-dev",
            daemon=True,
        )
        self._thread.start()
        return url

    def serve_forever(self) -> None:
        """Serve on the calling thread until ``stop()`` or KeyboardInterrupt."""
        self.bind()
        self._bound().serve_forever(poll_interval=0.2)

    def _bound(self) -> _HTTPServer:
        if self._httpd is None:
            raise RuntimeError("the dev server is stopped")
        return self._httpd

    def stop(self) -> None:
        if self.context is not None:
            self.context.webhooks.stop()
        if self._httpd is None:
            return
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()
        self._httpd = self._thread = None

    def __enter__(self) -> DevServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    router: Router
    context: DevContext
    server_version = "authguard-dev"
    sys_version = ""

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_OPTIONS = do_PUT = do_PATCH = do_DELETE = do_GET

    def _dispatch(self) -> None:
        try:
            response = self._respond()
        except Exception:
            logger.exception("dev server: %s %s failed", self.command, self.path.split("?")[0])
            response = clerk_error(500, "internal_error", "Internal error", "See the server log.")
        self._send(response)

    def _respond(self) -> DevResponse:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            return clerk_error(413, "request_too_large", "Too large", "The body is too large.")
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        resolved = self.router.resolve(self.command, parts.path)
        if isinstance(resolved, int):
            return clerk_error(resolved, "resource_not_found", "Not found", "No such endpoint.")
        handler, params = resolved
        request = DevRequest(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, max_num_fields=50),
            headers=self._header_map(),
            body=body,
            params=params,
        )
        return handler(self.context, request)

    def _header_map(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            joiner = "; " if key == "cookie" else ", "
            headers[key] = f"{headers[key]}{joiner}{value}" if key in headers else value
        return headers

    def _send(self, response: DevResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        # The request line never carries tokens (they travel in cookies and headers).
        logger.info("%s - %s", self.address_string(), format % args)
