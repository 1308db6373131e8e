"""Attack rows about the request around the token: carriers, spoofed headers, paths the
middleware must refuse, cookie CSRF, return URLs, and an unreachable or broken key set.

Path rows here are the ones authguard answers itself (``public_routes`` mode refuses before any
routing, so every adapter says 401); path tricks the frameworks' routers answer differently are
in ``tests/security/test_security_paths.py``.
"""

from __future__ import annotations

from cases import API, BEARER, NO_TOKEN, PAGE, Case, both, ok, sign_in, unauth
from cases_attacks import BROWSER, JAR

FULLWIDTH_ADMIN = "/%EF%BD%81%EF%BD%84%EF%BD%8D%EF%BD%89%EF%BD%8E"
FULLWIDTH_PUBLIC = "/%EF%BD%90%EF%BD%95%EF%BD%82%EF%BD%8C%EF%BD%89%EF%BD%83"
COOKIE = JAR
CYRILLIC_PUBLIC = "/publi%D1%81"  # the last letter is U+0441, not "c"


def _two_values() -> list[Case]:
    def row(name: str, headers: list[tuple[str, str]], reason: str, cookies: bool = False) -> Case:
        return Case(
            name,
            "GET",
            "/signed-in",
            API + headers,
            COOKIE if cookies else [],
            token="member",
            expect_status=401,
            expect_json=unauth(reason),
        )

    bearer = ("authorization", "Bearer {token}")
    # Two Cookie headers: ASGI servers keep both lines (joined "; ", SPEC §2: ambiguous), WSGI
    # servers join them with ", " into one malformed value (token-invalid). Both refuse; only
    # the reason differs, so the row pins the status.
    two_cookie_headers = Case(
        "two-cookie-headers",
        "GET",
        "/signed-in",
        [*API, ("cookie", "__session=other")],
        COOKIE,
        token="member",
        expect_status=401,
    )
    return [
        *both(two_cookie_headers),
        *both(row("two-authorization-same", [bearer, bearer], "token-invalid")),
        *both(
            row(
                "two-authorization-basic",
                [bearer, ("authorization", "Basic dTpw")],
                "token-invalid",
                True,
            )
        ),
        *both(
            row(
                "bearer-comma-list",
                [("authorization", "Bearer {token}, Bearer {token}")],
                "token-invalid",
            )
        ),
        *both(
            row(
                "bearer-empty-no-cookie-fallback",
                [("authorization", "Bearer")],
                "token-invalid",
                True,
            )
        ),
    ]


def _same_cookie_twice() -> list[Case]:
    return both(
        Case(
            "same-session-cookie-twice",
            "GET",
            "/signed-in",
            API,
            [("__session", "{token}"), ("__session", "{token}"), *BROWSER],
            token="member",
            expect_json=ok("user_member", "org:member"),
        )
    )


def _many_cookies() -> list[Case]:
    filler = [(f"c{i}", "x") for i in range(5000)]
    sessions = [("__session", f"v{i}") for i in range(5000)]
    return [
        Case(
            "cookies-5000-signed-out",
            "GET",
            "/signed-in",
            API,
            filler,
            expect_status=401,
            expect_json=NO_TOKEN,
        ),
        Case(
            "cookies-5000-sessions-ambiguous",
            "GET",
            "/signed-in",
            API,
            [*sessions, *BROWSER],
            expect_status=401,
            expect_json=unauth("session-token-ambiguous"),
        ),
        Case(
            "cookies-5000-with-token",
            "GET",
            "/signed-in",
            API,
            [*filler, *JAR],
            token="member",
            expect_json=ok("user_member", "org:member"),
        ),
    ]


SPOOFED = [
    ("x-clerk-auth-status", "signed-in"),
    ("x-clerk-auth-reason", ""),
    ("x-clerk-user-id", "user_admin"),
    ("x-clerk-org-role", "org:admin"),
    ("x-authguard-auth", "signed-in"),
    ("x-authguard-user", "user_admin"),
    ("x-forwarded-user", "user_admin"),
    ("x-remote-user", "user_admin"),
    ("remote-user", "user_admin"),
    ("x-original-url", "/public"),
    ("x-rewrite-url", "/public"),
    ("x-forwarded-prefix", "/public"),
]


def _spoofed() -> list[Case]:
    return [
        *both(
            Case(
                "spoofed-all-no-token",
                "GET",
                "/signed-in",
                API + SPOOFED,
                expect_status=401,
                expect_json=NO_TOKEN,
            )
        ),
        *both(
            Case(
                "spoofed-all-forged-token",
                "GET",
                "/signed-in",
                API + SPOOFED + BEARER,
                token="forged",
                expect_status=401,
                expect_json=unauth("token-invalid-signature"),
            )
        ),
        Case(
            "spoofed-role-member-403",
            "GET",
            "/admin",
            API + SPOOFED + BEARER,
            token="member",
            expect_status=403,
        ),
        Case(
            "spoofed-original-url-public-routes",
            "GET",
            "/admin",
            API + SPOOFED,
            mode="public_routes",
            expect_status=401,
            expect_json=NO_TOKEN,
        ),
        *both(
            Case(
                "query-token-on-public-ignored",
                "GET",
                "/public?__session={token}&authorization=Bearer%20{token}",
                API,
                token="admin",
                expect_json=ok(None),
            )
        ),
    ]


