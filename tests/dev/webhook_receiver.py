"""A tiny loopback HTTP server that records webhook deliveries (for the dev and e2e tests)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    """What the receiver got: each request's headers (lower-case names) and raw body."""

    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answers to give, then 204


@contextmanager
def receiver() -> Iterator[tuple[str, Received]]:
    """Serve on a free loopback port; yields (URL, what was received)."""
    received = Received()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            with lock:
                received.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = received.statuses.pop(0) if received.statuses else 204
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return None

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/hooks", received
    finally:
        httpd.shutdown()
        thread.join()
        httpd.server_close()
