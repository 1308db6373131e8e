"""Attack rows for the conformance table (issue 10), in ``cases.Case`` form.

``token`` names a recipe in ``attack_tokens.RECIPES``. Settings values may contain ``{base}``,
replaced by the loopback attack server's base URL (``attack_server``) when the row runs.
Request-shape attacks (paths, headers, CSRF, key-set failures) are in ``cases_attacks_requests``.
"""

from __future__ import annotations

from typing import Any

from cases import API, BEARER, INVALID, Case, both, unauth

#: What a signed-in browser of a development instance also carries next to ``__session``
#: (SPEC §12): a non-zero ``__client_uat`` older than any token minted here, a dev-browser token.
BROWSER = [("__client_uat", "1"), ("__clerk_db_jwt", "dvb_attack")]
JAR = [("__session", "{token}"), *BROWSER]
JWKS = {"jwt_key": None, "jwks_url": "{base}/jwks"}
PARTIES = {"authorized_parties": ("http://testserver",)}
ISSUER = {"issuer": "https://clerk.example.com"}


def ok(user_id: str = "user_attack") -> dict[str, Any]:
    return {"user_id": user_id, "org_role": None}


def rejected(name: str, reason: str, settings: dict[str, Any] | None = None, tag: str = "") -> Case:
    """A Bearer token that must be refused with ``reason`` (and the invalid_token challenge)."""
    return Case(
        f"{name}-{reason}{tag}",
        "GET",
        "/signed-in",
        API + BEARER,
        token=name,
        settings=settings or {},
        expect_status=401,
        expect_headers={"www-authenticate": INVALID},
        expect_json=unauth(reason),
    )


def accepted(name: str, settings: dict[str, Any] | None = None, tag: str = "") -> Case:
    return Case(
        f"{name}-accepted{tag}",
        "GET",
        "/signed-in",
        API + BEARER,
        token=name,
        settings=settings or {},
        expect_json=ok(),
    )


_ALG_REASONS = {
    "alg-none-empty-sig": "token-invalid",  # an empty third segment is not a compact JWS
    "alg-none": "token-invalid-algorithm",
    "alg-None": "token-invalid-algorithm",
    "alg-NONE": "token-invalid-algorithm",
    "hs256-pem": "token-invalid-algorithm",
    "hs256-der": "token-invalid-algorithm",
    "hs256-jwk": "token-invalid-algorithm",
    "es256-zero-sig": "token-invalid-algorithm",
    "rs256-lower": "token-invalid-algorithm",
    "ps256": "token-invalid-algorithm",
    "alg-list": "token-invalid-algorithm",
    "alg-int": "token-invalid-algorithm",
    "alg-missing": "token-invalid-algorithm",
    "alg-object": "token-invalid-algorithm",
}

_HEADER_REASONS = {
    "embedded-jwk": "token-invalid",
    "jku": "token-invalid",
    "x5u": "token-invalid",
    "x5c": "token-invalid",
    "jku-own-key": "token-invalid",
    "crit": "token-invalid",
    "crit-empty": "token-invalid",
    "typ-jws": "token-invalid",
    "typ-lower": "token-invalid",
    "typ-at-jwt": "token-invalid",
    "typ-int": "token-invalid",
    "cat-template": "token-invalid",
    "jwe-5-segments": "token-invalid",
    "dup-header-alg": "token-invalid",
    "dup-payload-sub": "token-invalid",
    "edited-payload": "token-invalid-signature",
    "other-key-same-kid": "token-invalid-signature",
    "token-1mib": "token-invalid",
    "token-just-over": "token-invalid",
    "deep-payload-3000": "token-invalid",
    "deep-header-3000": "token-invalid",
}

# Behind a remote key set (loopback JWKS), where the kid selects the key.
_JWKS_REASONS = {
    "kid-traversal": "jwk-kid-mismatch",
    "kid-sql": "jwk-kid-mismatch",
    "kid-int": "token-invalid",
    "kid-null": "token-invalid",
    "kid-list": "token-invalid",
    "kid-64k": "token-invalid",
    "other-key-same-kid": "token-invalid-signature",
    "oct-hs256": "token-invalid-algorithm",
    "oct-rs256": "jwk-kid-mismatch",
    "ec-es256": "token-invalid-algorithm",
    "ec-rs256": "jwk-kid-mismatch",
    "weak-rsa-1024": "jwk-kid-mismatch",
    "jwk-alg-hs256": "jwk-kid-mismatch",
    "jku": "token-invalid",
    "x5u": "token-invalid",
    "embedded-jwk": "token-invalid",
    "hs256-pem": "token-invalid-algorithm",
}

