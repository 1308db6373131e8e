"""The conformance apps under real servers on loopback, and a raw HTTP/1.1 client.

uvicorn serves Starlette and FastAPI; Werkzeug's threaded server serves Flask and Django (Django's
WSGI handler, configured like the conformance Django client). The raw client writes the request
line exactly as given, so no client-side path normalisation hides what the server does.
"""

from __future__ import annotations

import importlib.util
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import uvicorn
from werkzeug.serving import make_server

from authguard.settings import Settings

ADAPTER_DIR = Path(__file__).resolve().parents[1] / "conformance" / "adapters"
SERVED = ("starlette", "fastapi", "flask", "django")
#: Status reported when the server closed the connection without an answer (a refusal).
DROPPED = 0


def adapter(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"authguard_security_{name}", ADAPTER_DIR / f"{name}.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class RawResponse:
    status: int
    head: str
    body: bytes

    def header(self, name: str) -> str | None:
        for line in self.head.split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                return value.strip()
        return None


def raw_request(port: int, method: str, target: str, headers: list[tuple[str, str]]) -> RawResponse:
    """One request on a fresh connection; ``target`` goes on the wire byte for byte."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    payload = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    chunks: list[bytes] = []
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        try:
            sock.sendall(payload)
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, BrokenPipeError):
            pass  # a server may answer early and drop an oversized request mid-send
    data = b"".join(chunks)
    if not data:
        return RawResponse(DROPPED, "", b"")
    head, _, body = data.partition(b"\r\n\r\n")
    text = head.decode("latin-1")
    return RawResponse(int(text.split(" ", 2)[1]), text, body)


def _listening_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@contextmanager
def uvicorn_server(app: Any) -> Iterator[int]:
    sock = _listening_socket()
    config = uvicorn.Config(app, log_level="error", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():  # pragma: no cover - startup failure
            raise RuntimeError("uvicorn did not start")
        threading.Event().wait(0.01)
    try:
        yield int(sock.getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def werkzeug_server(app: Any) -> Iterator[int]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def django_server(settings: Settings, mode: str) -> Iterator[int]:
    module = adapter("django")
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    client = module.DjangoClient(settings, mode)
    with override_settings(**client._overrides), werkzeug_server(WSGIHandler()) as port:
        yield port


def serve(name: str, settings: Settings, mode: str) -> AbstractContextManager[int]:
    """A running server for adapter ``name``'s conformance app; yields its port."""
    if name == "django":
        return django_server(settings, mode)
    app = adapter(name).build_app(settings, mode)
    starter: Callable[[Any], AbstractContextManager[int]] = (
        werkzeug_server if name == "flask" else uvicorn_server
    )
    return starter(app)
