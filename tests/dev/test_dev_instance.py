from __future__ import annotations

import json
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path

import httpx
import jwt
import pytest
from devkit import sign_in

from authguard.dev import DevConfig, DevConfigError, DevServer
from authguard.dev.instance import INSTANCE_FILE, KEY_FILE
from authguard.settings import Settings, parse_publishable_key


def test_a_fresh_data_dir_is_created_with_private_files(
    start_server: Callable[..., DevServer], tmp_path: Path
) -> None:
    data_dir = tmp_path / "fresh" / "dir"
    server = start_server(data_dir=data_dir)
    assert server.context is not None
    for name in (KEY_FILE, INSTANCE_FILE, "state.json"):
        assert stat.S_IMODE((data_dir / name).stat().st_mode) == 0o600
    meta = json.loads((data_dir / INSTANCE_FILE).read_text())
    assert meta["secret_key"].startswith("sk_test_")
    assert meta["kid"] == server.context.instance.key.kid


def test_restart_keeps_key_secret_and_users(
    start_server: Callable[..., DevServer], tmp_path: Path
) -> None:
    data_dir = tmp_path / "kept"
    first = start_server(data_dir=data_dir)
    assert first.context is not None
    kid, secret = first.context.instance.key.kid, first.context.instance.secret_key
    first.stop()
    second = start_server(data_dir=data_dir)
    assert second.context is not None
    assert second.context.instance.key.kid == kid
    assert second.context.instance.secret_key == secret
    jwks = httpx.get(f"{second.url}/v1/jwks", headers={"Authorization": f"Bearer {secret}"})
    assert jwks.json()["keys"][0]["kid"] == kid


def test_two_data_dirs_are_two_instances(
    start_server: Callable[..., DevServer], tmp_path: Path
) -> None:
    one = start_server(data_dir=tmp_path / "one")
    two = start_server(data_dir=tmp_path / "two")
    assert one.context is not None
    assert two.context is not None
    assert one.context.instance.secret_key != two.context.instance.secret_key
    assert one.context.instance.key.kid != two.context.instance.key.kid


def test_environment_configures_authguard(server: DevServer) -> None:
    assert server.context is not None
    env = server.context.environment()
    port = server.url.rsplit(":", 1)[1]
    assert parse_publishable_key(env["CLERK_PUBLISHABLE_KEY"]) == f"127.0.0.1:{port}"
    assert "=" not in env["CLERK_PUBLISHABLE_KEY"]
    settings = Settings.from_env(env)
    assert settings.backend_jwks_url == f"{server.url}/v1/jwks"
    assert settings.resolved_sign_in_url == f"{server.url}/sign-in"
    assert settings.authorized_parties == ("http://localhost:8000",)
    assert settings.app_origin == "http://localhost:8000"
    settings.validate()


USERS_TOML = """
[roles]
"org:admin" = ["org:reports:read", "org:reports:manage"]
viewer = ["org:reports:read"]

[[organizations]]
slug = "initech"
name = "Initech"

[[users]]
email = "boss@initech.example"
first_name = "Bill"
memberships = [{ org = "initech", role = "org:admin" }]

[[users]]
email = "peter@initech.example"
memberships = [{ org = "initech", role = "viewer" }]
"""


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_users_file(start_server: Callable[..., DevServer], tmp_path: Path, suffix: str) -> None:
    users = tmp_path / f"users{suffix}"
    users.write_text(USERS_TOML if suffix == ".toml" else json.dumps(tomllib.loads(USERS_TOML)))
    server = start_server(users_file=users, data_dir=tmp_path / "d")
    assert server.context is not None
    peter = next(u for u in server.context.directory.users() if u.email.startswith("peter"))
    with httpx.Client(base_url=server.url) as http:
        page = http.get("/sign-in").text
        sign_in(http, peter.id)
        token = http.cookies["__session"]
    assert "boss@initech.example" in page
    assert "org:viewer in Initech" in page
    assert "admin@example.com" not in page
    payload = jwt.decode(token, options={"verify_signature": False})
    assert payload["o"] == {"id": "org_initech", "slg": "initech", "rol": "viewer",
                            "per": "read", "fpm": "1"}  # fmt: skip
    assert payload["fea"] == "o:reports"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[users]]\nemail = 'nope'", "not an email"),
        ("[[users]]\nemail = 'a@x.io'\nmemberships = [{ org = 'ghost' }]", "unknown org"),
        ("[[organizations]]\nname = 'No slug'", "slug"),
        ("users = 3", "list"),
        ("not = toml = at all", "cannot read"),
    ],
)
def test_bad_users_files_are_explained(tmp_path: Path, text: str, message: str) -> None:
    users = tmp_path / "users.toml"
    users.write_text(text)
    with pytest.raises(DevConfigError, match=message):
        DevServer(DevConfig(port=0, data_dir=tmp_path / "d", users_file=users)).bind()
