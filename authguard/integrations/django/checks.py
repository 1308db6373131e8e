"""System checks (``manage.py check``) with stable ids; registered by the AppConfig.

- ``authguard.E001`` settings invalid or no key source (the ConfigurationError's message)
- ``authguard.E002`` ``SIGN_IN_URL``/``SIGN_UP_URL`` is not an absolute http(s) URL or a path
- ``authguard.E003`` ``AuthGuardMiddleware`` missing, or placed before ``AuthenticationMiddleware``
- ``authguard.E004`` ``HANDLER``/``USER`` cannot be imported or is not callable
- ``authguard.W001`` unknown ``AUTHGUARD`` key (with a "did you mean")
- ``authguard.W002`` test keys (``sk_test_``/``pk_test_``) with ``DEBUG = False``
- ``authguard.W003`` a ``Settings.warnings()`` entry (plain http, Host-following return URLs)
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from django.conf import settings as django_settings
from django.core.checks import CheckMessage, Error, Warning

from authguard.exceptions import ConfigurationError
from authguard.integrations.django.conf import KNOWN_KEYS, build_settings, load_callable
from authguard.settings import Settings

__all__ = ["MIDDLEWARE_PATHS", "check_authguard"]

MIDDLEWARE_PATHS = frozenset(
    {
        "authguard.django.middleware.AuthGuardMiddleware",
        "authguard.integrations.django.middleware.AuthGuardMiddleware",
    }
)
_AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"
_URL_SETTINGS = frozenset({"sign_in_url", "sign_up_url"})


def check_authguard(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every authguard check; never raises."""
    raw = getattr(django_settings, "AUTHGUARD", None) or {}
    if not isinstance(raw, Mapping):
        return [Error("settings.AUTHGUARD must be a dict", id="authguard.E001")]
    messages: list[CheckMessage] = [*_unknown_keys(raw), *_callables(raw), *_middleware()]
    settings, errors = _settings(raw)
    messages.extend(errors)
    if settings is not None:
        messages.extend(_warnings(settings))
    return messages


def _settings(raw: Mapping[str, Any]) -> tuple[Settings | None, list[CheckMessage]]:
    try:
        settings = build_settings(raw)
        settings.validate()
    except ConfigurationError as exc:
        check_id = "authguard.E002" if exc.setting in _URL_SETTINGS else "authguard.E001"
        hint = f"Fix AUTHGUARD[{exc.setting.upper()!r}]" if exc.setting else None
        return None, [Error(str(exc), hint=hint, id=check_id)]
    return settings, []


def _unknown_keys(raw: Mapping[str, Any]) -> list[CheckMessage]:
    out: list[CheckMessage] = []
    for key in sorted(k for k in raw if k not in KNOWN_KEYS):
        close = difflib.get_close_matches(str(key).upper(), KNOWN_KEYS, n=1)
        hint = f"Did you mean {close[0]!r}?" if close else f"Known keys: {sorted(KNOWN_KEYS)}"
        out.append(Warning(f"AUTHGUARD has an unknown key {key!r}", hint=hint, id="authguard.W001"))
    return out


def _callables(raw: Mapping[str, Any]) -> list[CheckMessage]:
    out: list[CheckMessage] = []
    for key in ("HANDLER", "USER"):
        try:
            load_callable(raw, key)
        except ConfigurationError as exc:
            out.append(Error(str(exc), id="authguard.E004"))
    return out


def _middleware() -> list[CheckMessage]:
    names = [str(m) for m in getattr(django_settings, "MIDDLEWARE", None) or ()]
    ours = [i for i, name in enumerate(names) if name in MIDDLEWARE_PATHS]
    if not ours:
        return [
            Error(
                "AuthGuardMiddleware is not in MIDDLEWARE",
                hint="Add 'authguard.django.middleware.AuthGuardMiddleware' after "
                f"'{_AUTH_MIDDLEWARE}'",
                id="authguard.E003",
            )
        ]
    if _AUTH_MIDDLEWARE in names and names.index(_AUTH_MIDDLEWARE) > ours[0]:
        return [
            Error(
                "AuthGuardMiddleware is placed before AuthenticationMiddleware",
                hint="Move it after AuthenticationMiddleware so a session user is kept "
                "and request.user is set by authguard last",
                id="authguard.E003",
            )
        ]
    return []


def _warnings(settings: Settings) -> list[CheckMessage]:
    out: list[CheckMessage] = []
    test_keys = (settings.secret_key or "").startswith("sk_test_") or (
        settings.publishable_key or ""
    ).startswith("pk_test_")
    if test_keys and not django_settings.DEBUG:
        out.append(
            Warning(
                "Clerk test keys (sk_test_/pk_test_) are configured while DEBUG is False",
                hint="Use the live keys (sk_live_/pk_live_) in production",
                id="authguard.W002",
            )
        )
    out.extend(Warning(text, id="authguard.W003") for text in settings.warnings())
    return out
