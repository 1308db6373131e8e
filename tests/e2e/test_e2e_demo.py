"""The newcomer path: from an empty directory, ``python -m example_apps`` (what
``python3 tasks.py demo`` runs) brings up the dev server and the app, and Ctrl-C stops both.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import httpx
import pytest
from e2ekit import Process, child_env, free_port

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("app", ["fastapi", "django", "flask"])
def test_demo_from_an_empty_directory(tmp_path: Path, app: str) -> None:
    port, dev_port = free_port(), free_port()
    args = [sys.executable, "-m", "example_apps", "--app", app]
    args += ["--port", str(port), "--dev-port", str(dev_port)]
    demo = Process(args, child_env(), cwd=tmp_path)
    try:
        demo.expect(lambda line: line == f"open http://localhost:{port}")
        assert "user_admin" in "\n".join(demo.seen)  # the seeded users are listed

        home = httpx.get(f"http://localhost:{port}/")
        assert home.status_code == 200
        assert "Signed out" in home.text
        jwks = httpx.get(f"http://localhost:{dev_port}/.well-known/jwks.json")
        assert jwks.status_code == 200
        assert jwks.json()["keys"][0]["kty"] == "RSA"
        assert (tmp_path / ".authguard-dev").is_dir()

        demo.popen.send_signal(signal.SIGINT)  # Ctrl-C
        assert demo.popen.wait(timeout=15) == 0
    finally:
        demo.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://localhost:{dev_port}/.well-known/jwks.json")
