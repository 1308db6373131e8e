"""``protect(...)`` and ``public`` view decorators for Flask (SPEC §6, §8)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app

from authguard.integrations._common import ProtectDecorator, ProtectSpec
from authguard.integrations.flask._state import (
    PUBLIC_ATTR,
    authenticated_request,
    current_request_info,
    require_auth,
)

__all__ = ["PROTECT_ATTR", "protect", "public"]

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

PROTECT_ATTR = "_authguard_protect"


def _protect(*args: Any, **kwargs: Any) -> Any:
    """Require a signed-in user (and optionally a role, permission, ...) for a view.

    Works bare (``@protect``) or called (``@protect(role="org:admin")``) on sync and async
    views, blueprint views and ``MethodView`` methods (or in its ``decorators`` list). A CORS
    preflight (``OPTIONS`` with ``Access-Control-Request-Method``) reaches the view unchecked;
    any other ``OPTIONS`` is checked like every method. Failures are rendered per SPEC §6 by
    the error handlers ``AuthGuard.init_app`` registered.
    """
    spec, view = ProtectSpec.from_decorator_args(args, kwargs)

    def decorate(func: F) -> F:
        # Only a coroutine view needs the app's ensure_sync (decided once, not per request).
        is_async = inspect.iscoroutinefunction(func)
        enforce = spec.enforce

        @functools.wraps(func)
        def wrapper(*a: Any, **kw: Any) -> Any:
            ctx = authenticated_request()  # set by before_request: one lookup
            if ctx is not None:
                if not ctx.preflight:
                    enforce(ctx.auth)
            else:
                auth = require_auth()  # first: it refuses a request skip excluded
                if not current_request_info().is_preflight:
                    enforce(auth)
            if is_async:
                return current_app.ensure_sync(func)(*a, **kw)
            return func(*a, **kw)

        setattr(wrapper, PROTECT_ATTR, spec)
        return wrapper  # type: ignore[return-value]

    return decorate(view) if view is not None else decorate


protect: ProtectDecorator = _protect


def public(view: T) -> T:
    """Mark a view (function, ``MethodView`` class or method) public.

    A public view is exempt from ``public_routes`` mode's "protect everything else" and does
    not run the extension's ``handler``; it is still authenticated, so ``current_auth`` works.
    """
    setattr(view, PUBLIC_ATTR, True)
    return view
