"""The cookie path of SPEC §12: ``__client_uat``, the dev-browser token and the handshake redirect.

Pure functions, no I/O: :func:`read_inputs` gathers what a cookie request carries,
:func:`precheck` applies the decision steps that need no verified token, and
:func:`handshake_headers` builds the 307 to the Frontend API. The way back (nonce and legacy
token) lives in :mod:`authguard.handshake_resolve`.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from authguard.request import RequestInfo
from authguard.settings import Settings
from authguard.tokens import SESSION_COOKIE, parse_cookies

logger = logging.getLogger("authguard")

API_VERSION: Final = "2026-05-12"
CLIENT_UAT: Final = "__client_uat"
DEV_BROWSER: Final = "__clerk_db_jwt"
HANDSHAKE: Final = "__clerk_handshake"
HANDSHAKE_NONCE: Final = "__clerk_handshake_nonce"
REDIRECT_COUNT: Final = "__clerk_redirect_count"
MAX_REDIRECTS: Final = 3
#: Leeway a development instance allows a handshake's fresh token (Clerk: one day).
DEV_SKEW: Final = 86_400.0
#: Dropped from ``redirect_url`` when sending the browser to the Frontend API.
OUTBOUND_STRIPPED: Final = frozenset({DEV_BROWSER, "__dev_session", HANDSHAKE, HANDSHAKE_NONCE})
#: Dropped from the URL of the development instance's extra 307 after a handshake.
RETURN_STRIPPED: Final = frozenset({HANDSHAKE, "__clerk_help", DEV_BROWSER, HANDSHAKE_NONCE})

UAT_AND_TOKEN_MISSING: Final = "session-token-and-uat-missing"
DEV_BROWSER_SYNC: Final = "dev-browser-sync"
DEV_BROWSER_MISSING: Final = "dev-browser-missing"
TOKEN_NO_UAT: Final = "session-token-but-no-client-uat"
UAT_NO_TOKEN: Final = "client-uat-but-no-session-token"
IAT_BEFORE_UAT: Final = "session-token-iat-before-client-uat"
SESSION_TOKEN_MISSING: Final = "session-token-missing"
#: Verification errors of a cookie token that a handshake can cure (Clerk's labels; there is
#: no server-side refresh here, so an expired token is always "no refresh cookie").
CURABLE: Final[Mapping[str, str]] = {
    "token-expired": "session-token-expired-refresh-non-eligible-no-refresh-cookie",
    "token-not-active-yet": "session-token-nbf",
    "token-iat-in-the-future": "session-token-iat-in-the-future",
}
MESSAGES: Final[Mapping[str, str]] = {
    UAT_AND_TOKEN_MISSING: "No session token in the request.",
    DEV_BROWSER_SYNC: "A dev-browser token arrived in the query string.",
    DEV_BROWSER_MISSING: "Development instance without a dev-browser token (__clerk_db_jwt).",
    TOKEN_NO_UAT: "A session cookie without a signed-in __client_uat.",
    UAT_NO_TOKEN: "A signed-in __client_uat without a session cookie.",
    IAT_BEFORE_UAT: "The session token is older than the client's last update.",
    SESSION_TOKEN_MISSING: "The handshake returned no session token.",
}


@dataclass(frozen=True, slots=True)
class CookieInputs:
    """What a cookie request carries for SPEC §12 (the chosen session token and the rest)."""

    session: str | None
    session_values: tuple[str, ...]
    client_uat: int
    suffixed: bool
    dev_browser: str | None
    dev_browser_in_query: bool
    handshake_token: str | None
    nonce: str | None
    redirect_count: int


def _first(cookies: Mapping[str, list[str]], name: str) -> str | None:
    values = [v for v in cookies.get(name, ()) if v]
    return values[0] if values else None


def _int(value: str | None) -> int:
    try:
        return int(value) if value is not None and value.strip().isdigit() else 0
    except ValueError:
        return 0


@dataclass(frozen=True, slots=True)
class _Pair:
    session: str | None
    uat: str | None


def uses_suffixed(plain: _Pair, suffixed: _Pair) -> bool:
    """Whether the suffixed cookie family is in use (a simplification of Clerk's
    ``usesSuffixedCookies``): the suffixed session when present (SPEC §2), else a suffixed
    ``__client_uat`` when there is no unsuffixed session to go with the unsuffixed one."""
    if suffixed.session is not None:
        return True
    return plain.session is None and suffixed.uat is not None


def read_inputs(request: RequestInfo, settings: Settings) -> CookieInputs:
    """Gather the cookie path's inputs; query parameters win over cookies where Clerk's do."""
    cookies = parse_cookies(request.cookie_header)
    raw_query = urlsplit(request.url).query if "__clerk" in request.url else ""
    query = dict(reversed(parse_qsl(raw_query)))  # the first value of a repeated name wins
    plain = _Pair(_first(cookies, SESSION_COOKIE), _first(cookies, CLIENT_UAT))
    suffix = settings.cookie_suffix
    suffixed_pair = _Pair(None, None)
    if suffix:
        suffixed_pair = _Pair(
            _first(cookies, f"{SESSION_COOKIE}_{suffix}"), _first(cookies, f"{CLIENT_UAT}_{suffix}")
        )
    use_suffixed = bool(suffix) and uses_suffixed(plain, suffixed_pair)
    chosen, other = (suffixed_pair, plain) if use_suffixed else (plain, suffixed_pair)
    name = f"{SESSION_COOKIE}_{suffix}" if use_suffixed else SESSION_COOKIE
    return CookieInputs(
        session=chosen.session,
        session_values=tuple(v for v in cookies.get(name, ()) if v),
        # a family without its own __client_uat falls back to the other one's
        client_uat=_int(chosen.uat if chosen.uat is not None else other.uat),
        suffixed=use_suffixed,
        dev_browser=query.get(DEV_BROWSER) or _first(cookies, DEV_BROWSER),
        dev_browser_in_query=bool(query.get(DEV_BROWSER)),
        handshake_token=query.get(HANDSHAKE) or _first(cookies, HANDSHAKE),
        nonce=query.get(HANDSHAKE_NONCE) or _first(cookies, HANDSHAKE_NONCE),
        redirect_count=_int(_first(cookies, REDIRECT_COUNT)),
    )


def precheck(inputs: CookieInputs, settings: Settings) -> str | None:
    """SPEC §12 steps that need no verification: the reason to stop at, or None to verify.

    A dev-browser token in the query comes first: it is the Frontend API sending the browser
    back after sign-in (no cookie of ours exists yet), never a plain anonymous visit.
    """
    dev = settings.is_development
    if dev and inputs.dev_browser_in_query:
        return DEV_BROWSER_SYNC
    if inputs.session is None and inputs.client_uat == 0:
        return UAT_AND_TOKEN_MISSING
    if dev and not inputs.dev_browser:
        return DEV_BROWSER_MISSING
    if inputs.client_uat == 0:
        return TOKEN_NO_UAT
    if inputs.session is None:
        return UAT_NO_TOKEN
    return None


def iat_before_uat(payload: Mapping[str, Any], inputs: CookieInputs) -> bool:
    """A token older than the client's last update is stale (Clerk compares unverified)."""
    iat = payload.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        return False
    return iat < inputs.client_uat


