"""ASGI plumbing for the Starlette adapter: a scope described as a ``RequestInfo`` (SPEC §2,
§7), the ``send`` wrapper that adds ``Vary`` and the core's headers, and a ``Decision`` sent as
a response. No policy lives here; ``starlette.py`` decides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import HTTPConnection
from starlette.types import Message, Scope, Send

from authguard.decisions import Decision
from authguard.integrations._common import ASGIHeaders, add_vary
from authguard.request import RequestInfo, origin_of
from authguard.settings import Settings

#: scope key holding the connection's ``RequestInfo`` (built once per request).
INFO_KEY = "authguard.info"

_VARY = (b"vary", add_vary(None).encode())
_NO_EXTRA: list[tuple[bytes, bytes]] = []  # never mutated


def route_path(scope: Scope) -> str:
    """The path Starlette's router dispatches on: ``scope["path"]`` without ``root_path``."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        path = path[len(root) :]
    return path or "/"


def _url_resolver(scope: Scope) -> Callable[[], tuple[str, bool]]:
    # A snapshot: the router and later middleware mutate the scope; the URL is the one the
    # request arrived with, exactly as ``HTTPConnection(scope).url`` derives it.
    snapshot = dict(scope)

    def resolve() -> tuple[str, bool]:
        url = HTTPConnection(snapshot).url
        if url.scheme in ("ws", "wss"):
            # The handshake is an HTTP request; origins compare against http(s) (RFC 6455 §4.1).
            url = url.replace(scheme="https" if url.scheme == "wss" else "http")
        return str(url), False

    return resolve


def request_info(scope: Scope) -> RequestInfo:
    """Describe an ``http``/``websocket`` scope to the core (SPEC §2); the URL is lazy."""
    headers = ASGIHeaders(scope["headers"])
    method = scope.get("method", "GET") if scope["type"] == "http" else "GET"
    return RequestInfo.lazy(method, route_path(scope), headers, None, _url_resolver(scope))


class LazyInfo(dict[str, Any]):
    """A connection's ``RequestInfo``, described on first use from a snapshot of the scope as
    the middleware saw it (the router and later middleware mutate the scope). The snapshot is
    the object itself, made by ``lazy_info``: a ``dict`` copy (in C) with the header list
    frozen."""

    __slots__ = ("info",)

    def __call__(self) -> RequestInfo:
        info: RequestInfo | None = getattr(self, "info", None)
        if info is None:
            info = self.info = request_info(self)
        return info


def lazy_info(scope: Scope) -> LazyInfo:
    """Snapshot ``scope`` now; its ``RequestInfo`` is described when first asked for."""
    lazy = LazyInfo(scope)
    lazy["headers"] = tuple(scope["headers"])
    return lazy


def scope_info(scope: Scope) -> RequestInfo:
    """The ``RequestInfo`` the middleware built for this connection (built now if none)."""
    info = scope.get(INFO_KEY)
    if isinstance(info, RequestInfo):
        return info
    if isinstance(info, LazyInfo):
        return info()
    info = scope[INFO_KEY] = request_info(scope)
    return info


def single_header(raw: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    """The value of the one header called ``name`` (ASCII case-insensitively; ``name`` in
    lower case), as ``ASGIHeaders.get`` decodes it; None when it is absent or repeated."""
    found: bytes | None = None
    size = len(name)
    for key, value in raw:
        if len(key) == size and (key == name or key.lower() == name):
            if found is not None:
                return None
            found = value
    return None if found is None else found.decode("latin-1")


def websocket_origin_ok(info: RequestInfo, settings: Settings) -> bool:
    authorization = info.header("authorization") or ""
    if authorization[:7].lower() == "bearer ":
        return True  # header tokens are not ambient credentials
    origin = origin_of(info.header("origin") or "")
    allowed = [settings.app_origin, *settings.authorized_parties]
    trusted = {origin_of(o) for o in allowed if o} or {info.origin}
    return origin is not None and origin in trusted


def sender(
    send: Send, extra: tuple[tuple[str, str], ...] | None
) -> tuple[Send, Callable[[], bool]]:
    """Wrap ``send``: on the response start merge ``Vary`` (unless ``extra`` is None) and
    append ``extra``. Also returns ``started()``: whether the response started (a failure
    after that cannot be answered any more). Closures, not an object with ``__call__``: the
    wrapper runs twice per response, and a closure call is the cheaper one."""
    vary = extra is not None
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra] if extra else []
    started = False

    async def wrapped(message: Message) -> None:
        nonlocal started
        started = True
        if vary and message["type"] == "http.response.start":
            message = with_vary(message, raw)
        await send(message)

    def has_started() -> bool:
        return started

    return wrapped, has_started


def with_vary(message: Message, extra: list[tuple[bytes, bytes]] = _NO_EXTRA) -> Message:
    """A copy of the ``http.response.start`` message with ``Vary`` merged and ``extra``
    appended (the app's message and header list are left as they were)."""
    headers = message.get("headers") or ()
    for key, _ in headers:
        if len(key) == 4 and key.lower() == b"vary":
            return _merged_vary(message, list(headers), extra)
    return {**message, "headers": [*headers, _VARY, *extra]}


def _merged_vary(
    message: Message, raw: list[tuple[bytes, bytes]], extra: list[tuple[bytes, bytes]]
) -> Message:
    headers: list[tuple[bytes, bytes]] = []
    varies: list[str] = []
    for k, v in raw:
        if k.lower() == b"vary":
            varies.append(v.decode("latin-1"))
        else:
            headers.append((k, v))
    vary = add_vary(", ".join(varies) or None).encode()
    return {**message, "headers": [*headers, (b"vary", vary), *extra]}


async def send_decision(decision: Decision, send: Send) -> None:
    """Send a core ``Decision`` as a complete HTTP response (headers kept one per line)."""
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in decision.headers]
    headers.append((b"content-length", str(len(decision.body)).encode()))
    await send({"type": "http.response.start", "status": decision.status, "headers": headers})
    await send({"type": "http.response.body", "body": decision.body})