def _refused_paths() -> list[Case]:
    paths = [
        "/ADMIN",
        "/Admin",
        "/admin/",
        "/admin;x=1",
        "/admin%00",
        "/%61dmin",
        "/admin%2f",
        FULLWIDTH_ADMIN,
        FULLWIDTH_PUBLIC,
        CYRILLIC_PUBLIC,
        "/admin\\",
        "/admin?/public",
        "/admin#/public",
    ]
    rows = [
        Case(f"refused-path:{p}", "GET", p, API, mode="public_routes", expect_status=401)
        for p in paths
    ]
    rows += [
        Case(f"refused-{m}", m, "/admin", API, mode="public_routes", expect_status=401)
        for m in ("HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
    ]
    rows += [Case("head-decorated-401", "HEAD", "/signed-in", API, expect_status=401)]
    return rows


def _csrf() -> list[Case]:
    def row(
        name: str, method: str, headers: list[tuple[str, str]], passes: bool, **kw: object
    ) -> list[Case]:
        user = ("user_attack", None) if kw.get("token") else ("user_member", "org:member")
        expect = ok(*user) if passes else unauth("cross-origin-cookie")
        kw.setdefault("token", "member")
        return both(
            Case(
                f"csrf-{name}",
                method,
                "/signed-in",
                API + headers,
                COOKIE,
                expect_status=200 if passes else 401,
                expect_json=expect,
                **kw,  # type: ignore[arg-type]
            )
        )

    return [
        *row("patch-cross-origin", "PATCH", [("origin", "https://evil.example")], False)[1:],
        *row("delete-cross-referer", "DELETE", [("referer", "https://evil.example/a")], False),
        *row("origin-null", "POST", [("origin", "null")], False),
        *row(
            "origin-lookalike-suffix", "POST", [("origin", "http://testserver.evil.example")], False
        ),
        *row("origin-other-port", "POST", [("origin", "http://testserver:8080")], False),
        *row("origin-other-scheme", "POST", [("origin", "https://testserver")], False),
        *row("origin-userinfo", "POST", [("origin", "http://testserver@evil.example")], False),
        *row(
            "origin-wins-over-referer",
            "POST",
            [("origin", "https://evil.example"), ("referer", "http://testserver/")],
            False,
        ),
        *row("same-origin-referer", "DELETE", [("referer", "http://testserver/page")], True),
        *row("get-cross-origin-passes", "GET", [("origin", "https://evil.example")], True),
        *row(
            "authorized-party-origin",
            "POST",
            [("origin", "https://app.example")],
            True,
            token="azp-app",
            settings={"app_origin": None, "authorized_parties": ("https://app.example",)},
        ),
        *row(
            "authorized-parties-other-origin",
            "POST",
            [("origin", "http://testserver")],
            False,
            token="azp-app",
            settings={"app_origin": None, "authorized_parties": ("https://app.example",)},
        ),
        *both(
            Case(
                "csrf-page-post-redirects-to-sign-in",
                "POST",
                "/signed-in",
                [*PAGE, ("origin", "https://evil.example")],
                COOKIE,
                token="member",
                expect_status=303,
                expect_location_prefix=sign_in("/signed-in"),
            )
        ),
    ]


def _forged_host() -> list[Case]:
    forged = [
        ("host", "evil.example"),
        ("x-forwarded-host", "evil.example"),
        ("x-forwarded-proto", "https"),
    ]
    return both(
        Case(
            "forged-host-return-url-on-app-origin",
            "GET",
            "/signed-in",
            PAGE + forged,
            expect_status=307,
            expect_location_prefix=sign_in("/signed-in"),
        )
    )


def _key_set_failures() -> list[Case]:
    rows: list[Case] = []
    for name in ("garbage", "huge", "error", "redirect", "empty", "drip"):
        settings = {"jwt_key": None, "jwks_url": f"{{base}}/{name}", "http_timeout": 0.5}
        rows += both(
            Case(
                f"keyset-{name}-503",
                "GET",
                "/signed-in",
                API + BEARER,
                token="member",
                settings=settings,
                expect_status=503,
                expect_headers={"retry-after": "5", "cache-control": "no-store"},
            )
        )
        rows += both(
            Case(
                f"keyset-{name}-public-200",
                "GET",
                "/public",
                API + BEARER,
                token="member",
                settings=settings,
                expect_json=ok(None),
            )
        )
    return rows


REQUEST_CASES: list[Case] = (
    _two_values()
    + _same_cookie_twice()
    + _many_cookies()
    + _spoofed()
    + _refused_paths()
    + _csrf()
    + _forged_host()
    + _key_set_failures()
)
