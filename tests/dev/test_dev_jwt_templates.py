"""``authguard dev --jwt-template NAME=FILE``: start-up checks and the minted tokens."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from devkit import FakeClock

from authguard.dev import DevConfig, DevConfigError, DevServer
from authguard.dev.cli import add_arguments, config_from_args, main

TEMPLATE = {"lifetime": 90, "claims": {
    "aud": ["convex", "hasura"], "role": "{{user.public_metadata.role}}",
    "meta": "{{user.public_metadata}}", "secret": "{{user.private_metadata.tier}}",
    "static": {"n": 1},
}}  # fmt: skip


def write(tmp_path: Path, name: str, content: Any) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def parse(*argv: str) -> DevConfig:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return config_from_args(parser.parse_args(list(argv)))


def test_option_is_repeatable_name_equals_file() -> None:
    config = parse("--jwt-template", "convex=a.json", "--jwt-template", "hasura = b/c.json")
    assert config.jwt_templates == (("convex", Path("a.json")), ("hasura", Path("b/c.json")))
    assert parse().jwt_templates == ()


@pytest.mark.parametrize(
    ("value", "message"),
    [("convex", "NAME=FILE"), ("convex=", "NAME=FILE"), ("=a.json", "name"),
     ("a/b=a.json", "name"), ("sp ace=a.json", "name")],
)  # fmt: skip
def test_malformed_options_are_refused(value: str, message: str) -> None:
    with pytest.raises(DevConfigError, match=message):
        parse("--jwt-template", value)


def test_a_name_is_given_once() -> None:
    with pytest.raises(DevConfigError, match="once"):
        DevConfig(jwt_templates=(("a", Path("x")), ("a", Path("y"))))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"claims": {"sub": "x"}}, "sub cannot be customised"),
        ({"claims": {"iss": "x", "exp": 1}}, "exp, iss cannot be customised"),
        ({"claims": {"sid": "{{user.id}}"}}, "sid cannot be customised"),
        ({"claims": {"x": "{{session.id}}"}}, "unknown shortcode"),
        ({"claims": ["aud"]}, "JSON object of claims"),
        ({"lifetime": 10}, "lifetime"),
        ({"lifetime": "60"}, "lifetime"),
        ({"lifetime": True}, "lifetime"),
        ({"claim": {}}, "unknown keys claim"),
        ([1, 2], "JSON object"),
        ("{not json", "cannot read"),
    ],
)
def test_bad_templates_stop_the_start(
    start_server: Callable[..., DevServer], tmp_path: Path, content: Any, message: str
) -> None:
    path = write(tmp_path, "bad", content)
    with pytest.raises(DevConfigError, match=f"--jwt-template bad: .*{message}"):
        start_server(jwt_templates=(("bad", path),))


def test_cli_reports_a_bad_template_and_exits_2(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "t", {"claims": {"nbf": 0}})
    argv = ["--port", "0", "--data-dir", str(data_dir), "--jwt-template", f"t={path}"]
    assert main(argv) == 2
    assert "nbf cannot be customised" in capsys.readouterr().err


def mint(server: DevServer, name: str, payload: dict[str, Any] | None = None) -> httpx.Response:
    assert server.context is not None
    user = server.context.directory.get_user("user_member")
    assert user is not None
    _, session = server.context.sessions.sign_in(None, user, "http://localhost:8000")
    secret = server.context.instance.secret_key
    return httpx.post(
        f"{server.url}/v1/sessions/{session.id}/tokens/{name}",
        json=payload, headers={"authorization": f"Bearer {secret}"},
    )  # fmt: skip


def verified(server: DevServer, token: str) -> dict[str, Any]:
    assert server.context is not None
    claims: dict[str, Any] = jwt.decode(
        token,
        server.context.instance.key.public_pem(),
        algorithms=["RS256"],
        audience="hasura",
        options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
    )
    return claims


@pytest.mark.parametrize(("payload", "lifetime"), [(None, 90), ({"expires_in_seconds": 30}, 30)])
def test_token_is_signed_stamped_and_rendered(
    start_server: Callable[..., DevServer],
    tmp_path: Path,
    clock: FakeClock,
    payload: dict[str, Any] | None,
    lifetime: int,
) -> None:
    server = start_server(jwt_templates=(("multi", write(tmp_path, "multi", TEMPLATE)),))
    assert server.context is not None
    response = mint(server, "multi", payload)
    assert response.status_code == 200, response.text
    assert response.json()["object"] == "token"
    token = response.json()["jwt"]
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "RS256", "typ": "JWT", "kid": server.context.instance.key.kid,
                      "cat": "cl_B7d4PD222AAA"}  # fmt: skip
    claims = verified(server, token)
    now = int(clock.now)
    assert {k: claims[k] for k in ("iat", "nbf", "exp", "iss")} == {
        "iat": now, "nbf": now, "exp": now + lifetime, "iss": server.url
    }  # fmt: skip
    assert claims["aud"] == ["convex", "hasura"]
    assert claims["static"] == {"n": 1}
    assert "secret" not in claims  # private_metadata never reaches a token
    assert "role" not in claims  # a top-level claim rendering null is left out


def test_the_next_token_carries_changed_metadata(
    start_server: Callable[..., DevServer], tmp_path: Path
) -> None:
    server = start_server(jwt_templates=(("multi", write(tmp_path, "multi", TEMPLATE)),))
    assert server.context is not None
    httpx.patch(
        f"{server.url}/v1/users/user_member/metadata",
        json={"public_metadata": {"role": "editor"}, "private_metadata": {"tier": 3}},
        headers={"authorization": f"Bearer {server.context.instance.secret_key}"},
    ).raise_for_status()
    claims = verified(server, mint(server, "multi").json()["jwt"])
    assert (claims["role"], claims["meta"]) == ("editor", {"role": "editor"})
    assert "secret" not in claims


@pytest.mark.parametrize(
    ("name", "payload", "status", "code"),
    [
        ("nope", None, 404, "resource_not_found"),
        ("multi", {"expires_in_seconds": 29}, 422, "form_param_format_invalid"),
        ("multi", {"expires_in_seconds": "60"}, 422, "form_param_format_invalid"),
        ("multi", {"expires_in_seconds": 315_360_001}, 422, "form_param_format_invalid"),
    ],
)
def test_refusals_are_clerk_errors(
    start_server: Callable[..., DevServer],
    tmp_path: Path,
    name: str,
    payload: dict[str, Any] | None,
    status: int,
    code: str,
) -> None:
    server = start_server(jwt_templates=(("multi", write(tmp_path, "multi", TEMPLATE)),))
    response = mint(server, name, payload)
    assert response.status_code == status
    assert [e["code"] for e in response.json()["errors"]] == [code]
