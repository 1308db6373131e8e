"""``AuthGuardMiddleware``: authenticates every request, sync or async, in one class.

Order in ``MIDDLEWARE``: after ``django.contrib.auth.middleware.AuthenticationMiddleware``
(a session user it loads is kept as ``request.user``) and before
``LoginRequiredMiddleware`` (which then sees token users as authenticated).

Per request: ``SKIP`` matches → untouched. Otherwise authenticate (``aauthenticate`` on the
async path: no thread hop, no blocking I/O), set ``request.auth``/``request.user``, answer a
handshake, then policy: ``HANDLER`` runs for every non-public route; ``PUBLIC_ROUTES``
without a handler protects every other route unless the resolved view is ``@public``;
``process_view`` enforces ``@protect`` stamps. Every response gets ``Vary``.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, cast

from asgiref.sync import async_to_sync, iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve

from authguard.auth import Auth
from authguard.exceptions import AuthGuardError
from authguard.guard import RequestState
from authguard.integrations._common import PROTECT_FAILURES, ProtectSpec
from authguard.integrations.django.conf import Runtime, get_runtime
from authguard.integrations.django.decorators import PUBLIC, enforce, policy_of
from authguard.integrations.django.http import (
    AUTH_ATTR,
    decision_response,
    finish_response,
    framework_exception,
    refusal,
    request_info,
)
from authguard.integrations.django.users import attach_user
from authguard.request import RequestInfo

__all__ = ["AuthGuardMiddleware"]

Response = HttpResponseBase
_FRAMEWORK_ERRORS = (PermissionDenied, Http404)


class AuthGuardMiddleware:
    """Clerk-style authentication for Django (SPEC §6–8); configure with ``AUTHGUARD``."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)
            self.process_view = self._aprocess_view  # type: ignore[method-assign,assignment]
            self.process_exception = self._aprocess_exception  # type: ignore[method-assign,assignment]
        get_runtime()  # fail at startup, not on the first request, when settings are wrong

    # -- sync ---------------------------------------------------------------------------

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        runtime = get_runtime()
        if runtime.express and _express(request, runtime):
            return finish_response(request, self.get_response(request), None)
        if _skipped(runtime, request):
            return self.get_response(request)
        info = request_info(request)
        state = runtime.guard.authenticate(info)
        _attach(request, runtime, state.auth)
        response: Response | Exception | None
        try:
            response = _admit(request, runtime, info, state)
            if response is None and _runs_handler(runtime, info):
                response = _handler_response(self._call_handler(runtime, state.auth, request))
        except PROTECT_FAILURES as exc:
            response = _refusal_or_error(request, runtime, info, exc)
        except _FRAMEWORK_ERRORS as exc:
            response = exc
        if isinstance(response, Exception):
            return finish_response(request, response_for_exception(request, response), state)
        if response is None:
            return finish_response(request, self.get_response(request), state)
        return finish_response(request, response, state)

    def _call_handler(self, runtime: Runtime, auth: Auth, request: HttpRequest) -> Any:
        handler = cast(Callable[..., Any], runtime.handler)
        if runtime.handler_is_async:
            return async_to_sync(handler)(auth, request)
        return handler(auth, request)

    # -- async --------------------------------------------------------------------------

    async def __acall__(self, request: HttpRequest) -> Any:
        runtime = get_runtime()
        get_response = cast(Callable[[HttpRequest], Awaitable[Any]], self.get_response)
        if runtime.express and _express(request, runtime):
            return finish_response(request, await get_response(request), None)
        if _skipped(runtime, request):
            return await get_response(request)
        info = request_info(request)
        state = await runtime.guard.aauthenticate(info)
        _attach(request, runtime, state.auth)
        response: Response | Exception | None
        try:
            response = _admit(request, runtime, info, state)
            if response is None and _runs_handler(runtime, info):
                result = await self._acall_handler(runtime, state.auth, request)
                response = _handler_response(result)
        except PROTECT_FAILURES as exc:
            response = _refusal_or_error(request, runtime, info, exc)
        except _FRAMEWORK_ERRORS as exc:
            response = exc
        if isinstance(response, Exception):
            # What Django's own convert_exception_to_response does on the async path.
            render = sync_to_async(response_for_exception, thread_sensitive=False)
            return finish_response(request, await render(request, response), state)
        if response is None:
            return finish_response(request, await get_response(request), state)
        return finish_response(request, response, state)

    async def _acall_handler(self, runtime: Runtime, auth: Auth, request: HttpRequest) -> Any:
        handler = cast(Callable[..., Any], runtime.handler)
        if runtime.handler_is_async:
            return await handler(auth, request)
        return await sync_to_async(handler)(auth, request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> Response | None:
        """Enforce a ``@protect`` stamp before the view runs (raises for page 403/404)."""
        return _view_policy(request, view)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Response | None:
        """Render ``protect()``/``redirect_to_sign_in()`` failures raised inside views."""
        return _view_exception(request, exception)

    async def _aprocess_exception(
        self, request: HttpRequest, exception: Exception
    ) -> Response | None:
        return _view_exception(request, exception)

    async def _aprocess_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> Response | None:
        return _view_policy(request, view)


# -- shared, no I/O ---------------------------------------------------------------------


def _express(request: HttpRequest, runtime: Runtime) -> bool:
    """The express lane (``Guard.express``): a repeated Bearer token gets the ``Auth`` the full
    path would give, without describing the request unless a redirect or refusal needs it.

    Only when ``runtime.express``: then a signed-in request is never answered by the middleware
    itself (no handler, no skip; PUBLIC_ROUTES only refuses signed-out requests, no handshake)
    and its state carries no headers (``express`` declines in debug mode).
    """
    # exactly what the full path's RequestInfo.headers (WSGIHeaders over META) would return
    authorization = request.META.get("HTTP_AUTHORIZATION")
    if type(authorization) is not str:
        return False
    guard = runtime.guard
    session = guard.express(authorization)
    if session is None:
        return False
    _attach(request, runtime, guard.express_auth(session, functools.partial(request_info, request)))
    return True


def _admit(
    request: HttpRequest, runtime: Runtime, info: RequestInfo, state: RequestState
) -> Response | None:
    """A handshake answer, or a refusal by PUBLIC_ROUTES' "protect everything else"."""
    if state.status == "handshake":
        return decision_response(runtime.guard.handshake_decision(state))
    if _global_needs_resolve(runtime, info, state.auth) and not _view_is_public(request):
        state.auth.protect()
    return None


def _refusal_or_error(
    request: HttpRequest, runtime: Runtime, info: RequestInfo, exc: Exception
) -> Response | Exception:
    """The SPEC §6 response, or the PermissionDenied/Http404 Django should render."""
    decision = runtime.guard.decide(cast(AuthGuardError, exc), info)
    if decision.framework_error:
        return framework_exception(request, decision)
    return decision_response(decision)


def _view_policy(request: HttpRequest, view: Any) -> Response | None:
    auth = request.__dict__.get(AUTH_ATTR)
    spec = policy_of(view)
    if not isinstance(auth, Auth) or not isinstance(spec, ProtectSpec):
        return None
    return cast(Response | None, enforce(request, spec, auth))


def _view_exception(request: HttpRequest, exception: Exception) -> Response | None:
    if not isinstance(exception, PROTECT_FAILURES) or AUTH_ATTR not in request.__dict__:
        return None
    return refusal(request, get_runtime().guard, cast(AuthGuardError, exception))


def _skipped(runtime: Runtime, request: HttpRequest) -> bool:
    return runtime.skip is not None and runtime.skip(request.path_info)


def _attach(request: HttpRequest, runtime: Runtime, auth: Auth) -> None:
    setattr(request, AUTH_ATTR, auth)
    request.auth = auth  # type: ignore[attr-defined]
    attach_user(request, runtime, auth)


def _is_public(runtime: Runtime, info: RequestInfo) -> bool:
    return runtime.public_routes is not None and runtime.public_routes(info)


def _runs_handler(runtime: Runtime, info: RequestInfo) -> bool:
    return runtime.handler is not None and not info.is_preflight and not _is_public(runtime, info)


def _handler_response(result: Any) -> Response | None:
    return result if isinstance(result, HttpResponseBase) else None


def _global_needs_resolve(runtime: Runtime, info: RequestInfo, auth: Auth) -> bool:
    """``PUBLIC_ROUTES`` alone protects every other route; only a failure needs the view."""
    if runtime.handler is not None or runtime.public_routes is None or info.is_preflight:
        return False
    return not auth.is_signed_in and not runtime.public_routes(info)


def _view_is_public(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return policy_of(match.func) == PUBLIC
