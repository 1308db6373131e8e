"""The ``AuthGuard`` Flask extension (SPEC §8): one ``Guard`` per app, hooks, error handlers."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, has_request_context, request
from flask.typing import ResponseReturnValue
from werkzeug.utils import import_string

from authguard.auth import Auth
from authguard.exceptions import AuthGuardError, ConfigurationError, Unauthenticated, Unauthorized
from authguard.guard import Guard
from authguard.integrations._common import PROTECT_FAILURES, VARY_VALUE, add_vary, build_matcher
from authguard.integrations.flask._glue import apply_headers, render_decision
from authguard.integrations.flask._state import (
    EXTENSION_KEY,
    AppState,
    ErrorHook,
    Handler,
    RequestAuth,
    app_state,
    authenticated_request,
    current_request_info,
    request_auth,
    view_is_public,
)
from authguard.matchers import RouteMatcher
from authguard.settings import Settings

__all__ = ["AuthGuard", "ErrorHook", "Handler"]

H = TypeVar("H", bound=ErrorHook)

CONFIG_PREFIX = "AUTHGUARD_"


class AuthGuard:
    """Clerk-style authentication for Flask apps.

    ``AuthGuard(app)`` or, with an application factory, ``guard = AuthGuard()`` then
    ``guard.init_app(app)`` for each app. Each app gets its own ``Guard`` (its own settings and
    key set) in ``app.extensions["authguard"]``; this object never holds an app.

    Settings: an explicit ``settings=`` wins over ``AUTHGUARD_<FIELD>`` config keys, which win
    over the environment. ``handler``, ``public_routes`` and ``skip`` likewise win over
    ``AUTHGUARD_HANDLER`` (a callable or an import string), ``AUTHGUARD_PUBLIC_ROUTES`` and
    ``AUTHGUARD_SKIP``.
    """

    def __init__(
        self,
        app: Flask | None = None,
        *,
        settings: Settings | None = None,
        handler: Handler | None = None,
        public_routes: Any = None,
        skip: Any = None,
    ) -> None:
        self._settings = settings
        self._handler = handler
        self._public_routes = public_routes
        self._skip = skip
        self._unauthenticated_hook: ErrorHook | None = None
        self._unauthorized_hook: ErrorHook | None = None
        if app is not None:
            self.init_app(app)

    # -- set-up -----------------------------------------------------------------------

    def init_app(self, app: Flask) -> None:
        """Build this app's ``Guard`` (ConfigurationError surfaces here) and install hooks."""
        if EXTENSION_KEY in app.extensions:
            raise ConfigurationError(
                f"AuthGuard is already initialised on app {app.name!r}; call init_app once per app"
            )
        guard = Guard(self.settings_for(app))
        state = app.extensions[EXTENSION_KEY] = AppState(
            extension=self,
            app=app,
            guard=guard,
            handler=self._option(app, "HANDLER", self._handler, _load_handler),
            public_routes=self._option(app, "PUBLIC_ROUTES", self._public_routes, build_matcher),
            skip=self._option(app, "SKIP", self._skip, build_matcher),
        )
        before_request, after_request = _hooks(state)
        app.before_request(before_request)
        # No teardown hook: the state pins its request, so a g that outlives the request
        # (an app context pushed by hand) never shows it to another one.
        app.after_request(after_request)
        for failure in PROTECT_FAILURES:
            app.register_error_handler(failure, _on_failure)
        app.context_processor(_template_context)

    def settings_for(self, app: Flask) -> Settings:
        """``settings=`` if given, else ``AUTHGUARD_*`` config keys over the environment."""
        if self._settings is not None:
            return self._settings
        # Only keys actually present override the environment; seeding defaults with
        # app.config.setdefault would hide CLERK_* environment variables.
        from_config = Settings.from_mapping(app.config, prefix=CONFIG_PREFIX)
        present = {
            f.name: getattr(from_config, f.name)
            for f in dataclasses.fields(Settings)
            if CONFIG_PREFIX + f.name.upper() in app.config
        }
        return Settings.from_env(**present)

    @staticmethod
    def _option(app: Flask, key: str, explicit: Any, build: Callable[[Any], Any]) -> Any:
        if explicit is not None:
            return build(explicit)
        return build(app.config.get(CONFIG_PREFIX + key))

    # -- user hooks -------------------------------------------------------------------

    def unauthenticated_handler(self, hook: H) -> H:
        """Register ``hook(error) -> response`` for ``Unauthenticated`` (default: SPEC §6)."""
        self._unauthenticated_hook = hook
        return hook

    def unauthorized_handler(self, hook: H) -> H:
        """Register ``hook(error) -> response`` for ``Unauthorized`` (default: SPEC §6)."""
        self._unauthorized_hook = hook
        return hook

    def hook_for(self, error: BaseException) -> ErrorHook | None:
        if isinstance(error, Unauthenticated):
            return self._unauthenticated_hook
        if isinstance(error, Unauthorized):
            return self._unauthorized_hook
        return None

    # -- accessors --------------------------------------------------------------------

    @staticmethod
    def guard_for(app: Flask | None = None) -> Guard:
        """The ``Guard`` serving ``app`` (default: the current app)."""
        return app_state(app).guard


