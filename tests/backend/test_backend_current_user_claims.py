"""``authguard dev --claims FILE``: the claims template, and tokens carrying its claims."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from authguard.backend import BackendAPI
from authguard.dev.claims_template import RESERVED_CLAIMS, ClaimsTemplate, user_context
from authguard.dev.cli import add_arguments, config_from_args
from authguard.dev.config import DevConfig, DevConfigError
from authguard.dev.server import DevServer
from authguard.settings import Settings
from tests.dev.devkit import APP, sign_in

USER = user_context({
    "id": "user_1", "first_name": "Ada", "last_name": None, "username": None,
    "image_url": "https://img.example/ada.png", "primary_email_address_id": "idn_2",
    "email_addresses": [{"id": "idn_1", "email_address": "old@example.com"},
                        {"id": "idn_2", "email_address": "ada@example.com"}],
    "public_metadata": {"role": "admin", "level": 3, "beta": True, "tags": ["a", "b"],
                        "nested": {"x": None}},
    "private_metadata": {"secret": "s3cr3t"}, "unsafe_metadata": {"theme": "dark"},
})  # fmt: skip

# (template value, rendered value; MISSING = claim left out)
MISSING = object()
RENDER_CASES: list[tuple[Any, Any]] = [
    ("{{user.public_metadata.role}}", "admin"),
    ("{{ user.public_metadata.level }}", 3),
    ("{{user.public_metadata.beta}}", True),
    ("{{user.public_metadata.tags}}", ["a", "b"]),
    (
        "{{user.public_metadata}}",
        {"role": "admin", "level": 3, "beta": True, "tags": ["a", "b"], "nested": {"x": None}},
    ),
    ("{{user.public_metadata.tags.1}}", "b"),
    ("{{user.primary_email_address}}", "ada@example.com"),
    ("{{user.full_name}}", "Ada"),
    ("{{user.id}}", "user_1"),
    ("{{user.image_url}}", "https://img.example/ada.png"),
    ("{{user.unsafe_metadata.theme}}", "dark"),
    ("role={{user.public_metadata.role}} lvl={{user.public_metadata.level}}", "role=admin lvl=3"),
    ("tags:{{user.public_metadata.tags}}", 'tags:["a","b"]'),
    ("[{{user.public_metadata.nope}}]", "[]"),
    ("{{user.public_metadata.nope}}", MISSING),
    ("{{user.username}}", MISSING),
    ("{{user.private_metadata.secret}}", MISSING),  # never reachable from a template
    ("{{user.private_metadata}}", MISSING),
    ({"role": "{{user.public_metadata.nope}}"}, {"role": None}),  # nested nulls stay
    ({"r": ["{{user.public_metadata.role}}", 1, None]}, {"r": ["admin", 1, None]}),
    ("static", "static"),
    (42, 42),
    (None, MISSING),
]


@pytest.mark.parametrize(("value", "expected"), RENDER_CASES)
def test_render_table(value: Any, expected: Any) -> None:
    rendered = ClaimsTemplate({"c": value}).render(USER)
    if expected is MISSING:
        assert "c" not in rendered
    else:
        assert rendered["c"] == expected


@pytest.mark.parametrize(
    "template",
    [{"sub": "x"}, {"metadata": {}, "sid": "{{user.id}}"}, {"o": {}}, {"v": 1},
     {"org_role": "org:admin"}, {"exp": 1}],
)  # fmt: skip
def test_reserved_claims_are_refused(template: dict[str, Any]) -> None:
    with pytest.raises(DevConfigError, match="cannot be customised"):
        ClaimsTemplate(template)


def test_rendering_never_emits_reserved_claims() -> None:
    template = ClaimsTemplate({"role": "x"})
    template.template.update({name: "forced" for name in RESERVED_CLAIMS})  # bypass the check
    assert template.render(USER) == {"role": "x"}


@pytest.mark.parametrize(
    "template",
    [["not", "an", "object"], {"a": "{{org.id}}"}, {"a": {"b": ["{{session.id}}"]}},
     {"a": "{{user}}"}, {"a": "{{ user.public_metadata.role | upper }}"}],
)  # fmt: skip
def test_invalid_templates_are_refused(template: Any) -> None:
    with pytest.raises(DevConfigError, match="--claims"):
        ClaimsTemplate(template)


@pytest.mark.parametrize("content", ["{not json", ""])
def test_unreadable_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "claims.json"
    path.write_text(content)
    with pytest.raises(DevConfigError, match="cannot read"):
        ClaimsTemplate.load(path)
    with pytest.raises(DevConfigError):
        ClaimsTemplate.load(tmp_path / "absent.json")


def test_cli_option(tmp_path: Path) -> None:
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    config = config_from_args(parser.parse_args(["--claims", str(tmp_path / "c.json")]))
    assert config.claims_file == tmp_path / "c.json"
    assert config_from_args(parser.parse_args([])).claims_file is None


SEED = {"metadata": {"role": "{{user.public_metadata.role}}"},
        "email": "{{user.primary_email_address}}", "name": "{{user.full_name}}"}  # fmt: skip


@pytest.fixture
def server(tmp_path: Path) -> Iterator[DevServer]:
    claims = tmp_path / "claims.json"
    claims.write_text(json.dumps(SEED))
    with DevServer(DevConfig(data_dir=tmp_path, port=0, claims_file=claims)) as srv:
        yield srv


def unverified(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})  # type: ignore[no-any-return]


def test_tokens_carry_the_custom_claims_at_every_mint(server: DevServer) -> None:
    assert server.context is not None
    api = BackendAPI(Settings(secret_key=server.context.instance.secret_key, api_url=server.url))
    with httpx.Client(base_url=server.url) as browser:
        sign_in(browser, "user_member")
        at_sign_in = unverified(browser.cookies["__session"])
        api.users.update_metadata("user_member", public_metadata={"role": "admin"})
        refreshed = browser.post("/v1/client/refresh", headers={"Origin": APP}).json()["jwt"]
    via_api = api.sessions.create_token(at_sign_in["sid"])
    api.close()
    assert at_sign_in["metadata"] == {"role": None}
    assert at_sign_in["email"] == "member@example.com"
    assert at_sign_in["name"] == "Max Member"
    assert at_sign_in["sub"] == "user_member"
    for token in (refreshed, via_api):
        claims = unverified(token)
        assert claims["metadata"] == {"role": "admin"}
        assert (claims["sub"], claims["v"]) == ("user_member", 2)


def test_without_claims_tokens_have_no_custom_claims(tmp_path: Path) -> None:
    with (
        DevServer(DevConfig(data_dir=tmp_path, port=0)) as srv,
        httpx.Client(base_url=srv.url) as browser,
    ):
        sign_in(browser, "user_admin")
        claims = unverified(browser.cookies["__session"])
    assert "metadata" not in claims
    assert claims["sub"] == "user_admin"


def test_bad_claims_file_stops_the_start(tmp_path: Path) -> None:
    claims = tmp_path / "claims.json"
    claims.write_text('{"sub": "{{user.id}}"}')
    with pytest.raises(DevConfigError, match="sub cannot be customised"):
        DevServer(DevConfig(data_dir=tmp_path, port=0, claims_file=claims)).bind()
