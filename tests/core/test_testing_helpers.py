"""authguard.testing: minted tokens parse, verify and normalise to what was asked."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

from authguard.claims import normalize_claims
from authguard.settings import Settings
from authguard.testing import KeyPair, jwks, mint_session_token, sign_jwt
from authguard.tokens import check_claims, parse_token, verify_signature

KEY = KeyPair.generate(kid="ins_roundtrip")
NOW = 1_700_000_000.0
SETTINGS = Settings()


def decode_part(token: str, index: int) -> dict[str, Any]:
    part = token.split(".")[index]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def verified(token: str, now: float = NOW) -> Any:
    parsed = parse_token(token, SETTINGS, requires_kid=True)
    verify_signature(parsed, KEY.public_key)
    check_claims(parsed.payload, SETTINGS, now)
    return normalize_claims(parsed.payload, token)


ORG: dict[str, Any] = {
    "org_id": "org_1",
    "org_slug": "acme",
    "org_role": "admin",
    "org_permissions": ["org:teams:manage", "org:teams:read", "org:billing:read"],
}


@pytest.mark.parametrize("version", [1, 2])
def test_org_claims_round_trip(version: int) -> None:
    token = mint_session_token(
        KEY, version=version, now=NOW, features=["u:chat"], plans=["o:pro"], **ORG
    )
    claims = verified(token)
    assert (claims.user_id, claims.session_id) == ("user_2test", "sess_2test")
    assert (claims.org_id, claims.org_slug, claims.org_role) == ("org_1", "acme", "org:admin")
    assert sorted(claims.org_permissions) == sorted(ORG["org_permissions"])
    assert "u:chat" in claims.features
    assert claims.plans == ("o:pro",)


def test_v2_encodes_permissions_compactly() -> None:
    payload = decode_part(mint_session_token(KEY, now=NOW, **ORG), 1)
    assert payload["v"] == 2
    assert payload["o"] == {
        "id": "org_1",
        "slg": "acme",
        "rol": "admin",
        "per": "manage,read",
        "fpm": "3,2",
    }
    assert payload["fea"] == "o:teams,o:billing"
    assert "org_id" not in payload


def test_v1_keeps_the_prefixed_role() -> None:
    payload = decode_part(mint_session_token(KEY, version=1, now=NOW, **ORG), 1)
    assert payload["org_role"] == "org:admin"
    assert payload["org_permissions"] == ORG["org_permissions"]
    assert "v" not in payload
    assert "o" not in payload


def test_times_and_optional_claims() -> None:
    token = mint_session_token(
        KEY,
        now=NOW,
        expires_in=30,
        fva=[1, -1],
        sts="active",
        act={"sub": "user_x"},
        azp="https://app.example.com",
        iss="https://clerk.example.com",
    )
    payload = decode_part(token, 1)
    assert (payload["iat"], payload["nbf"], payload["exp"]) == (NOW, NOW - 10, NOW + 30)
    claims = verified(token)
    assert claims.factor_verification_age == (1, -1)
    assert claims.session_status == "active"
    assert claims.actor == {"sub": "user_x"}
    assert claims.claims["azp"] == "https://app.example.com"


def test_absent_optional_fields_are_omitted() -> None:
    payload = decode_part(mint_session_token(KEY, now=NOW), 1)
    assert set(payload) == {"v", "sub", "sid", "iat", "nbf", "exp"}


def test_header_defaults_and_overrides() -> None:
    assert decode_part(mint_session_token(KEY), 0) == {
        "alg": "RS256",
        "typ": "JWT",
        "kid": "ins_roundtrip",
        "cat": "cl_B7d4PD111AAA",
    }
    header = decode_part(mint_session_token(KEY, kid=None, extra_headers={"cat": None, "x": 1}), 0)
    assert header == {"alg": "RS256", "typ": "JWT", "x": 1}


def test_extra_claims_overlay_and_remove() -> None:
    payload = decode_part(mint_session_token(KEY, extra_claims={"sid": None, "custom": [1]}), 1)
    assert "sid" not in payload
    assert payload["custom"] == [1]


def test_sign_jwt_uses_payload_bytes_verbatim() -> None:
    token = sign_jwt(KEY, {"alg": "RS256", "kid": KEY.kid}, b'{"sub":"a" , "sub":"b"}')
    assert base64.urlsafe_b64decode(token.split(".")[1] + "==") == b'{"sub":"a" , "sub":"b"}'


def test_jwk_publishes_the_public_key() -> None:
    (jwk,) = jwks(KEY)["keys"]
    assert {k: jwk[k] for k in ("kty", "kid", "use", "alg", "e")} == {
        "kty": "RSA",
        "kid": "ins_roundtrip",
        "use": "sig",
        "alg": "RS256",
        "e": "AQAB",
    }
    n = int.from_bytes(base64.urlsafe_b64decode(jwk["n"] + "=" * (-len(jwk["n"]) % 4)), "big")
    assert RSAPublicNumbers(65537, n) == KEY.public_key.public_numbers()


def test_pem_round_trip_and_generated_kid() -> None:
    again = KeyPair.from_private_pem(KEY.private_pem(), kid="k2")
    assert again.public_pem() == KEY.public_pem()
    assert KeyPair.generate().kid.startswith("ins_")


def test_bad_permission_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="org:<feature>:<perm>"):
        mint_session_token(KEY, org_id="org_1", org_permissions=["admin"])
