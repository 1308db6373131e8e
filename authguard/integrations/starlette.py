"""Starlette adapter (SPEC §6–8): a pure-ASGI ``AuthGuardMiddleware`` and ``protect(...)``.

Decisions made here (also in ``docs/quickstart-starlette.md``):

- ``skip`` matches: the request is not authenticated at all (no ``scope["auth"]``, no ``Vary``),
  as if the middleware were absent; ``protect``/``get_auth`` there raise ConfigurationError.
- ``handler`` and ``public_routes`` together: public routes do not run the handler; every other
  route runs it (and the handler decides). ``public_routes`` alone protects every other route.
- Failures are rendered with the core's body as-is (Starlette has no framework error pages).
- Cookie-authenticated WebSockets need an ``Origin`` equal to the app origin (``app_origin``,
  an ``authorized_parties`` entry, else the request's own origin); otherwise they are signed-out
  with reason ``cross-origin-cookie`` (cross-site WebSocket hijacking, SPEC §7).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeVar, cast

from starlette.authentication import BaseUser
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from authguard.auth import Auth, AuthContext
from authguard.exceptions import AuthGuardError, ConfigurationError
from authguard.guard import Guard, RequestState
from authguard.integrations._asgi import (
    INFO_KEY,
    lazy_info,
    request_info,
    scope_info,
    send_decision,
    sender,
    single_header,
    websocket_origin_ok,
    with_vary,
)
from authguard.integrations._common import (
    PROTECT_FAILURES,
    ProtectDecorator,
    ProtectSpec,
    build_matcher,
)
from authguard.request import RequestInfo
from authguard.settings import Settings

__all__ = ["AuthGuardMiddleware", "AuthGuardUser", "protect", "request_info", "scope_info"]

F = TypeVar("F", bound=Callable[..., Any])
Handler = Callable[[Auth, Request], "Response | Awaitable[Response | None] | None"]

#: scope key holding the middleware's Guard (how dependencies know the middleware ran).
GUARD_KEY = "authguard.guard"
#: scope key set (True) when ``skip`` matched.
SKIPPED_KEY = "authguard.skipped"
CROSS_ORIGIN_COOKIE = "cross-origin-cookie"
WS_POLICY_VIOLATION = 1008


class AuthGuardUser(BaseUser):
    """``scope["user"]``: Starlette's ``BaseUser`` over an ``Auth`` (identity = user id)."""

    def __init__(self, auth: Auth) -> None:
        self.auth = auth

    @property
    def is_authenticated(self) -> bool:
        return self.auth.is_signed_in

    @property
    def display_name(self) -> str:
        return self.auth.user_id or ""

    @property
    def identity(self) -> str:
        return self.auth.user_id or ""


async def _refuse(
    guard: Guard, error: AuthGuardError, info: RequestInfo, scope: Scope, send: Send
) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": WS_POLICY_VIOLATION})
        return
    await send_decision(guard.decide(error, info), send)


