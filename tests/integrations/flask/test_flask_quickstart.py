"""The README's Flask quickstart is executed: its ``python`` blocks run, then the app is used."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask_helpers import PAGE, bearer

DOC = Path(__file__).resolve().parents[3] / "README.md"


def python_blocks() -> list[str]:
    section = DOC.read_text().split("\n## Flask\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


@pytest.fixture(scope="module")
def namespace() -> dict[str, Any]:
    blocks = python_blocks()
    assert len(blocks) == 2  # the app, then its test
    scope: dict[str, Any] = {"__name__": "quickstart_flask"}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), scope)
    return scope


def test_quickstart_app_behaves(namespace: dict[str, Any]) -> None:
    client, admin, member = namespace["client"], namespace["admin"], namespace["member"]
    assert client.get("/", headers=bearer(admin)).text.startswith("Hello user_1 (org:admin)")
    assert "Sign in" in client.get("/").text
    forbidden = client.post("/members", headers=bearer(member))
    assert forbidden.get_json()["detail"] == "ask an admin for access"  # the custom hook
    assert client.post("/members", headers=bearer(admin)).status_code == 201  # async view
    assert client.get("/status").get_json() == {"ok": True, "signed_in": False}
    assert client.get("/static/x.css").headers.get("Vary") is None  # skipped
    page = client.get("/dashboard", headers=PAGE)
    assert page.headers["Location"].startswith("https://foo-bar-13.accounts.dev/sign-in?")


def test_quickstart_factory_builds_independent_apps(namespace: dict[str, Any]) -> None:
    first = namespace["app"]
    second = namespace["create_app"]({"AUTHGUARD_JWT_KEY": namespace["key"].public_pem()})
    assert first.extensions["authguard"].guard is not second.extensions["authguard"].guard