def _load_handler(value: Any) -> Handler | None:
    if value is None:
        return None
    handler = import_string(value) if isinstance(value, str) else value
    if not callable(handler):
        raise ConfigurationError("AUTHGUARD_HANDLER must be a callable or an import string")
    return handler  # type: ignore[no-any-return]


# -- request hooks (closures over the app's state: no app lookup per request) -------------

BeforeHook = Callable[[], ResponseReturnValue | None]
AfterHook = Callable[[Response], Response]


def _hooks(state: AppState) -> tuple[BeforeHook, AfterHook]:
    def before_request() -> ResponseReturnValue | None:
        ctx = request_auth(state)
        if ctx is None:  # skip matched
            return None
        if ctx.express:
            return None  # signed in, and no handler: no policy refuses it (see AppState)
        return _checked(state, ctx)

    def after_request(response: Response) -> Response:
        ctx = authenticated_request()
        if ctx is None:
            return response
        headers = response.headers
        for name, _ in headers:  # lengths first: most names are never lower-cased
            if len(name) == 4 and name.lower() == "vary":
                headers["Vary"] = add_vary(", ".join(headers.getlist("Vary")))
                break
        else:
            headers.add("Vary", VARY_VALUE)  # nothing to replace: append, no second scan
        if not ctx.headers_applied:
            ctx.headers_applied = True
            apply_headers(response, ctx.state.headers)
        return response

    return before_request, after_request


def _checked(state: AppState, ctx: RequestAuth) -> ResponseReturnValue | None:
    if ctx.state.status == "handshake":
        ctx.headers_applied = True
        return render_decision(state.guard.handshake_decision(ctx.state), current_app)
    if ctx.preflight:
        return None  # a CORS preflight carries no credentials (SPEC §6)
    return _policy(state, ctx)


def _policy(state: AppState, ctx: RequestAuth) -> ResponseReturnValue | None:
    if state.handler is None and state.public_routes is None:
        return None  # no global policy: nothing to decide (skip the view lookup)
    public = view_is_public() or _matches(state.public_routes, ctx)
    if state.handler is None:
        if state.public_routes is not None and not public:
            ctx.auth.protect()
        return None
    if public:
        return None
    result = current_app.ensure_sync(state.handler)(ctx.auth, request)
    return result  # type: ignore[no-any-return]


def _matches(matcher: RouteMatcher | None, ctx: RequestAuth) -> bool:
    return matcher is not None and matcher(ctx.info)


def _on_failure(error: AuthGuardError) -> ResponseReturnValue:
    state = app_state()
    hook = state.extension.hook_for(error)
    if hook is not None:
        return current_app.ensure_sync(hook)(error)  # type: ignore[no-any-return]
    return render_decision(state.guard.decide(error, current_request_info()), current_app)


def _template_context() -> dict[str, Any]:
    if not has_request_context():
        return {}
    try:
        ctx = request_auth(app_state())
    except ConfigurationError:
        return {}
    return {"auth": ctx.auth if ctx is not None else Auth.signed_out(None)}
