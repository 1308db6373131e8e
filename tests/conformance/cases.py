"""The SPEC §6 table: one request → one expected answer, for every adapter.

``headers``, ``cookies`` and ``path`` may contain ``{token}``, replaced by the token minted from
the ``token`` recipe (``harness.TOKENS``). ``expect_headers`` maps a header name to its exact
value, or to None when the header must be absent. ``mode`` is ``"decorators"`` or
``"public_routes"``; ``both(...)`` makes one case per mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from harness import CLOSED_JWKS_URL, EXPIRED_COOKIE_TOKEN, HANDSHAKE_URL, SIGN_IN_URL

MODES = ("decorators", "public_routes")
PAGE = [("accept", "text/html,application/xhtml+xml")]
API = [("accept", "application/json")]
BEARER = [("authorization", "Bearer {token}")]
#: A valid cookie session on a development instance: the token, a signed-in ``__client_uat``
#: older than it, and the dev-browser token (SPEC §12).
SESSION_COOKIES = [("__client_uat", "1"), ("__clerk_db_jwt", "dvb_conformance")]
COOKIE = [("__session", "{token}"), *SESSION_COOKIES]
CHALLENGE = 'Bearer realm="authguard"'
INVALID = 'Bearer realm="authguard", error="invalid_token"'
SCOPE = 'Bearer error="insufficient_scope"'
UNREACHABLE = {"jwt_key": None, "jwks_url": CLOSED_JWKS_URL, "http_timeout": 2}


def handshake(path: str, reason: str) -> str:
    """The start of a handshake Location, in Clerk's parameter order (SPEC §12)."""
    return (
        f"{HANDSHAKE_URL}?redirect_url=http%3A%2F%2Ftestserver{path.replace('/', '%2F')}"
        f"&__clerk_api_version=2026-05-12&suffixed_cookies=false&__clerk_hs_reason={reason}"
        "&format=nonce"
    )


def sign_in(path: str) -> str:
    return f"{SIGN_IN_URL}?redirect_url=http%3A%2F%2Ftestserver{path.replace('/', '%2F')}"


@dataclass(frozen=True)
class Case:
    id: str
    method: str
    path: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    cookies: list[tuple[str, str]] = field(default_factory=list)
    token: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    mode: str = "decorators"
    expect_status: int = 200
    expect_location_prefix: str | None = None
    expect_headers: dict[str, str | None] = field(default_factory=dict)
    expect_json: Any = None


def both(case: Case) -> list[Case]:
    return [replace(case, id=f"{case.id}[{mode}]", mode=mode) for mode in MODES]


def ok(user_id: str | None, org_role: str | None = None) -> dict[str, Any]:
    return {"user_id": user_id, "org_role": org_role}


def unauth(reason: str) -> dict[str, Any]:
    return {"error": "unauthenticated", "reason": reason}


NO_TOKEN = unauth("session-token-and-uat-missing")
EXPIRED_REASON = "session-token-expired-refresh-non-eligible-no-refresh-cookie"

