from __future__ import annotations

import httpx
import pytest

from authguard.dev import DevServer


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (None, 401),
        ("Bearer sk_test_wrong", 401),
        ("Basic {secret}", 401),
        ("Bearer", 401),
        ("Bearer {secret}x", 401),
        ("Bearer {secret}", 200),
        ("bearer {secret}", 200),
    ],
)
def test_backend_jwks_needs_the_secret_key(
    server: DevServer, client: httpx.Client, authorization: str | None, status: int
) -> None:
    assert server.context is not None
    headers = {}
    if authorization is not None:
        headers["Authorization"] = authorization.format(secret=server.context.instance.secret_key)
    response = client.get("/v1/jwks", headers=headers)
    assert response.status_code == status
    if status == 401:
        error = response.json()["errors"][0]
        assert error["code"] == "authentication_invalid"
        assert error["message"]
        assert error["long_message"]
        assert "keys" not in response.json()
    else:
        assert [k["kid"] for k in response.json()["keys"]] == [server.context.instance.key.kid]


def test_well_known_jwks_is_public_and_has_no_private_parts(
    server: DevServer, client: httpx.Client
) -> None:
    assert server.context is not None
    keys = client.get("/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kid"] == server.context.instance.key.kid
    assert keys[0]["kty"] == "RSA"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & keys[0].keys()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/nope", 404), ("DELETE", "/v1/jwks", 405), ("POST", "/.well-known/jwks.json", 405)],
)
def test_unknown_routes_answer_clerk_errors(
    client: httpx.Client, method: str, path: str, status: int
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == "resource_not_found"
