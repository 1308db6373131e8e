"""Fuzzing through the adapters' real request handling (hypothesis; the suite's profile bounds it:
``ci`` in tox, ``HYPOTHESIS_PROFILE=long`` for a deeper run).

Cookie headers of arbitrary bytes, arbitrary ``Authorization`` values and arbitrary paths go in
below the test clients (raw ASGI scopes, raw WSGI environs), so nothing is sanitised on the way.
The properties: never a 5xx, never a traceback, a protected route is never answered 2xx, and in
``public_routes`` mode a 2xx only ever comes for a path the public matcher accepts.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from functools import cache
from typing import Any

from harness import base_settings
from hypothesis import given
from hypothesis import strategies as st
from servers import adapter

from authguard.matchers import create_route_matcher

PUBLIC = create_route_matcher(["/", "/public(.*)"])
Call = Callable[[str, str, list[tuple[str, bytes]]], tuple[int, bytes]]


@cache
def _app(name: str, mode: str) -> Any:
    return adapter(name).build_app(base_settings(), mode)


def asgi(name: str, mode: str) -> Call:
    app = _app(name, mode)

    def call(method: str, path: str, headers: list[tuple[str, bytes]]) -> tuple[int, bytes]:
        return asyncio.run(_asgi_call(app, method, path, headers))

    return call


async def _asgi_call(
    app: Any, method: str, path: str, headers: list[tuple[str, bytes]]
) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogatepass"),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *((k.encode(), v) for k, v in headers)],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    status: list[int] = []
    body: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await app(scope, receive, send)
    return status[0], b"".join(body)


def flask(mode: str) -> Call:
    return _wsgi(_app("flask", mode))


def _wsgi(app: Any) -> Call:
    def call(method: str, path: str, headers: list[tuple[str, bytes]]) -> tuple[int, bytes]:
        environ = _environ(method, path, headers)
        captured: list[int] = []

        def start_response(status: str, _headers: Any, _exc: Any = None) -> Any:
            captured.append(int(status.split()[0]))

        result = app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        return captured[0], body

    return call


def _environ(method: str, path: str, headers: list[tuple[str, bytes]]) -> dict[str, Any]:
    # WSGI carries header values and PATH_INFO as latin-1 "bytes in a str" (PEP 3333).
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path.encode("utf-8", "surrogatepass").decode("latin-1"),
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in headers:
        environ["HTTP_" + name.upper().replace("-", "_")] = value.decode("latin-1")
    return environ


def django(mode: str) -> Call:
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    overrides = adapter("django").DjangoClient(base_settings(), mode)._overrides
    wsgi = _wsgi(WSGIHandler())

    def call(method: str, path: str, headers: list[tuple[str, bytes]]) -> tuple[int, bytes]:
        with override_settings(**overrides):
            return wsgi(method, path, headers)

    return call


def callers(mode: str) -> dict[str, Call]:
    return {
        "starlette": asgi("starlette", mode),
        "fastapi": asgi("fastapi", mode),
        "flask": flask(mode),
        "django": django(mode),
    }


DECORATORS = callers("decorators")
PUBLIC_ROUTES = callers("public_routes")
API = [("accept", b"application/json")]
HEADER_BYTES = st.binary(max_size=200).filter(lambda b: b"\r" not in b and b"\n" not in b)


def assert_sane(status: int, body: bytes) -> None:
    assert status < 500, body[:200]
    assert b"Traceback" not in body


@given(cookie=HEADER_BYTES, name=st.sampled_from(sorted(DECORATORS)))
def test_arbitrary_cookie_bytes(cookie: bytes, name: str) -> None:
    call = DECORATORS[name]
    status, body = call("GET", "/signed-in", [*API, ("cookie", cookie)])
    assert_sane(status, body)
    assert not 200 <= status < 300
    status, body = call("GET", "/public", [*API, ("cookie", cookie)])
    assert_sane(status, body)


@given(
    session=st.text(max_size=120),
    extra=st.lists(st.tuples(st.text(max_size=8), st.text(max_size=20)), max_size=4),
    name=st.sampled_from(sorted(DECORATORS)),
)
def test_arbitrary_session_cookies(session: str, extra: list[tuple[str, str]], name: str) -> None:
    jar = "; ".join([f"__session={session}", *(f"{k}={v}" for k, v in extra)])
    wire = jar.encode("utf-8", "surrogatepass").replace(b"\r", b"").replace(b"\n", b"")
    status, body = DECORATORS[name]("GET", "/signed-in", [*API, ("cookie", wire)])
    assert_sane(status, body)
    assert not 200 <= status < 300


@given(value=HEADER_BYTES, name=st.sampled_from(sorted(DECORATORS)))
def test_arbitrary_authorization(value: bytes, name: str) -> None:
    status, body = DECORATORS[name]("GET", "/signed-in", [*API, ("authorization", value)])
    assert_sane(status, body)
    assert not 200 <= status < 300


PATHS = st.one_of(
    st.text(max_size=40).map(lambda s: "/" + s),
    st.lists(
        st.sampled_from(
            ["public", "PUBLIC", "admin", "..", ".", "", "%2e", ";", "\\", "\x00", "ｐ"]
        ),
        max_size=6,
    ).map(lambda parts: "/" + "/".join(parts)),
)


@given(path=PATHS, name=st.sampled_from(sorted(PUBLIC_ROUTES)))
def test_arbitrary_paths_public_routes(path: str, name: str) -> None:
    status, body = PUBLIC_ROUTES[name]("GET", path, API)
    assert_sane(status, body)
    if 200 <= status < 300:
        assert PUBLIC(path), path