def is_eligible(request: RequestInfo) -> bool:
    """Handshakes are for GET page loads only; fetch/XHR and forms get signed-out instead."""
    if request.method.upper() != "GET":
        return False
    dest = request.headers.get("sec-fetch-dest")
    if dest is not None:
        return dest.strip().lower() in ("document", "iframe")
    return request.headers.get("accept", "").lstrip().lower().startswith("text/html")


def strip_query(url: str, names: frozenset[str]) -> str:
    """``url`` without the query parameters in ``names`` (others keep their order)."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if k not in names]
    if len(kept) == len(pairs):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept)))


def _is_loopback(host: str) -> bool:
    name = (urlsplit(f"//{host}").hostname or "").strip("[]")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def frontend_api_url(frontend_api: str) -> str:
    host = frontend_api.rstrip("/")
    scheme = "http" if _is_loopback(host) else "https"
    return f"{scheme}://{host}"


def handshake_url(
    frontend_api: str,
    return_url: str,
    inputs: CookieInputs,
    reason: str,
    *,
    development: bool,
) -> str:
    """The Frontend API's ``/v1/client/handshake`` URL, query in Clerk's order."""
    params = [
        ("redirect_url", strip_query(return_url, OUTBOUND_STRIPPED)),
        ("__clerk_api_version", API_VERSION),
        ("suffixed_cookies", "true" if inputs.suffixed else "false"),
        ("__clerk_hs_reason", reason),
        ("format", "nonce"),
    ]
    if inputs.session is not None:
        params.append(("__session", inputs.session))
    if development and inputs.dev_browser:
        params.append((DEV_BROWSER, inputs.dev_browser))
    return f"{frontend_api_url(frontend_api)}/v1/client/handshake?{urlencode(params)}"


def handshake_headers(location: str, redirect_count: int) -> tuple[tuple[str, str], ...]:
    counter = f"{REDIRECT_COUNT}={redirect_count + 1}; SameSite=Lax; HttpOnly; Max-Age=2; Path=/"
    return (("Location", location), ("Cache-Control", "no-store"), ("Set-Cookie", counter))


def loop_hint(reason: str) -> None:
    logger.warning(
        "authguard: handshake loop stopped after %d redirects (reason %s); the request is "
        "signed-out. Check that the publishable and secret keys belong to the same instance, "
        "that the server clock is right, and satellite/proxy settings.",
        MAX_REDIRECTS,
        reason,
    )
