"""Return URLs, sign-in redirects and the SPEC §6 table: one error → one ``Decision``."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from authguard.exceptions import (
    AuthGuardError,
    KeySetUnavailable,
    SignInRedirect,
    TokenVerificationError,
    Unauthenticated,
    Unauthorized,
)
from authguard.request import RequestInfo, origin_of
from authguard.settings import Settings

__all__ = ["Decision", "Navigator", "decide", "safe_location"]

logger = logging.getLogger("authguard")

RETRY_AFTER_SECONDS = "5"
# Reasons meaning "no token was presented" (so no ``error="invalid_token"``, RFC 6750 §3.1).
_NO_TOKEN_REASONS = frozenset(
    {
        "session-token-and-uat-missing",
        "client-uat-but-no-session-token",
        "session-token-missing",
        "session-pending",
    }
)
# Characters that stay literal in a Location; everything else (controls, spaces, non-ASCII)
# is percent-encoded so a header can never be split or smuggled.
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"


def safe_location(url: object) -> str | None:
    """``url`` as a header-safe absolute http(s) URL, or None when it is not one."""
    if not isinstance(url, str) or "\\" in url or any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        return None
    if origin_of(url) is None:
        return None
    return quote(url, safe=_URL_SAFE)


def _path_and_query(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return "/"
    path = parts.path if parts.path.startswith("/") else "/" + parts.path
    return path + (f"?{parts.query}" if parts.query else "")


class Navigator:
    """Builds return URLs and sign-in/up URLs from settings prepared once (SPEC §6)."""

    __slots__ = (
        "_parties",
        "app_origin",
        "hide_protected_routes",
        "redirect_param",
        "sign_in_target",
        "sign_up_target",
    )

    def __init__(self, settings: Settings) -> None:
        self.sign_in_target = settings.resolved_sign_in_url
        self.sign_up_target = settings.resolved_sign_up_url
        self.redirect_param = settings.redirect_param
        self.hide_protected_routes = settings.hide_protected_routes
        self.app_origin = origin_of(settings.app_origin) if settings.app_origin else None
        parties = (origin_of(p) for p in settings.authorized_parties)
        self._parties: tuple[str, ...] = tuple(p for p in parties if p)

    def return_url(self, request: RequestInfo) -> str:
        """Where the user comes back to: app origin + path + query, per SPEC §6."""
        if self.app_origin:
            return self.app_origin + _path_and_query(request.url)
        if request.host_trusted or origin_of(request.url) in self._parties:
            return request.url
        if self._parties:
            return self._parties[0] + _path_and_query(request.url)
        return request.url

    def trusted_origins(self, request: RequestInfo) -> set[str]:
        origins = set(self._parties)
        origins.update(o for o in (self.app_origin, origin_of(self.return_url(request))) if o)
        return origins

    def resolve(self, url: object, request: RequestInfo, *, any_origin: bool) -> str | None:
        """Resolve a relative or absolute URL on the app origin; None when unusable.

        ``any_origin`` allows any absolute http(s) URL (URLs the developer configured);
        otherwise only trusted origins (URLs that may come from users).
        """
        if not isinstance(url, str) or not url or url.startswith("//"):
            return None
        if "\\" in url or any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
            return None
        if ":" in url.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
            absolute = url  # has a scheme: javascript:, data:, http:...
        else:
            absolute = urljoin(self.return_url(request), url)
        origin = origin_of(absolute)
        if origin is None or not (any_origin or origin in self.trusted_origins(request)):
            return None
        return safe_location(absolute)

    def sign_in_url(self, request: RequestInfo, return_back_url: str | None = None) -> str | None:
        """The sign-in URL with ``?<redirect_param>=<return URL>``; None when none is known."""
        return self._target_url(self.sign_in_target, request, return_back_url)

    def sign_up_url(self, request: RequestInfo, return_back_url: str | None = None) -> str | None:
        """Like ``sign_in_url`` for the sign-up page."""
        return self._target_url(self.sign_up_target, request, return_back_url)

    def _target_url(
        self, target: str | None, request: RequestInfo, return_back_url: str | None
    ) -> str | None:
        if not target:
            return None
        default = self.return_url(request)
        if target.startswith("/") and not target.startswith("//"):
            app = origin_of(default)
            if app is None:
                return None
            target = app + target
        back = None
        if return_back_url is not None:
            back = self.resolve(return_back_url, request, any_origin=False)
        back = back or default
        base, hash_mark, fragment = target.partition("#")
        separator = "&" if "?" in base else "?"
        url = f"{base}{separator}{self.redirect_param}={quote(back, safe='')}{hash_mark}{fragment}"
        return safe_location(url)


@dataclass(frozen=True, slots=True)
class Decision:
    """A framework-neutral response. ``framework_error``: render via the framework's 403/404."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    framework_error: bool = False


