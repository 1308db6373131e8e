from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from devkit import APP, FakeClock, sign_in

from authguard.dev import DevServer


def verified_claims(server: DevServer, token: str) -> dict[str, Any]:
    """Verify with pyjwt and the key from the server's public JWKS."""
    jwks = httpx.get(f"{server.url}/.well-known/jwks.json").json()
    key = jwt.PyJWK(jwks["keys"][0]).key
    assert jwt.get_unverified_header(token)["kid"] == jwks["keys"][0]["kid"]
    claims: dict[str, Any] = jwt.decode(
        token, key, algorithms=["RS256"], options={"verify_exp": False, "verify_nbf": False,
                                                   "verify_iat": False}
    )  # fmt: skip
    return claims


def session_token(server: DevServer, user_id: str, redirect_url: str = f"{APP}/x") -> str:
    with httpx.Client(base_url=server.url) as http:
        response = sign_in(http, user_id, redirect_url)
        assert response.status_code == 303
        token = http.cookies.get("__session")
    assert token
    return token


@pytest.mark.parametrize("version", [1, 2])
def test_admin_token_shape(
    start_server: Callable[..., DevServer], clock: FakeClock, version: int
) -> None:
    server = start_server(claims_version=version, token_ttl=90)
    claims = verified_claims(server, session_token(server, "user_admin"))
    assert claims["sub"] == "user_admin"
    assert claims["sid"].startswith("sess_")
    assert claims["azp"] == APP
    assert claims["iss"] == server.url
    assert claims["iat"] == int(clock.now)
    assert claims["exp"] - claims["iat"] == 90
    assert claims["fva"] == [0, -1]
    assert "sts" not in claims
    if version == 2:
        assert claims["v"] == 2
        assert claims["o"] == {"id": "org_acme", "slg": "acme", "rol": "admin",
                               "per": "manage,read", "fpm": "3"}  # fmt: skip
        assert claims["fea"] == "o:memberships"
        assert "org_id" not in claims
    else:
        assert "v" not in claims
        assert "o" not in claims
        assert claims["org_id"] == "org_acme"
        assert claims["org_slug"] == "acme"
        assert claims["org_role"] == "org:admin"
        assert claims["org_permissions"] == ["org:memberships:manage", "org:memberships:read"]


@pytest.mark.parametrize("version", [1, 2])
def test_user_without_org_has_no_org_claims(
    start_server: Callable[..., DevServer], version: int
) -> None:
    server = start_server(claims_version=version)
    claims = verified_claims(server, session_token(server, "user_solo"))
    assert claims["sub"] == "user_solo"
    assert not {"o", "fea", "org_id", "org_role", "org_slug", "org_permissions"} & claims.keys()


def test_member_and_pending_users(server: DevServer) -> None:
    member = verified_claims(server, session_token(server, "user_member"))
    assert member["o"]["rol"] == "member"
    assert member["o"]["per"] == "read"
    pending = verified_claims(server, session_token(server, "user_pending"))
    assert pending["sts"] == "pending"


def test_each_sign_in_is_a_new_session(server: DevServer) -> None:
    first = verified_claims(server, session_token(server, "user_admin"))
    second = verified_claims(server, session_token(server, "user_admin"))
    assert first["sid"] != second["sid"]


@pytest.mark.parametrize(
    ("redirect_url", "azp"),
    [
        ("http://127.0.0.1:9000/dashboard", "http://127.0.0.1:9000"),
        ("http://localhost:8000/dashboard", "http://localhost:8000"),
        ("https://evil.example/", "http://localhost:8000"),
    ],
)
def test_azp_is_the_app_origin_of_the_return_url(
    start_server: Callable[..., DevServer], redirect_url: str, azp: str
) -> None:
    server = start_server(app_origins=("http://localhost:8000", "http://127.0.0.1:9000"))
    claims = verified_claims(server, session_token(server, "user_member", redirect_url))
    assert claims["azp"] == azp


def test_client_uat_cookie_is_the_sign_in_time(server: DevServer, clock: FakeClock) -> None:
    with httpx.Client(base_url=server.url) as http:
        sign_in(http, "user_admin")
        assert http.cookies.get("__client_uat") == str(int(clock.now))
