"""Return-URL (``redirect_url``) validation: only absolute URLs on a trusted origin."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from authguard.request import origin_of

_FORBIDDEN = frozenset("\\<>\"'` ")


def safe_return_url(raw: str | None, trusted_origins: Iterable[str], fallback: str) -> str:
    """``raw`` when it is an absolute http(s) URL on one of ``trusted_origins``, else ``fallback``.

    Refused: relative and scheme-relative URLs (``//host``, ``/\\host``), other schemes
    (``javascript:``), control characters (CR/LF), backslashes, userinfo
    (``http://app@evil.example``), unparsable ports.
    """
    if not raw or len(raw) > 4096:
        return fallback
    if any(ord(c) < 0x21 or ord(c) == 0x7F or c in _FORBIDDEN for c in raw):
        return fallback
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return fallback
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return fallback
    if not raw.lower().startswith(f"{parts.scheme}://"):
        return fallback
    origin = origin_of(raw)
    if origin is None or origin not in set(trusted_origins):
        return fallback
    return raw


def app_origin_for(url: str, app_origins: tuple[str, ...]) -> str:
    """The app origin a (validated) return URL belongs to, else the first app origin."""
    origin = origin_of(url)
    return origin if origin in app_origins else app_origins[0]
