"""Django set-up and raw WSGI/ASGI calls shared by the Django tests and the conformance adapter.

Django is configured once per process from ``djt_settings``; nothing here touches other
frameworks' tests. ``wsgi_call``/``asgi_call`` drive Django's real handlers and return the
header lines exactly as a server would send them (several ``Set-Cookie`` stay separate).
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = str(Path(__file__).resolve().parent)


def ensure_django() -> None:
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djt_settings")
        django.setup()


@dataclass(frozen=True)
class Raw:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k == name.lower()]

    def one(self, name: str) -> str | None:
        values = self.all(name)
        return ", ".join(values) if values else None


@contextmanager
def _no_connection_closing() -> Iterator[None]:
    # As Django's test clients do: the in-memory test database must survive the request.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _joined(headers: list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        sep = "; " if key == "cookie" else ", "
        out[key] = value if key not in out else f"{out[key]}{sep}{value}"
    return out


def wsgi_call(
    method: str,
    path: str,
    headers: list[tuple[str, str]] = (),
    host: str = "testserver",  # type: ignore[assignment]
) -> Raw:
    from django.core.handlers.wsgi import WSGIHandler

    route, _, query = path.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    for name, value in _joined(list(headers)).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    captured: dict[str, Any] = {}

    def start_response(status: str, pairs: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = int(status.split()[0]), pairs

    with _no_connection_closing():
        result = WSGIHandler()(environ, start_response)
        body = b"".join(result)
        result.close()
    lines = [(k.lower(), v.strip()) for k, v in captured["headers"]]
    return Raw(captured["status"], lines, body)


async def asgi_call(
    method: str,
    path: str,
    headers: list[tuple[str, str]] = (),
    host: str = "testserver",  # type: ignore[assignment]
) -> Raw:
    from django.core.handlers.asgi import ASGIHandler

    route, _, query = path.partition("?")
    raw_headers = [(b"host", host.encode())]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in headers]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": route,
        "raw_path": route.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    done = asyncio.Event()
    sent: list[dict[str, Any]] = []
    body_given = False

    async def receive() -> dict[str, Any]:
        nonlocal body_given
        if not body_given:
            body_given = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    with _no_connection_closing():
        await ASGIHandler()(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    lines = [(k.decode().lower(), v.decode()) for k, v in start["headers"]]
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Raw(start["status"], lines, body)