_BOTH = [
    # signed-out: API 401, pages redirect to sign-in (307 GET/HEAD, 303 otherwise)
    Case(
        "api-signed-out-401",
        "GET",
        "/signed-in",
        API,
        expect_status=401,
        expect_headers={"www-authenticate": CHALLENGE, "cache-control": "no-store"},
        expect_json=NO_TOKEN,
    ),
    Case("no-accept-is-api", "GET", "/signed-in", expect_status=401, expect_json=NO_TOKEN),
    Case(
        "page-get-307",
        "GET",
        "/signed-in",
        PAGE,
        expect_status=307,
        expect_location_prefix=sign_in("/signed-in"),
        expect_headers={"cache-control": "no-store"},
    ),
    Case(
        "page-get-query-kept",
        "GET",
        "/signed-in?a=1",
        PAGE,
        expect_status=307,
        expect_location_prefix=sign_in("/signed-in") + "%3Fa%3D1",
    ),
    Case(
        "page-head-307",
        "HEAD",
        "/signed-in",
        PAGE,
        expect_status=307,
        expect_location_prefix=sign_in("/signed-in"),
    ),
    Case(
        "page-post-303",
        "POST",
        "/signed-in",
        PAGE,
        expect_status=303,
        expect_location_prefix=sign_in("/signed-in"),
    ),
    Case(
        "page-delete-303",
        "DELETE",
        "/signed-in",
        PAGE,
        expect_status=303,
        expect_location_prefix=sign_in("/signed-in"),
    ),
    Case(
        "sec-fetch-dest-document",
        "GET",
        "/signed-in",
        [("sec-fetch-dest", "document")],
        expect_status=307,
        expect_location_prefix=sign_in("/signed-in"),
    ),
    Case(
        "sec-fetch-dest-empty-is-api",
        "GET",
        "/signed-in",
        [("sec-fetch-dest", "empty")],
        expect_status=401,
    ),
    Case(
        "hidden-api-404",
        "GET",
        "/signed-in",
        API,
        settings={"hide_protected_routes": True},
        expect_status=404,
        expect_headers={"www-authenticate": None, "cache-control": "no-store"},
        expect_json={"error": "not_found"},
    ),
    Case(
        "hidden-page-still-redirects",
        "GET",
        "/signed-in",
        PAGE,
        settings={"hide_protected_routes": True},
        expect_status=307,
        expect_location_prefix=sign_in("/signed-in"),
    ),
    Case(
        "no-sign-in-url-page-401",
        "GET",
        "/signed-in",
        PAGE,
        settings={"publishable_key": None},
        expect_status=401,
        expect_headers={"location": None, "www-authenticate": CHALLENGE},
        expect_json=NO_TOKEN,
    ),
    Case(
        "explicit-sign-in-url",
        "GET",
        "/signed-in",
        PAGE,
        settings={"sign_in_url": "/sign-in"},
        expect_status=307,
        expect_location_prefix="http://testserver/sign-in?redirect_url=http%3A%2F%2Ftestserver",
    ),
    # rejected tokens
    Case(
        "forged-401-invalid-token",
        "GET",
        "/signed-in",
        API + BEARER,
        token="forged",
        expect_status=401,
        expect_headers={"www-authenticate": INVALID},
        expect_json=unauth("token-invalid-signature"),
    ),
    Case(
        "expired-401-invalid-token",
        "GET",
        "/signed-in",
        API + BEARER,
        token="expired",
        expect_status=401,
        expect_headers={"www-authenticate": INVALID},
        expect_json=unauth("token-expired"),
    ),
    Case(
        "expired-cookie-api-401",
        "GET",
        "/signed-in",
        API,
        COOKIE,
        token="expired",
        expect_status=401,
        expect_headers={"www-authenticate": INVALID},
        expect_json=unauth(EXPIRED_REASON),
    ),
    Case(
        "malformed-bearer",
        "GET",
        "/signed-in",
        [*API, ("authorization", "Bearer a b")],
        expect_status=401,
        expect_json=unauth("token-invalid"),
    ),
    Case(
        "pending-401",
        "GET",
        "/signed-in",
        API + BEARER,
        token="pending",
        expect_status=401,
        expect_headers={"www-authenticate": CHALLENGE},
        expect_json=unauth("session-pending"),
    ),
    # signed in
    Case(
        "bearer-200",
        "GET",
        "/signed-in",
        API + BEARER,
        token="member",
        expect_json=ok("user_member", "org:member"),
        expect_headers={"cache-control": None},
    ),
    Case(
        "cookie-200",
        "GET",
        "/signed-in",
        API,
        COOKIE,
        token="member",
        expect_json=ok("user_member", "org:member"),
    ),
    Case(
        "basic-scheme-uses-cookie",
        "GET",
        "/signed-in",
        [*API, ("authorization", "Basic dTpw")],
        COOKIE,
        token="member",
        expect_json=ok("user_member", "org:member"),
    ),
    Case(
        "bearer-beats-cookie",
        "GET",
        "/signed-in",
        API + BEARER,
        [("__session", "garbage"), *SESSION_COOKIES],
        token="member",
        expect_json=ok("user_member", "org:member"),
    ),
    Case(
        "bearer-post-cross-origin-ok",
        "POST",
        "/signed-in",
        [*API, *BEARER, ("origin", "https://evil.example")],
        token="member",
        expect_json=ok("user_member", "org:member"),
    ),
    # CSRF on cookie-carried tokens
    Case(
        "cookie-post-same-origin",
        "POST",
        "/signed-in",
        [*API, ("origin", "http://testserver")],
        COOKIE,
        token="member",
        expect_json=ok("user_member", "org:member"),
    ),
    Case(
        "cookie-post-cross-origin",
        "POST",
        "/signed-in",
        [*API, ("origin", "https://evil.example")],
        COOKIE,
        token="member",
        expect_status=401,
        expect_json=unauth("cross-origin-cookie"),
    ),
    Case(
        "cookie-put-cross-referer",
        "PUT",
        "/signed-in",
        [*API, ("referer", "https://evil.example/x")],
        COOKIE,
        token="member",
        expect_status=401,
        expect_json=unauth("cross-origin-cookie"),
    ),
    Case(
        "ambiguous-cookies",
        "GET",
        "/signed-in",
        API,
        [("__session", "{token}"), ("__session", "other"), *SESSION_COOKIES],
        token="member",
        expect_status=401,
        expect_json=unauth("session-token-ambiguous"),
    ),
    # nothing but Bearer/cookie carries identity
    Case(
        "query-token-ignored",
        "GET",
        "/signed-in?__session={token}&token={token}",
        API,
        token="admin",
        expect_status=401,
        expect_json=NO_TOKEN,
    ),
    Case(
        "spoofed-headers-ignored",
        "GET",
        "/signed-in",
        [
            *API,
            ("x-clerk-auth-status", "signed-in"),
            ("x-clerk-user-id", "user_admin"),
            ("x-forwarded-user", "user_admin"),
            ("x-authguard-skip", "1"),
        ],
        expect_status=401,
        expect_json=NO_TOKEN,
    ),
    # public routes
    Case("public-root-signed-out", "GET", "/", API, expect_json=ok(None)),
    Case(
        "public-signed-in",
        "GET",
        "/public",
        API + BEARER,
        token="admin",
        expect_json=ok("user_admin", "org:admin"),
    ),
    Case(
        "public-forged-token-signed-out",
        "GET",
        "/public",
        API + BEARER,
        token="forged",
        expect_json=ok(None),
    ),
    # key set unreachable: 503 only where protection is asked
    Case(
        "keyset-down-503",
        "GET",
        "/signed-in",
        API + BEARER,
        token="member",
        settings=UNREACHABLE,
        expect_status=503,
        expect_headers={"retry-after": "5", "cache-control": "no-store"},
    ),
    Case(
        "keyset-down-page-503",
        "GET",
        "/signed-in",
        PAGE + BEARER,
        token="member",
        settings=UNREACHABLE,
        expect_status=503,
    ),
    Case(
        "keyset-down-public-200",
        "GET",
        "/public",
        API + BEARER,
        token="member",
        settings=UNREACHABLE,
        expect_json=ok(None),
    ),
    # auth.redirect_to_sign_in()
    Case(
        "to-sign-in",
        "GET",
        "/to-sign-in",
        API + BEARER,
        token="member",
        expect_status=307,
        expect_location_prefix=sign_in("/to-sign-in"),
    ),
    Case(
        "to-sign-in-post-303",
        "POST",
        "/to-sign-in",
        API + BEARER,
        token="member",
        expect_status=303,
        expect_location_prefix=sign_in("/to-sign-in"),
    ),
    # CORS preflight carries no credentials and is never refused
    Case(
        "preflight-passes",
        "OPTIONS",
        "/signed-in",
        [("origin", "https://app.example"), ("access-control-request-method", "POST")],
        expect_json=ok(None),
    ),
    Case("options-without-acrm-is-protected", "OPTIONS", "/signed-in", API, expect_status=401),
]

