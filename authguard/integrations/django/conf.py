"""``settings.AUTHGUARD``: read once into a ``Runtime`` (one ``Guard``), rebuilt on change.

Keys are the ``Settings`` field names upper-cased, plus ``HANDLER``, ``PUBLIC_ROUTES``,
``SKIP`` and ``USER``. Explicit keys win over the environment (``Settings.from_env``).
The runtime is shared by the middleware, the decorators and the DRF classes, and is
dropped when ``override_settings(AUTHGUARD=...)`` (or any ``setting_changed``) touches it.
"""

from __future__ import annotations

import dataclasses
import inspect
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings as django_settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from authguard.auth import Auth
from authguard.exceptions import ConfigurationError
from authguard.guard import Guard
from authguard.integrations._common import build_matcher
from authguard.matchers import RouteMatcher
from authguard.settings import Settings

__all__ = [
    "EXTRA_KEYS",
    "FIELD_KEYS",
    "KNOWN_KEYS",
    "Runtime",
    "build_settings",
    "get_runtime",
    "load_callable",
    "raw_config",
    "reset_runtime",
]

FIELD_KEYS: Mapping[str, str] = {f.name.upper(): f.name for f in dataclasses.fields(Settings)}
EXTRA_KEYS = ("HANDLER", "PUBLIC_ROUTES", "SKIP", "USER")
KNOWN_KEYS = frozenset(FIELD_KEYS) | frozenset(EXTRA_KEYS)


@dataclass(frozen=True)
class Runtime:
    """Everything prepared from ``settings.AUTHGUARD``: the guard, handler, matchers, user."""

    guard: Guard
    handler: Callable[..., Any] | None
    handler_is_async: bool
    public_routes: RouteMatcher | None
    skip: RouteMatcher | None
    user_factory: Callable[[Auth], Any] | None
    user_factory_is_async: bool
    #: ``Guard.express`` may answer a repeated Bearer token: no handler and no skip (a signed-in
    #: request passes PUBLIC_ROUTES' "protect everything else" untouched).
    express: bool = False


def raw_config() -> Mapping[str, Any]:
    """``settings.AUTHGUARD`` (``{}`` when absent); a non-dict is a ConfigurationError."""
    value = getattr(django_settings, "AUTHGUARD", None)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigurationError(
            "settings.AUTHGUARD must be a dict such as {'SECRET_KEY': ...}", setting="AUTHGUARD"
        )
    return value


def build_settings(raw: Mapping[str, Any]) -> Settings:
    """The ``Settings`` from ``raw`` (upper-cased field names) over the environment."""
    present = {key: value for key, value in raw.items() if key in FIELD_KEYS}
    from_mapping = Settings.from_mapping(present)
    explicit = {FIELD_KEYS[key]: getattr(from_mapping, FIELD_KEYS[key]) for key in present}
    return Settings.from_env(**explicit)


def load_callable(raw: Mapping[str, Any], key: str) -> Callable[..., Any] | None:
    """``AUTHGUARD[key]`` as a callable: a dotted path is imported, a callable is kept."""
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = import_string(value)
        except ImportError as exc:
            raise ConfigurationError(
                f"AUTHGUARD[{key!r}] = {raw[key]!r} cannot be imported ({exc}); give a dotted "
                "path such as 'myapp.auth.handler' or the callable itself",
                setting=key,
            ) from exc
    if not callable(value):
        raise ConfigurationError(f"AUTHGUARD[{key!r}] must be callable", setting=key)
    return cast("Callable[..., Any]", value)


def is_async_callable(func: Any) -> bool:
    """True for ``async def`` functions and objects whose ``__call__`` is one."""
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(
        getattr(func, "__call__", None)  # noqa: B004 -- callable objects with async __call__
    )


def _build() -> Runtime:
    raw = raw_config()
    handler = load_callable(raw, "HANDLER")
    user_factory = load_callable(raw, "USER")
    skip = build_matcher(raw.get("SKIP"))
    return Runtime(
        guard=Guard(build_settings(raw)),
        handler=handler,
        handler_is_async=is_async_callable(handler),
        public_routes=build_matcher(raw.get("PUBLIC_ROUTES")),
        skip=skip,
        user_factory=user_factory,
        user_factory_is_async=is_async_callable(user_factory),
        express=handler is None and skip is None,
    )


_lock = threading.Lock()
_runtime: Runtime | None = None


def get_runtime() -> Runtime:
    """The shared runtime, built on first use (raises ConfigurationError when invalid)."""
    global _runtime
    current = _runtime
    if current is not None:
        return current
    with _lock:
        if _runtime is None:
            _runtime = _build()
        return _runtime


def reset_runtime() -> None:
    """Forget the runtime; the next request builds a fresh one from the current settings."""
    global _runtime
    with _lock:
        old, _runtime = _runtime, None
    if old is not None:
        old.guard.close()


def _on_setting_changed(*, setting: str, **_: Any) -> None:
    if setting == "AUTHGUARD":
        reset_runtime()


setting_changed.connect(_on_setting_changed, dispatch_uid="authguard.django.conf")
