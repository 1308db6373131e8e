from __future__ import annotations

import argparse
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from authguard.dev import DevConfig, DevConfigError, add_arguments, main
from authguard.dev.cli import config_from_args, exports


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "192.168.1.10", "example.com", "::", "::1", "", "localhost.evil.example"]
)
def test_non_loopback_hosts_are_refused(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(DevConfigError, match="--host"):
        DevConfig(host=host)
    assert main(["--host", host, "--port", "0"]) == 2
    assert "--host" in capsys.readouterr().err


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.2"])
def test_loopback_hosts_are_accepted(host: str) -> None:
    assert DevConfig(host=host).host == host


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"app_origins": ("http://localhost:8000/path",)}, "--app-origin"),
        ({"app_origins": ("localhost:8000",)}, "--app-origin"),
        ({"app_origins": ("http://u@localhost:8000",)}, "--app-origin"),
        ({"app_origins": ()}, "--app-origin"),
        ({"token_ttl": 1}, "--token-ttl"),
        ({"claims_version": 3}, "--claims-version"),
        ({"port": 70000}, "--port"),
    ],
)
def test_bad_options_are_explained(options: dict[str, object], message: str) -> None:
    with pytest.raises(DevConfigError, match=message):
        DevConfig(**options)  # type: ignore[arg-type]


def test_defaults_and_repeatable_app_origin() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    config = config_from_args(parser.parse_args([]))
    assert (config.host, config.port, config.token_ttl, config.claims_version) == (
        "localhost", 4000, 60, 2,
    )  # fmt: skip
    assert config.data_dir == Path(".authguard-dev")
    assert config.app_origins == ("http://localhost:8000",)
    args = ["--app-origin", "http://127.0.0.1:9000", "--app-origin", "HTTP://LOCALHOST:8000/"]
    config = config_from_args(parser.parse_args(args))
    assert config.app_origins == ("http://127.0.0.1:9000", "http://localhost:8000")


def test_exports_are_shell_quoted() -> None:
    text = exports({"CLERK_A": "plain", "CLERK_B": "with space;$(rm)"})
    lines = text.splitlines()
    assert lines[0] == "export CLERK_A=plain"
    assert shlex.split(lines[1]) == ["export", "CLERK_B=with space;$(rm)"]


def test_main_serves_and_prints_the_variables(tmp_path: Path) -> None:
    """The newcomer path: an empty data dir, one command, variables to export, a live JWKS."""
    code = "import sys; from authguard.dev import main; sys.exit(main(sys.argv[1:]))"
    command = [sys.executable, "-c", code, "--port", "0", "--data-dir", str(tmp_path / "d")]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            env: dict[str, str] = {}
            while "AUTHGUARD_APP_ORIGIN" not in env:
                line = proc.stdout.readline()  # type: ignore[union-attr]
                assert line, "the dev server exited before printing its variables"
                name, _, value = line.removeprefix("export ").strip().partition("=")
                env[name] = shlex.split(value)[0]
            secret = env["CLERK_SECRET_KEY"]
            response = httpx.get(
                f"{env['CLERK_API_URL']}/v1/jwks", headers={"Authorization": f"Bearer {secret}"}
            )
            assert response.status_code == 200
            assert set(env) >= {"CLERK_PUBLISHABLE_KEY", "CLERK_SIGN_IN_URL", "CLERK_SIGN_UP_URL"}
        finally:
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=30) == 0
        assert secret not in proc.stderr.read()  # type: ignore[union-attr]