UAT_ONLY = [("__client_uat", "1"), ("__clerk_db_jwt", "dvb_conformance")]
LOOP_COOKIE = "__clerk_redirect_count=1; SameSite=Lax; HttpOnly; Max-Age=2; Path=/"
NO_STORE = {"cache-control": "no-store"}
HANDSHAKE_HEADERS = {"cache-control": "no-store", "set-cookie": LOOP_COOKIE}

# SPEC §12: the handshake (only GET page loads, only with a known Frontend API)
_HANDSHAKE = [
    Case(
        "handshake-uat-without-session",
        "GET",
        "/signed-in",
        PAGE,
        UAT_ONLY,
        expect_status=307,
        expect_location_prefix=handshake("/signed-in", "client-uat-but-no-session-token")
        + "&__clerk_db_jwt=dvb_conformance",
        expect_headers=HANDSHAKE_HEADERS,
    ),
    Case(
        "handshake-on-public-route",
        "GET",
        "/",
        [("sec-fetch-dest", "document")],
        UAT_ONLY,
        expect_status=307,
        expect_location_prefix=handshake("/", "client-uat-but-no-session-token"),
        expect_headers=HANDSHAKE_HEADERS,
    ),
    Case(
        "handshake-expired-cookie-page",
        "GET",
        "/signed-in?a=1",
        PAGE,
        [("__session", EXPIRED_COOKIE_TOKEN), *UAT_ONLY],
        expect_status=307,
        expect_location_prefix=handshake(
            "/signed-in%3Fa%3D1", "session-token-expired-refresh-non-eligible-no-refresh-cookie"
        )
        + f"&__session={EXPIRED_COOKIE_TOKEN}&__clerk_db_jwt=dvb_conformance",
        expect_headers=HANDSHAKE_HEADERS,
    ),
    Case(
        "handshake-dev-browser-missing",
        "GET",
        "/signed-in",
        PAGE,
        [("__client_uat", "1")],
        expect_status=307,
        expect_location_prefix=handshake("/signed-in", "dev-browser-missing"),
        expect_headers=NO_STORE,
    ),
    Case(
        "handshake-dev-browser-sync",
        "GET",
        "/?__clerk_db_jwt=dvb_new&x=1",
        PAGE,
        expect_status=307,
        expect_location_prefix=handshake("/%3Fx%3D1", "dev-browser-sync")
        + "&__clerk_db_jwt=dvb_new",
        expect_headers=NO_STORE,
    ),
    Case(
        "handshake-loop-guard-signs-out",
        "GET",
        "/signed-in",
        PAGE,
        [*UAT_ONLY, ("__clerk_redirect_count", "3")],
        expect_status=307,
        expect_location_prefix=sign_in("/signed-in"),
    ),
    Case(
        "handshake-loop-guard-public-200",
        "GET",
        "/",
        PAGE,
        [*UAT_ONLY, ("__clerk_redirect_count", "3")],
        expect_json=ok(None),
    ),
    Case(
        "handshake-api-gets-401",
        "GET",
        "/signed-in",
        API,
        UAT_ONLY,
        expect_status=401,
        expect_headers={"www-authenticate": CHALLENGE, "set-cookie": None},
        expect_json=unauth("client-uat-but-no-session-token"),
    ),
    Case(
        "handshake-expired-fetch-401",
        "GET",
        "/signed-in",
        [("sec-fetch-dest", "empty"), ("accept", "application/json")],
        [("__session", EXPIRED_COOKIE_TOKEN), *UAT_ONLY],
        expect_status=401,
        expect_json=unauth(EXPIRED_REASON),
    ),
    Case(
        "handshake-post-form-signed-out",
        "POST",
        "/signed-in",
        PAGE,
        UAT_ONLY,
        expect_status=303,
        expect_location_prefix=sign_in("/signed-in"),
    ),
    Case(
        "handshake-session-without-uat-api",
        "GET",
        "/signed-in",
        API,
        [("__session", "{token}"), ("__clerk_db_jwt", "dvb_conformance")],
        token="member",
        expect_status=401,
        expect_json=unauth("session-token-but-no-client-uat"),
    ),
    Case(
        "handshake-iat-before-uat-api",
        "GET",
        "/signed-in",
        API,
        [("__session", "{token}"), ("__client_uat", "99999999999"), ("__clerk_db_jwt", "d")],
        token="member",
        expect_status=401,
        expect_json=unauth("session-token-iat-before-client-uat"),
    ),
    Case(
        "handshake-anonymous-dev-no-handshake",
        "GET",
        "/signed-in",
        PAGE,
        [("__client_uat", "0")],
        expect_status=307,
        expect_location_prefix=sign_in("/signed-in"),
    ),
    Case(
        "handshake-needs-frontend-api",
        "GET",
        "/signed-in",
        PAGE,
        UAT_ONLY,
        settings={"publishable_key": None},
        expect_status=401,
        expect_json=unauth("client-uat-but-no-session-token"),
    ),
]