class AuthGuardMiddleware:
    """Pure-ASGI ``clerkMiddleware()``: authenticates every ``http``/``websocket`` scope.

    Sets ``scope["auth"]`` (an ``Auth``) and ``scope["user"]`` (an ``AuthGuardUser``), runs the
    optional ``handler(auth, request)``, and renders ``protect()`` failures raised by the handler,
    endpoints or dependencies per SPEC §6. Never reads the body, never buffers the response.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings | None = None,
        handler: Handler | None = None,
        public_routes: Any = None,
        skip: Any = None,
    ) -> None:
        self.app = app
        self.guard = Guard(settings)
        self.handler = handler
        self.handler_is_async = handler is not None and _is_async_callable(handler)
        self.public_routes = build_matcher(public_routes)
        self.skip = build_matcher(skip)
        self.has_policy = handler is not None or self.public_routes is not None
        # A signed-in request passes public_routes' policy untouched; a handler or skip needs
        # the full RequestInfo.
        self.express = handler is None and self.skip is None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.express:
            authorization = single_header(scope["headers"], b"authorization")
            session = None if authorization is None else self.guard.express(authorization)
            if session is not None:
                # The express lane (a repeated Bearer token), inline: it is most requests.
                lazy = scope[INFO_KEY] = lazy_info(scope)
                guard = self.guard
                auth = guard.express_auth(session, lazy)
                scope[GUARD_KEY] = guard
                scope["auth"] = auth
                scope["user"] = AuthGuardUser(auth)
                started = False

                async def vary_send(message: Message) -> None:
                    nonlocal started
                    if message["type"] == "http.response.start":
                        started = True
                        message = with_vary(message)
                    await send(message)

                try:
                    await self.app(scope, receive, vary_send)
                except PROTECT_FAILURES as exc:
                    if started:
                        raise
                    error = cast(AuthGuardError, exc)
                    await _refuse(guard, error, lazy(), scope, vary_send)
                return
        await self._full(scope, receive, send)

    async def _full(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind != "http" and kind != "websocket":
            await self.app(scope, receive, send)
            return
        info = request_info(scope)
        if self.skip is not None and self.skip(info):
            scope[SKIPPED_KEY] = True
            await self.app(scope, receive, send)
            return
        scope[INFO_KEY] = info
        state = await self.guard.aauthenticate(info)
        if kind == "websocket" and state.is_signed_in:
            state = self._websocket_state(info, state)
        elif kind == "http" and state.status == "handshake":
            await send_decision(self.guard.handshake_decision(state), sender(send, ())[0])
            return
        scope[GUARD_KEY] = self.guard
        scope["auth"] = state.auth
        scope["user"] = AuthGuardUser(state.auth)
        wrapped, started = sender(send, state.headers if kind == "http" else None)
        await self._dispatch(scope, receive, wrapped, started, info, state.auth)

    def _websocket_state(self, info: RequestInfo, state: RequestState) -> RequestState:
        if websocket_origin_ok(info, self.guard.settings):
            return state
        context = AuthContext(self.guard.navigator, info)
        auth = Auth.signed_out(CROSS_ORIGIN_COOKIE, context=context)
        return RequestState("signed-out", CROSS_ORIGIN_COOKIE, None, None, auth, state.headers)

    async def _dispatch(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        started: Callable[[], bool],
        info: RequestInfo,
        auth: Auth,
    ) -> None:
        try:
            response = None
            if self.has_policy and not info.is_preflight:
                response = await self._policy(scope, receive, auth, info)
            if response is not None:
                await response(scope, receive, send)
                return
            await self.app(scope, receive, send)
        except PROTECT_FAILURES as exc:
            if started():
                raise
            await _refuse(self.guard, cast(AuthGuardError, exc), info, scope, send)

    async def _policy(
        self, scope: Scope, receive: Receive, auth: Auth, info: RequestInfo
    ) -> Response | None:
        public = self.public_routes is not None and self.public_routes(info)
        if self.handler is None:
            if self.public_routes is not None and not public:
                auth.protect()
            return None
        if public:
            return None
        result = self.handler(auth, Request(scope, receive))
        if self.handler_is_async:
            result = await cast(Awaitable[Response | None], result)
        return result if isinstance(result, Response) else None


def _is_async_callable(obj: Any) -> bool:
    while isinstance(obj, functools.partial):
        obj = obj.func
    return inspect.iscoroutinefunction(obj) or inspect.iscoroutinefunction(
        getattr(obj, "__call__", None)  # noqa: B004 -- callable objects with async __call__
    )


def auth_from_scope(scope: MutableMapping[str, Any]) -> Auth:
    """The middleware's ``Auth`` for this connection, or a ConfigurationError saying why not."""
    auth = scope.get("auth")
    if isinstance(auth, Auth):
        return auth
    if scope.get(SKIPPED_KEY):
        raise ConfigurationError(
            f"{scope.get('path')!r} is excluded by AuthGuardMiddleware(skip=...), so it is not "
            "authenticated; remove it from skip to protect it."
        )
    raise ConfigurationError(
        "authguard.starlette.protect needs AuthGuardMiddleware: add "
        "Middleware(AuthGuardMiddleware) to your Starlette(middleware=[...])."
    )


def _connection(args: tuple[Any, ...], kwargs: dict[str, Any]) -> HTTPConnection:
    if args and (type(args[0]) is Request or isinstance(args[0], HTTPConnection)):
        return args[0]  # function endpoints: (request,); ``type`` first skips the ABC check
    for value in (*args, *kwargs.values()):
        if isinstance(value, HTTPConnection):
            return value
    raise ConfigurationError("protect(): the endpoint receives no Request or WebSocket argument")


def _check(spec: ProtectSpec, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    scope = _connection(args, kwargs).scope
    auth = auth_from_scope(scope)
    # A CORS preflight carries no credentials (SPEC §6); only an OPTIONS request can be one.
    if (
        scope.get("method") == "OPTIONS"
        and scope["type"] == "http"
        and scope_info(scope).is_preflight
    ):
        return
    spec.enforce(auth)


def _holds(spec: ProtectSpec, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """``protect(role=...)`` on a function endpoint whose Auth holds the role: it passes
    whatever ``_check`` would look at (a preflight passes too), so nothing else is read.
    Starlette passes the request positionally; FastAPI by name (``request``, by convention)."""
    if spec.fast_role is None:
        return False
    request = args[0] if args else kwargs.get("request")
    return type(request) is Request and spec.holds(request.scope.get("auth"))


def _decorate(func: F, spec: ProtectSpec) -> F:
    if _is_async_callable(func):

        @functools.wraps(func)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            if not _holds(spec, args, kwargs):
                _check(spec, args, kwargs)
            return await func(*args, **kwargs)

        return cast(F, async_wrapper)

    @functools.wraps(func)
    def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
        if not _holds(spec, args, kwargs):
            _check(spec, args, kwargs)
        return func(*args, **kwargs)

    return cast(F, sync_wrapper)


def _protect(*args: Any, **kwargs: Any) -> Any:
    """``@protect`` / ``@protect(role=..., permission=..., ...)`` for Starlette endpoints.

    Works on function endpoints (sync and async), ``HTTPEndpoint`` methods and WebSocket
    endpoints; failures propagate to ``AuthGuardMiddleware``, which answers per SPEC §6 (a
    WebSocket is closed with 1008 before ``accept``, i.e. an HTTP 403 handshake rejection).
    """
    spec, func = ProtectSpec.from_decorator_args(args, kwargs)
    if func is not None:
        return _decorate(func, spec)
    return functools.partial(_decorate, spec=spec)


protect: ProtectDecorator = _protect
