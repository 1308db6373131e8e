"""Validation of ``Settings`` (SPEC §1): each check raises ConfigurationError naming the setting."""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from authguard.exceptions import ConfigurationError

if TYPE_CHECKING:
    from authguard.settings import Settings

ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512")

# -- checks ----------------------------------------------------------------------------

_SECRET_KEY_RE = re.compile(r"sk_(test|live)_[A-Za-z0-9_\-]+")
_ORIGIN_RE = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+")


def is_loopback(host: str | None) -> bool:
    if host in ("localhost", None):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.endswith(".localhost")


def _fail(setting: str, message: str) -> ConfigurationError:
    return ConfigurationError(f"{setting}: {message}", setting=setting)


def _check_key_source(s: Settings) -> None:
    if not (s.jwt_key or s.jwks_url or s.secret_key):
        raise _fail(
            "secret_key",
            "no way to get the instance's keys. Set CLERK_SECRET_KEY (fetches the JWKS from the "
            "Backend API), CLERK_JWT_KEY (networkless PEM) or AUTHGUARD_JWKS_URL — or run "
            "`authguard dev` and export what it prints",
        )


def _check_keys(s: Settings) -> None:
    if s.publishable_key:
        _ = s.frontend_api_strict
    if s.secret_key is not None and not re.fullmatch(
        r"sk_(test|live)_[A-Za-z0-9_\-]+", s.secret_key
    ):
        raise _fail("secret_key", "must look like sk_test_… or sk_live_… (the Backend API key)")
    if s.jwt_key:
        _ = s.public_key


def _check_algorithms(s: Settings) -> None:
    bad = [a for a in s.algorithms if a not in ALLOWED_ALGORITHMS]
    if not s.algorithms or bad:
        raise _fail("algorithms", f"must be a non-empty subset of {ALLOWED_ALGORITHMS}, got {bad}")


def _check_numbers(s: Settings) -> None:
    checks: list[tuple[str, Callable[[float], bool], str]] = [
        ("clock_skew", lambda v: v >= 0, "must be 0 or more seconds"),
        ("jwks_cache_ttl", lambda v: v > 0, "must be more than 0 seconds"),
        ("jwks_miss_cooldown", lambda v: v >= 0, "must be 0 or more seconds"),
        ("http_timeout", lambda v: v > 0, "must be more than 0 seconds"),
        ("max_token_bytes", lambda v: v > 0, "must be a positive number of bytes"),
    ]
    for name, ok, message in checks:
        value = getattr(s, name)
        valid_type = isinstance(value, int | float) and not isinstance(value, bool)
        if not valid_type or not math.isfinite(value) or not ok(value):
            raise _fail(name, f"{message}, got {value!r}")


def _check_urls(s: Settings) -> None:
    for name in ("api_url", "jwks_url"):
        url = getattr(s, name)
        if url is not None and not _is_http_url(url):
            raise _fail(name, f"must be an absolute http(s) URL, got {url!r}")
    for name in ("sign_in_url", "sign_up_url"):
        url = getattr(s, name)
        if url is not None and not (_is_http_url(url) or _is_app_path(url)):
            raise _fail(
                name, f"must be an absolute http(s) URL or a path starting with /, got {url!r}"
            )
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", s.redirect_param):
        raise _fail("redirect_param", "must be a plain query parameter name such as redirect_url")


def _check_origins(s: Settings) -> None:
    if s.app_origin is not None and not _is_origin(s.app_origin):
        raise _fail(
            "app_origin", f"must be an origin like https://app.example.com, got {s.app_origin!r}"
        )
    for party in s.authorized_parties:
        if not _is_origin(party):
            raise _fail(
                "authorized_parties",
                f"entries must be origins like https://app.example.com (no path), got {party!r}",
            )


def _check_types(s: Settings) -> None:
    for name in ("issuer", "audience"):
        value = getattr(s, name)
        if value is not None and (not isinstance(value, str) or not value):
            raise _fail(name, "must be a non-empty string or unset")
    for name in ("debug", "hide_protected_routes"):
        if not isinstance(getattr(s, name), bool):
            raise _fail(name, "must be True or False")


def _is_http_url(url: Any) -> bool:
    if not isinstance(url, str) or _has_unsafe_chars(url):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _is_app_path(url: Any) -> bool:
    return (
        isinstance(url, str)
        and url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and not _has_unsafe_chars(url)
    )


def _is_origin(value: Any) -> bool:
    return isinstance(value, str) and bool(_ORIGIN_RE.fullmatch(value)) and _is_http_url(value)


def _has_unsafe_chars(url: str) -> bool:
    return any(c in url for c in "\r\n\t\\ ") or any(ord(c) < 0x20 for c in url)


CHECKS: tuple[Callable[[Settings], None], ...] = (
    _check_types,
    _check_numbers,
    _check_algorithms,
    _check_urls,
    _check_origins,
    _check_keys,
    _check_key_source,
)
