"""Per-app and per-request state of the Flask extension, and the view-stamp lookup."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Flask, Request, current_app, g, request

from authguard.exceptions import ConfigurationError
from authguard.guard import Guard, RequestState
from authguard.integrations.flask._glue import build_request_info
from authguard.matchers import RouteMatcher
from authguard.request import RequestInfo

if TYPE_CHECKING:
    from authguard.auth import Auth
    from authguard.integrations.flask.extension import AuthGuard

__all__ = [
    "EXTENSION_KEY",
    "PUBLIC_ATTR",
    "AppState",
    "ErrorHook",
    "Handler",
    "RequestAuth",
    "app_state",
    "authenticated_request",
    "current_request_info",
    "request_auth",
    "require_auth",
    "view_is_public",
]

EXTENSION_KEY = "authguard"
PUBLIC_ATTR = "_authguard_public"

#: ``handler(auth, request)``: sync or ``async def``; returning a response short-circuits.
Handler = Callable[["Auth", Request], Any]
#: ``hook(error) -> response`` for ``unauthenticated_handler`` / ``unauthorized_handler``.
ErrorHook = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class AppState:
    """What one app's ``AuthGuard`` installed: ``app.extensions["authguard"]``."""

    extension: AuthGuard
    app: Flask
    guard: Guard
    handler: Handler | None
    public_routes: RouteMatcher | None
    skip: RouteMatcher | None
    #: whether a repeated Bearer token may take ``Guard.express`` (no handler, no skip: a
    #: signed-in request passes public_routes' policy untouched).
    express: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "express", self.handler is None and self.skip is None)


class LazyInfo:
    """A request's ``RequestInfo``, built on first call (the factory an express ``Auth`` gets).

    Its own object, not a method of ``RequestAuth``: the ``Auth`` holding it is held by the
    ``RequestAuth``, and a reference cycle would keep every request alive until a GC pass.
    """

    __slots__ = ("app", "info", "request")

    def __init__(self, request: Request, app: Flask) -> None:
        self.request = request
        self.app = app
        self.info: RequestInfo | None = None

    def __call__(self) -> RequestInfo:
        info = self.info
        if info is None:
            info = self.info = build_request_info(self.request, self.app)
        return info


class RequestAuth:
    """``g._authguard``: one request's ``Auth``, ``RequestInfo`` and ``RequestState``.

    ``request`` pins the Werkzeug request it belongs to, so a ``g`` shared by several requests
    (an app context pushed by hand) never hands one request's identity to another. After an
    express hit (``Guard.express``) the ``RequestInfo`` and the ``RequestState`` are built on
    first use only: the common request needs neither.
    """

    __slots__ = ("_info", "_state", "auth", "express", "headers_applied", "preflight", "request")

    def __init__(
        self,
        request: Request,
        info: RequestInfo | LazyInfo,
        state: RequestState | None,
        auth: Auth,
        preflight: bool,
        express: bool,
    ) -> None:
        self.request = request
        self._info = info
        self._state = state
        self.auth = auth
        self.preflight = preflight
        #: an express hit: never a preflight (OPTIONS takes the full path), no headers to add
        self.express = express
        self.headers_applied = express

    @property
    def info(self) -> RequestInfo:
        """The request's ``RequestInfo`` (after an express hit: built now if not yet)."""
        info = self._info
        return info() if isinstance(info, LazyInfo) else info

    @property
    def state(self) -> RequestState:
        """What ``Guard.authenticate`` answered (for an express hit: what it would answer)."""
        state = self._state
        if state is None:
            state = self._state = Guard.express_state(self.auth)
        return state


def app_state(app: Flask | None = None) -> AppState:
    """The ``AppState`` of ``app`` (default: the current app), or a ConfigurationError."""
    target = app if app is not None else current_app._get_current_object()  # type: ignore[attr-defined]
    state = target.extensions.get(EXTENSION_KEY)
    if not isinstance(state, AppState):
        raise ConfigurationError(
            f"AuthGuard is not initialised on app {target.name!r}: call AuthGuard(app) or "
            "guard.init_app(app) in your application factory"
        )
    return state


def _current_request() -> Request:
    return request._get_current_object()  # type: ignore[attr-defined,no-any-return]


def _g() -> Any:
    return g._get_current_object()


def authenticated_request() -> RequestAuth | None:
    """``g._authguard`` when it belongs to the current request (no authentication here).

    A ``g`` shared by several requests (an app context pushed by hand) may still hold an
    earlier request's state: the pin makes it invisible to every other request.
    """
    ctx: RequestAuth | None = getattr(_g(), "_authguard", None)
    return ctx if ctx is not None and ctx.request is _current_request() else None


def current_request_info() -> RequestInfo:
    """This request's ``RequestInfo`` (built once when the request was authenticated)."""
    ctx = authenticated_request()
    return ctx.info if ctx is not None else build_request_info(request, current_app)


def request_auth(state: AppState) -> RequestAuth | None:
    """Authenticate the current request once (cached in ``g._authguard``); None when skipped."""
    real_g = _g()
    real_request = _current_request()
    ctx: RequestAuth | None = real_g.get("_authguard")
    if ctx is not None and ctx.request is real_request:
        return ctx
    return _authenticate(state, real_g, real_request)


def _authenticate(state: AppState, real_g: Any, real_request: Request) -> RequestAuth | None:
    """Authenticate ``real_request`` and store its state in ``real_g._authguard``; None when
    ``skip`` matched. A repeated Bearer token takes ``Guard.express`` when allowed."""
    if state.express and real_request.method != "OPTIONS":
        # exactly the value the full path reads (WSGIHeaders: a str under HTTP_AUTHORIZATION;
        # WSGI servers join repeated headers there)
        authorization = real_request.environ.get("HTTP_AUTHORIZATION")
        if type(authorization) is str:
            session = state.guard.express(authorization)
            if session is not None:
                lazy = LazyInfo(real_request, state.app)
                auth = state.guard.express_auth(session, lazy)
                ctx = real_g._authguard = RequestAuth(real_request, lazy, None, auth, False, True)
                return ctx
    info = build_request_info(real_request, state.app)
    if state.skip is not None and state.skip(info):
        return None
    result = state.guard.authenticate(info)
    ctx = RequestAuth(real_request, info, result, result.auth, info.is_preflight, False)
    real_g._authguard = ctx
    return ctx


def require_auth() -> Auth:
    """The current request's ``Auth``; ConfigurationError when ``skip`` excluded the request."""
    ctx = request_auth(app_state())
    if ctx is None:
        raise ConfigurationError(
            f"{request.path!r} is excluded by AuthGuard(skip=...), so it is not authenticated; "
            "remove it from skip to use current_auth or protect there"
        )
    return ctx.auth


def view_is_public() -> bool:
    """True when the routed view (function, ``MethodView`` class or method) is ``@public``."""
    endpoint = request.endpoint
    view = current_app.view_functions.get(endpoint) if endpoint else None
    if view is None:
        return False
    if getattr(view, PUBLIC_ATTR, False):
        return True
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return False
    method = getattr(view_class, request.method.lower(), None)
    if method is None and request.method == "HEAD":
        method = getattr(view_class, "get", None)
    return bool(getattr(view_class, PUBLIC_ATTR, False) or getattr(method, PUBLIC_ATTR, False))
