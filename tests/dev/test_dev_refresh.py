from __future__ import annotations

import json

import httpx
import jwt
import pytest
from devkit import APP, FakeClock, set_cookies, sign_in

from authguard.dev import DevServer


def unverified(token: str) -> dict[str, object]:
    claims: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return claims


def test_refresh_re_mints_the_session_token(client: httpx.Client, clock: FakeClock) -> None:
    sign_in(client, "user_admin")
    first = unverified(client.cookies["__session"])
    clock.now += 45
    response = client.post("/v1/client/refresh", headers={"Origin": APP})
    assert response.status_code == 200
    body = response.json()
    second = unverified(body["jwt"])
    assert second["exp"] == first["exp"] + 45  # type: ignore[operator]
    assert second["sid"] == first["sid"]
    assert second["sub"] == "user_admin"
    assert second["azp"] == APP
    assert body["client_uat"] == first["iat"]
    assert client.cookies["__session"] == body["jwt"]
    assert response.headers["access-control-allow-origin"] == APP
    assert response.headers["access-control-allow-credentials"] == "true"


def test_refresh_reports_minutes_since_sign_in_as_fva(
    client: httpx.Client, clock: FakeClock
) -> None:
    sign_in(client, "user_solo")
    clock.now += 185
    token = client.post("/v1/client/refresh").json()["jwt"]
    assert unverified(token)["fva"] == [3, -1]


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "http://localhost:8001", "null", "http://localhost:8000/"]
)
def test_refresh_refuses_foreign_origins(client: httpx.Client, origin: str) -> None:
    sign_in(client, "user_admin")
    before = client.cookies["__session"]
    response = client.post("/v1/client/refresh", headers={"Origin": origin})
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers
    assert "set-cookie" not in response.headers
    assert "jwt" not in response.text
    assert client.cookies["__session"] == before


@pytest.mark.parametrize(
    ("origin", "status", "allowed"),
    [(APP, 204, True), ("https://evil.example", 403, False), (None, 403, False)],
)
def test_refresh_preflight(
    client: httpx.Client, origin: str | None, status: int, allowed: bool
) -> None:
    headers = {"Access-Control-Request-Method": "POST"}
    if origin:
        headers["Origin"] = origin
    response = client.options("/v1/client/refresh", headers=headers)
    assert response.status_code == status
    assert ("access-control-allow-origin" in response.headers) is allowed


def test_refresh_without_a_session_is_401_and_clears_cookies(client: httpx.Client) -> None:
    response = client.post("/v1/client/refresh", headers={"Origin": APP})
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "signed_out"
    assert "Max-Age=0" in set_cookies(response)["__session"]


def test_page_script_is_configured_for_this_server(server: DevServer, client: httpx.Client) -> None:
    assert server.context is not None
    response = client.get("/authguard-dev.js")
    assert response.headers["content-type"].startswith("text/javascript")
    assert "__AUTHGUARD_DEV_CONFIG__" not in response.text
    start = response.text.index("var config = ") + len("var config = ")
    config = json.loads(response.text[start : response.text.index(";\n", start)])
    assert config["refreshUrl"] == f"{server.url}/v1/client/refresh"
    assert config["intervalMs"] == 30_000
    assert f"__session_{server.context.cookie_suffix}" in config["sessionCookies"]