_DECORATORS = [
    Case(
        "role-403",
        "GET",
        "/admin",
        API + BEARER,
        token="member",
        expect_status=403,
        expect_headers={"www-authenticate": SCOPE, "cache-control": "no-store"},
        expect_json={"error": "forbidden"},
    ),
    Case(
        "role-page-403",
        "GET",
        "/admin",
        PAGE + BEARER,
        token="member",
        expect_status=403,
        expect_headers={"www-authenticate": None},
    ),
    Case(
        "role-hidden-404",
        "GET",
        "/admin",
        API + BEARER,
        token="member",
        settings={"hide_protected_routes": True},
        expect_status=404,
        expect_headers={"cache-control": "no-store"},
    ),
    Case(
        "role-200",
        "GET",
        "/admin",
        API + BEARER,
        token="admin",
        expect_json=ok("user_admin", "org:admin"),
    ),
    Case("role-signed-out-401", "GET", "/admin", API, expect_status=401, expect_json=NO_TOKEN),
    Case("role-no-org-403", "GET", "/admin", API + BEARER, token="user", expect_status=403),
    Case(
        "bearer-member-beats-admin-cookie",
        "GET",
        "/admin",
        API + BEARER,
        [("__session", "{token}"), *SESSION_COOKIES],
        token="member",
        expect_status=403,
    ),
    Case(
        "permission-403",
        "GET",
        "/perm",
        API + BEARER,
        token="member",
        expect_status=403,
        expect_json={"error": "forbidden"},
    ),
    Case(
        "permission-200",
        "GET",
        "/perm",
        API + BEARER,
        token="admin",
        expect_json=ok("user_admin", "org:admin"),
    ),
    Case(
        "reverify-403",
        "GET",
        "/reverify",
        API + BEARER,
        token="admin_stale",
        expect_status=403,
        expect_json={
            "clerk_error": {
                "type": "forbidden",
                "reason": "reverification-error",
                "metadata": {"reverification": "strict"},
            }
        },
    ),
    Case(
        "reverify-page-403",
        "GET",
        "/reverify",
        PAGE + BEARER,
        token="admin_stale",
        expect_status=403,
    ),
    Case(
        "reverify-fresh-200",
        "GET",
        "/reverify",
        API + BEARER,
        token="admin",
        expect_json=ok("user_admin", "org:admin"),
    ),
    Case(
        "custom-unauthenticated-url",
        "GET",
        "/custom",
        API,
        expect_status=307,
        expect_location_prefix="http://testserver/login",
        expect_headers={"cache-control": "no-store"},
    ),
    Case(
        "custom-unauthenticated-url-post",
        "POST",
        "/custom",
        PAGE,
        expect_status=303,
        expect_location_prefix="http://testserver/login",
    ),
    Case(
        "custom-unauthorized-url",
        "GET",
        "/custom",
        API + BEARER,
        token="member",
        expect_status=307,
        expect_location_prefix="http://testserver/nope",
    ),
    Case(
        "custom-passes",
        "GET",
        "/custom",
        API + BEARER,
        token="admin",
        expect_json=ok("user_admin", "org:admin"),
    ),
    Case(
        "preflight-admin-passes",
        "OPTIONS",
        "/admin",
        [("origin", "https://app.example"), ("access-control-request-method", "GET")],
        expect_json=ok(None),
    ),
]

_PUBLIC_ROUTES = [
    # without decorators, every non-public route only needs a signed-in user
    Case(
        "public-routes-admin-needs-sign-in",
        "GET",
        "/admin",
        API,
        mode="public_routes",
        expect_status=401,
        expect_json=NO_TOKEN,
    ),
    Case(
        "public-routes-admin-any-user",
        "GET",
        "/admin",
        API + BEARER,
        token="member",
        mode="public_routes",
        expect_json=ok("user_member", "org:member"),
    ),
    Case(
        "public-routes-unknown-path-protected",
        "GET",
        "/nowhere",
        API,
        mode="public_routes",
        expect_status=401,
    ),
    Case("public-routes-prefix", "GET", "/public/x", API, mode="public_routes", expect_status=404),
    Case(
        "public-routes-newline-bypass",
        "GET",
        "/admin%0A",
        API,
        mode="public_routes",
        expect_status=401,
    ),
]

CASES: list[Case] = (
    [c for case in [*_BOTH, *_HANDSHAKE] for c in both(case)] + _DECORATORS + _PUBLIC_ROUTES
)
