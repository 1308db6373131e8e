"""A loopback HTTP server for the attack rows: a JWKS with odd keys, broken JWKS endpoints, and
probe paths that count every hit (a token's ``jku``/``x5u`` point there: the count must stay 0).

Started once per process, on first use, in a daemon thread.
"""

from __future__ import annotations

import json
import threading
import time
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from attack_keys import jwks_document
from harness import FORGER

from authguard.testing import jwks

HUGE_BODY = b'{"keys": [' + b'{"kty": "RSA"}, ' * 70_000 + b'{"kty": "RSA"}]}'
DRIP_BYTES = 60
DRIP_PAUSE = 0.1  # the server is slow on purpose; the client's deadline is what's tested


class AttackServer(ThreadingHTTPServer):
    """Counts probe hits; ``switch`` (``"up"``/``"down"``) drives the ``/switch`` endpoint."""

    daemon_threads = True
    probe_hits: list[str]
    fetches: dict[str, int]
    switch: str

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: AttackServer
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        route = self.path.split("?")[0]
        self.server.fetches[route] = self.server.fetches.get(route, 0) + 1
        if route.startswith("/probe"):
            self.server.probe_hits.append(self.path)
            # If anything ever followed a token's URL, this would hand it the forger's key.
            return self._send(200, json.dumps(jwks(FORGER)).encode())
        handler = _ROUTES.get(route)
        if handler is None:
            return self._send(404, b"{}")
        handler(self)

    def _send(self, status: int, body: bytes, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json")
        if length:
            self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def jwks(self) -> None:
        self._send(200, json.dumps(jwks_document()).encode())

    def garbage(self) -> None:
        self._send(200, b"<html>maintenance</html>")

    def huge(self) -> None:
        self._send(200, HUGE_BODY, length=False)  # no Content-Length: the cap must cut it

    def error(self) -> None:
        self._send(500, b'{"errors": []}')

    def redirect(self) -> None:
        self.send_response(302)
        self.send_header("location", f"{self.server.base}/probe/redirect")
        self.end_headers()

    def empty(self) -> None:
        self._send(200, b'{"keys": []}')

    def drip(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        try:
            for _ in range(DRIP_BYTES):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(DRIP_PAUSE)
        except OSError:
            return  # the client hung up at its deadline, as it should

    def switch(self) -> None:
        if self.server.switch == "up":
            self.jwks()
        else:
            self.error()

    def log_message(self, format: str, *args: Any) -> None:
        return


_ROUTES = {
    "/jwks": _Handler.jwks,
    "/garbage": _Handler.garbage,
    "/huge": _Handler.huge,
    "/error": _Handler.error,
    "/redirect": _Handler.redirect,
    "/empty": _Handler.empty,
    "/drip": _Handler.drip,
    "/switch": _Handler.switch,
}


@cache
def server() -> AttackServer:
    """The process-wide server (started on first use)."""
    instance = AttackServer(("127.0.0.1", 0), _Handler)
    instance.probe_hits = []
    instance.fetches = {}
    instance.switch = "up"
    threading.Thread(target=instance.serve_forever, daemon=True).start()
    return instance
