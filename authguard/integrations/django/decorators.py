"""Per-view policy: ``protect(...)`` and ``public``, for sync and async views.

Both stamp the view (``POLICY_ATTR``) so ``AuthGuardMiddleware.process_view`` can see them:
``public`` exempts a view from ``PUBLIC_ROUTES``' "protect everything else", and ``protect``
is enforced before the view runs. ``protect`` also enforces when the wrapped view is called,
so it works where ``process_view`` cannot see it (``method_decorator`` on ``get``/``post``).
For class-based views, decorate ``dispatch`` (``method_decorator(public, name="dispatch")``),
as with Django's ``login_not_required``: ``as_view()`` copies those stamps onto the view.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Final, TypeVar, cast

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest

from authguard.auth import Auth
from authguard.exceptions import AuthGuardError
from authguard.integrations._common import PROTECT_FAILURES, ProtectDecorator, ProtectSpec
from authguard.integrations.django.conf import get_runtime
from authguard.integrations.django.http import AUTH_ATTR, refusal, request_info
from authguard.integrations.django.users import attach_user

__all__ = ["POLICY_ATTR", "PUBLIC", "aget_auth", "get_auth", "policy_of", "protect", "public"]

V = TypeVar("V", bound=Callable[..., Any])

POLICY_ATTR: Final = "authguard_policy"
PUBLIC: Final = "public"
#: the ProtectSpec process_view already enforced for this request (skip enforcing it twice).
_ENFORCED_ATTR = "_authguard_enforced"


def policy_of(view: Any) -> ProtectSpec | str | None:
    """The stamp on a view function, or on the class behind ``View.as_view()``."""
    policy = getattr(view, POLICY_ATTR, None)
    if policy is None:
        policy = getattr(getattr(view, "view_class", None), POLICY_ATTR, None)
    return policy if isinstance(policy, ProtectSpec | str) else None


def public(view: V) -> V:
    """Mark a view (function, or ``View`` subclass) public: never protected by PUBLIC_ROUTES."""
    setattr(view, POLICY_ATTR, PUBLIC)
    return view


def _stored(request: HttpRequest) -> Auth | None:
    auth = request.__dict__.get(AUTH_ATTR)
    return auth if isinstance(auth, Auth) else None


def _store(request: HttpRequest, auth: Auth) -> Auth:
    setattr(request, AUTH_ATTR, auth)
    request.auth = auth  # type: ignore[attr-defined]
    attach_user(request, get_runtime(), auth)
    return auth


def get_auth(request: Any) -> Auth:
    """The request's ``Auth``: the middleware's, else authenticated now (sync, may fetch keys).

    Accepts a Django ``HttpRequest`` or a DRF ``Request``. In async code without the
    middleware use ``await aget_auth(request)``.
    """
    request = _django_request(request)
    return _stored(request) or _store(
        request, get_runtime().guard.authenticate(request_info(request)).auth
    )


async def aget_auth(request: Any) -> Auth:
    """Like ``get_auth`` but authenticates with the async key fetcher when needed."""
    request = _django_request(request)
    auth = _stored(request)
    if auth is None:
        state = await get_runtime().guard.aauthenticate(request_info(request))
        auth = _store(request, state.auth)
    return auth


def _django_request(obj: Any) -> HttpRequest:
    inner = getattr(obj, "_request", obj)  # DRF's Request wraps the HttpRequest
    if not isinstance(inner, HttpRequest):
        raise TypeError("expected a Django HttpRequest (or a DRF Request)")
    return inner


def _find_request(args: tuple[Any, ...]) -> HttpRequest:
    for arg in args[:2]:  # (request, ...) or, undecorated methods, (self, request, ...)
        inner = getattr(arg, "_request", arg)
        if isinstance(inner, HttpRequest):
            return inner
    raise TypeError("protect(): the view receives no HttpRequest; use method_decorator on methods")


def enforce(request: HttpRequest, spec: ProtectSpec, auth: Auth) -> Any:
    """Apply ``spec``; returns None when it passes, else the refusal response (or raises).
    Records it on the request, so the view wrapper skips a spec process_view enforced."""
    if _is_preflight(request):
        return None
    try:
        spec.enforce(auth)
    except PROTECT_FAILURES as exc:
        return refusal(request, get_runtime().guard, cast(AuthGuardError, exc))
    setattr(request, _ENFORCED_ATTR, spec)
    return None


def _is_preflight(request: HttpRequest) -> bool:
    # RequestInfo's method is request.method: only an OPTIONS request needs it described
    return request.method == "OPTIONS" and request_info(request).is_preflight


def _decorate(view: V, spec: ProtectSpec) -> V:
    if iscoroutinefunction(view):

        @functools.wraps(view)
        async def async_view(*args: Any, **kwargs: Any) -> Any:
            request = _find_request(args)
            if request.__dict__.get(_ENFORCED_ATTR) is not spec:  # else process_view did
                refused = enforce(request, spec, await aget_auth(request))
                if refused is not None:
                    return refused
            return await view(*args, **kwargs)

        wrapper: Any = async_view
    else:

        @functools.wraps(view)
        def sync_view(*args: Any, **kwargs: Any) -> Any:
            request = _find_request(args)
            if request.__dict__.get(_ENFORCED_ATTR) is not spec:  # else process_view did
                refused = enforce(request, spec, get_auth(request))
                if refused is not None:
                    return refused
            return view(*args, **kwargs)

        wrapper = sync_view
    setattr(wrapper, POLICY_ATTR, spec)
    return wrapper  # type: ignore[no-any-return]


def _protect(*args: Any, **kwargs: Any) -> Any:
    """``@protect``, ``@protect()`` or ``@protect(role=..., permission=..., ...)`` on a view.

    Takes ``Auth.protect()``'s arguments; failures answer per SPEC §6 (page 403/404 raise
    ``PermissionDenied``/``Http404`` so ``handler403``/``handler404`` render).
    """
    spec, func = ProtectSpec.from_decorator_args(args, kwargs)
    if func is not None:
        return _decorate(func, spec)

    def decorator(view: V) -> V:
        return _decorate(view, spec)

    return decorator


protect: ProtectDecorator = _protect