_NO_STORE = ("Cache-Control", "no-store")
_JSON = ("Content-Type", "application/json")
_HTML = ("Content-Type", "text/html; charset=utf-8")
_PAGES = {
    403: b"<!doctype html><title>403 Forbidden</title><h1>403 Forbidden</h1>",
    404: b"<!doctype html><title>404 Not Found</title><h1>404 Not Found</h1>",
}


def _json(status: int, payload: Mapping[str, Any], *extra: tuple[str, str]) -> Decision:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Decision(status, (_NO_STORE, _JSON, *extra), body)


def _page(status: int) -> Decision:
    return Decision(status, (_NO_STORE, _HTML), _PAGES[status], framework_error=True)


def _redirect(location: str, request: RequestInfo) -> Decision:
    status = 307 if request.method.upper() in ("GET", "HEAD") else 303
    return Decision(status, (_NO_STORE, ("Location", location)), b"")


def _configured(url: str | None, name: str, request: RequestInfo, nav: Navigator) -> str | None:
    if url is None:
        return None
    resolved = nav.resolve(url, request, any_origin=True)
    if resolved is None:
        logger.warning("authguard: ignoring unusable %s (not an http(s) URL or app path)", name)
    return resolved


def _not_found(request: RequestInfo) -> Decision:
    return _page(404) if request.is_page_request else _json(404, {"error": "not_found"})


def _unauthenticated(reason: str | None, request: RequestInfo, nav: Navigator) -> Decision:
    if nav.hide_protected_routes:
        return _not_found(request)
    challenge = 'Bearer realm="authguard"'
    if reason is not None and reason not in _NO_TOKEN_REASONS:
        challenge += ', error="invalid_token"'
    body = {"error": "unauthenticated", "reason": reason}
    return _json(401, body, ("WWW-Authenticate", challenge))


def _decide_unauthenticated(
    error: Unauthenticated, request: RequestInfo, nav: Navigator
) -> Decision:
    target = _configured(error.unauthenticated_url, "unauthenticated_url", request, nav)
    if target is None and request.is_page_request:
        target = nav.sign_in_url(request)
    if target is not None:
        return _redirect(target, request)
    reason = error.auth.reason if error.auth is not None else None
    return _unauthenticated(reason, request, nav)


def _decide_unauthorized(error: Unauthorized, request: RequestInfo, nav: Navigator) -> Decision:
    if error.reverification is not None:
        if request.is_page_request:
            return _page(403)
        metadata = {"reverification": error.reverification}
        clerk_error = {"type": "forbidden", "reason": "reverification-error", "metadata": metadata}
        return _json(403, {"clerk_error": clerk_error})
    target = _configured(error.unauthorized_url, "unauthorized_url", request, nav)
    if target is not None:
        return _redirect(target, request)
    if nav.hide_protected_routes:
        return _not_found(request)
    if request.is_page_request:
        return _page(403)
    return _json(
        403, {"error": "forbidden"}, ("WWW-Authenticate", 'Bearer error="insufficient_scope"')
    )


def decide(error: AuthGuardError, request: RequestInfo, navigator: Navigator) -> Decision:
    """SPEC §6: the one answer every adapter gives to a protect()/redirect error."""
    if isinstance(error, KeySetUnavailable):
        body = {"error": "unavailable", "reason": "jwk-remote-failed-to-load"}
        return _json(503, body, ("Retry-After", RETRY_AFTER_SECONDS))
    if isinstance(error, Unauthenticated):
        return _decide_unauthenticated(error, request, navigator)
    if isinstance(error, Unauthorized):
        return _decide_unauthorized(error, request, navigator)
    if isinstance(error, SignInRedirect):
        location = safe_location(error.url)
        if location is not None:
            return _redirect(location, request)
        logger.warning("authguard: refusing an unsafe sign-in redirect URL")
        return _unauthenticated(None, request, navigator)
    reason = error.reason if isinstance(error, TokenVerificationError) else None
    return _unauthenticated(reason, request, navigator)
