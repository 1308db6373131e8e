"""FastAPI adapter (SPEC §8): dependencies over the Starlette middleware.

With ``AuthGuardMiddleware`` installed, ``get_auth`` returns ``scope["auth"]`` and failures are
re-raised for the middleware to render. Without it, ``get_auth`` authenticates the request
itself, once per request (cached in the scope), with a module-level ``Guard`` built lazily from
``Settings.from_env()``; a failure then raises ``AuthGuardHTTPException`` carrying the core's
``Decision``, and the dependency registers (once, never replacing a handler of yours) an
exception handler that renders it byte for byte, so the SPEC §6 answer is identical either way.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any, cast

from fastapi import Depends, Response, Security
from fastapi.security import APIKeyCookie, HTTPBearer
from fastapi.security.base import SecurityBase
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response as StarletteResponse

from authguard.auth import Auth
from authguard.decisions import Decision
from authguard.exceptions import AuthGuardError
from authguard.guard import Guard
from authguard.integrations._common import PROTECT_FAILURES, ProtectSpec, add_vary
from authguard.integrations.starlette import (
    GUARD_KEY,
    SKIPPED_KEY,
    auth_from_scope,
    scope_info,
)

__all__ = [
    "AuthGuardHTTPException",
    "CurrentAuth",
    "Protect",
    "get_auth",
    "require_auth",
]

_FALLBACK_KEY = "authguard.fallback_auth"
_fallback_guard: Guard | None = None
_fallback_lock = threading.Lock()

bearer_scheme = HTTPBearer(
    auto_error=False, scheme_name="ClerkBearer", description="A Clerk session token."
)
session_cookie_scheme = APIKeyCookie(
    name="__session",
    auto_error=False,
    scheme_name="ClerkSessionCookie",
    description="The Clerk session cookie.",
)


class _DocumentedScheme(SecurityBase):
    """A security scheme FastAPI documents (the model and name of ``scheme``) but that reads
    nothing: authguard authenticates in the middleware / ``get_auth``, not in the scheme."""

    def __init__(self, scheme: SecurityBase) -> None:
        self.model = scheme.model
        self.scheme_name = scheme.scheme_name

    async def __call__(self) -> None:
        return None


_bearer_documented = _DocumentedScheme(bearer_scheme)
_cookie_documented = _DocumentedScheme(session_cookie_scheme)


class AuthGuardHTTPException(HTTPException):
    """A SPEC §6 refusal raised by a dependency when the middleware is not installed."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.status, headers=dict(decision.headers))
        self.decision = decision


async def render_exception(request: Request, exc: Exception) -> StarletteResponse:
    """Exception handler: render the carried ``Decision`` exactly (plus ``Vary``)."""
    decision = cast(AuthGuardHTTPException, exc).decision
    response = StarletteResponse(decision.body, status_code=decision.status)
    for name, value in decision.headers:
        response.headers.append(name, value)
    response.headers["vary"] = add_vary(response.headers.get("vary"))
    return response


def fallback_guard() -> Guard:
    """The module-level ``Guard`` used without the middleware (``Settings.from_env()``)."""
    global _fallback_guard
    with _fallback_lock:
        if _fallback_guard is None:
            _fallback_guard = Guard()
        return _fallback_guard


def _register_handler(conn: HTTPConnection) -> None:
    # Starlette's ExceptionMiddleware keeps its live handler dict in the scope; adding ours there
    # (setdefault: a handler of yours wins) is the only way to render an exact body without the
    # middleware. The app's own mapping is updated too, for any later rebuild of the stack.
    handlers = conn.scope.get("starlette.exception_handlers")
    if handlers:
        handlers[0].setdefault(AuthGuardHTTPException, render_exception)
    app_handlers = getattr(conn.scope.get("app"), "exception_handlers", None)
    if isinstance(app_handlers, dict):
        app_handlers.setdefault(AuthGuardHTTPException, render_exception)


async def get_auth(
    conn: HTTPConnection,
    response: Response,
    _bearer: Annotated[None, Security(_bearer_documented)] = None,
    _cookie: Annotated[None, Security(_cookie_documented)] = None,
) -> Auth:
    """Dependency: the request's ``Auth``. Never raises for anything about the request."""
    if GUARD_KEY in conn.scope or SKIPPED_KEY in conn.scope:
        return auth_from_scope(conn.scope)
    cached = conn.scope.get(_FALLBACK_KEY)
    if isinstance(cached, Auth):
        return cached
    state = await fallback_guard().aauthenticate(scope_info(conn.scope))
    conn.scope[_FALLBACK_KEY] = state.auth
    response.headers["vary"] = add_vary(response.headers.get("vary"))
    for name, value in state.headers:
        response.headers.append(name, value)
    return state.auth


class _ProtectDependency(_DocumentedScheme):
    """``require_auth``'s dependency. It is itself the documented bearer scheme, so FastAPI
    solves one security sub-dependency per request (the cookie scheme) instead of two, and the
    OpenAPI document is unchanged (both schemes, bearer first)."""

    def __init__(self, spec: ProtectSpec) -> None:
        super().__init__(bearer_scheme)
        self.spec = spec

    async def __call__(  # type: ignore[override]
        self,
        conn: HTTPConnection,
        response: Response,
        _cookie: Annotated[None, Security(_cookie_documented)] = None,
    ) -> Auth:
        scope = conn.scope
        if GUARD_KEY in scope and self.spec.holds(scope.get("auth")):
            # Under the middleware, a holding role passes whatever else is read below (a
            # preflight passes too): no RequestInfo is described for it.
            return cast(Auth, scope["auth"])
        auth = await get_auth(conn, response)
        info = scope_info(scope)
        if info.is_preflight:
            return auth
        try:
            return self.spec.enforce(auth)
        except PROTECT_FAILURES as exc:
            guard = conn.scope.get(GUARD_KEY)
            if isinstance(guard, Guard):
                raise  # the middleware renders it
            _register_handler(conn)
            decision = fallback_guard().decide(cast(AuthGuardError, exc), info)
            raise AuthGuardHTTPException(decision) from None


def require_auth(**protect_args: Any) -> Any:
    """Dependency factory: ``Depends(require_auth(role="org:admin"))`` returns the ``Auth``."""
    return _ProtectDependency(ProtectSpec(dict(protect_args)))


def Protect(**protect_args: Any) -> Any:
    """``Depends(require_auth(**protect_args))``, for ``dependencies=[Protect()]``."""
    return Depends(require_auth(**protect_args))


CurrentAuth = Annotated[Auth, Depends(get_auth)]
