"""JWT-template tokens: the client against the dev server's ``--jwt-template`` (sync and async)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest

from authguard import Guard, RequestInfo, Settings
from authguard.backend import AsyncBackendAPI, BackendAPI, BackendAPIError
from authguard.dev.config import DevConfig
from authguard.dev.server import DevServer

CONVEX = {"lifetime": 120, "claims": {
    "aud": "convex", "email": "{{user.primary_email_address}}",
    "role": "{{user.public_metadata.role}}", "name": "{{user.first_name}} ({{user.id}})",
}}  # fmt: skip


@pytest.fixture
def server(tmp_path: Path) -> Iterator[DevServer]:
    template = tmp_path / "convex.json"
    template.write_text(json.dumps(CONVEX))
    config = DevConfig(data_dir=tmp_path / "data", port=0, jwt_templates=(("convex", template),))
    with DevServer(config) as srv:
        yield srv


@pytest.fixture
def settings(server: DevServer) -> Settings:
    assert server.context is not None
    return Settings(secret_key=server.context.instance.secret_key, api_url=server.url)


@pytest.fixture
def sid(server: DevServer, settings: Settings) -> str:
    assert server.context is not None
    with BackendAPI(settings) as api:
        api.users.update_metadata("user_admin", public_metadata={"role": "admin"})
    user = server.context.directory.get_user("user_admin")
    assert user is not None
    _, session = server.context.sessions.sign_in(None, user, "http://localhost:8000")
    return session.id


def decode(server: DevServer, token: str) -> dict[str, Any]:
    """Verify with the instance's public key (pyjwt), as the third-party service would."""
    assert server.context is not None
    key = server.context.instance.key.public_pem()
    claims: dict[str, Any] = jwt.decode(
        token, key, algorithms=["RS256"], audience="convex", issuer=server.url
    )
    return claims


async def create_token(settings: Settings, sid: str, mode: str, **options: Any) -> str:
    if mode == "sync":
        with BackendAPI(settings) as api:
            return api.sessions.create_token(sid, "convex", **options)
    async with AsyncBackendAPI(settings) as aapi:
        return await aapi.sessions.create_token(sid, "convex", **options)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(("options", "lifetime"), [({}, 120), ({"expires_in_seconds": 600}, 600)])
async def test_template_token_carries_the_rendered_claims_and_lifetime(
    server: DevServer,
    settings: Settings,
    sid: str,
    mode: str,
    options: dict[str, Any],
    lifetime: int,
) -> None:
    token = await create_token(settings, sid, mode, **options)
    claims = decode(server, token)
    assert (claims["sub"], claims["sid"], claims["aud"]) == ("user_admin", sid, "convex")
    assert (claims["email"], claims["role"], claims["name"]) == (
        "admin@example.com", "admin", "Ada (user_admin)"
    )  # fmt: skip
    assert claims["exp"] - claims["iat"] == lifetime
    assert claims["nbf"] == claims["iat"]
    assert jwt.get_unverified_header(token)["cat"] == "cl_B7d4PD222AAA"


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_guard_refuses_a_template_token_as_a_session(
    server: DevServer, settings: Settings, sid: str, mode: str
) -> None:
    assert server.context is not None
    token = await create_token(settings, sid, mode)
    guard = Guard(Settings(jwt_key=server.context.instance.key.public_pem()))
    request = RequestInfo("GET", "/x", "http://app.test/x", {"authorization": f"Bearer {token}"})
    state = guard.authenticate(request) if mode == "sync" else await guard.aauthenticate(request)
    assert (state.status, state.reason) == ("signed-out", "token-invalid")
    assert "category" in (state.message or "")  # refused for its cat, not for anything else
    assert not state.auth.is_signed_in


def test_the_session_token_is_still_a_session_token(
    server: DevServer, settings: Settings, sid: str
) -> None:
    assert server.context is not None
    with BackendAPI(settings) as api:
        token = api.sessions.create_token(sid)
    assert jwt.get_unverified_header(token)["cat"] == "cl_B7d4PD111AAA"
    guard = Guard(Settings(jwt_key=server.context.instance.key.public_pem()))
    request = RequestInfo("GET", "/x", "http://app.test/x", {"authorization": f"Bearer {token}"})
    assert guard.authenticate(request).status == "signed-in"


@pytest.mark.parametrize(
    ("template", "options", "status", "code"),
    [
        ("supabase", {}, 404, "resource_not_found"),
        ("convex", {"expires_in_seconds": 5}, 422, "form_param_format_invalid"),
    ],
)
async def test_refusals_are_backend_api_errors(
    settings: Settings, sid: str, template: str, options: dict[str, Any], status: int, code: str
) -> None:
    with pytest.raises(BackendAPIError) as sync_info, BackendAPI(settings) as api:
        api.sessions.create_token(sid, template, **options)
    with pytest.raises(BackendAPIError) as async_info:
        async with AsyncBackendAPI(settings) as aapi:
            await aapi.sessions.create_token(sid, template, **options)
    for info in (sync_info, async_info):
        assert (info.value.status, info.value.codes) == (status, [code])