_CLAIM_REASONS = {
    "exp-nan": "token-invalid",
    "exp-infinity": "token-invalid",
    "exp-1e400": "token-invalid",
    "exp-str": "token-verification-failed",
    "exp-bool": "token-verification-failed",
    "exp-missing": "token-verification-failed",
    "exp-list": "token-verification-failed",
    "nbf-nan": "token-invalid",
    "nbf-str": "token-verification-failed",
    "nbf-bool": "token-verification-failed",
    "nbf-huge": "token-not-active-yet",
    "iat-str": "token-verification-failed",
    "iat-bool": "token-verification-failed",
    "iat-huge": "token-iat-in-the-future",
    "sub-missing": "token-verification-failed",
    "sub-empty": "token-verification-failed",
    "sub-int": "token-verification-failed",
    "sub-list": "token-verification-failed",
    "sid-missing": "token-verification-failed",
    "sid-empty": "token-verification-failed",
    "sid-object": "token-verification-failed",
    "aud-unexpected": "token-verification-failed",
    "aud-list": "token-verification-failed",
}

_PARTY_REASONS = {
    "azp-missing": "token-invalid-authorized-parties",
    "azp-suffix": "token-invalid-authorized-parties",
    "azp-slash": "token-invalid-authorized-parties",
    "azp-case": "token-invalid-authorized-parties",
    "azp-list": "token-invalid-authorized-parties",
}

_ISSUER_REASONS = {
    "iss-suffix": "token-verification-failed",
    "iss-slash": "token-verification-failed",
    "iss-case": "token-verification-failed",
    "iss-missing": "token-verification-failed",
}


def _rows() -> list[Case]:
    rows = [rejected(n, r) for n, r in {**_ALG_REASONS, **_HEADER_REASONS}.items()]
    rows += [rejected(n, r) for n, r in _CLAIM_REASONS.items()]
    rows += [rejected(n, r, JWKS, "[jwks]") for n, r in _JWKS_REASONS.items()]
    rows += [rejected(n, r, PARTIES) for n, r in _PARTY_REASONS.items()]
    rows += [rejected(n, r, ISSUER) for n, r in _ISSUER_REASONS.items()]
    rows += [
        # jwt_key ignores the kid: a traversal kid on a token the key signed is just a token
        accepted("kid-traversal"),
        accepted("valid", JWKS, "[jwks]"),
        accepted("exp-huge-int"),
        accepted("azp-exact", PARTIES),
        accepted("iss-exact", ISSUER),
    ]
    return rows


def _carried_by_cookie() -> list[Case]:
    """The same refusals when the token comes in ``__session`` (API request: 401)."""
    names = ["alg-none", "hs256-pem", "jku", "token-1mib", "deep-payload-3000", "json-jws"]
    reasons = {**_ALG_REASONS, **_HEADER_REASONS, "json-jws": "token-invalid"}
    return [
        Case(
            f"cookie-{name}",
            "GET",
            "/signed-in",
            API,
            JAR,
            token=name,
            expect_status=401,
            expect_json=unauth(reasons[name]),
        )
        for name in names
    ]


_JSON_JWS_BEARER = Case(
    # the flattened JSON form has commas: a Bearer value with a comma is malformed (SPEC §2.1)
    "json-jws-bearer",
    "GET",
    "/signed-in",
    API + BEARER,
    token="json-jws",
    expect_status=401,
    expect_json=unauth("token-invalid"),
)

_PUBLIC_SEES_SIGNED_OUT = [
    c
    for name in ("hs256-pem", "jku", "edited-payload", "token-1mib")
    for c in both(
        Case(
            f"public-{name}-signed-out",
            "GET",
            "/public",
            API + BEARER,
            token=name,
            expect_json={"user_id": None, "org_role": None},
        )
    )
]

TOKEN_CASES: list[Case] = (
    _rows() + _carried_by_cookie() + [_JSON_JWS_BEARER] + _PUBLIC_SEES_SIGNED_OUT
)
