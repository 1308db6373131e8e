"""The README's Starlette and FastAPI quickstarts run as written (so they can't rot)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from authguard.integrations import fastapi as fastapi_adapter
from authguard.testing import KeyPair, mint_session_token

ROOT = Path(__file__).resolve().parents[3]
PK = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"


def extract_python(path: Path, heading: str) -> str:
    """The ```python blocks under ``heading``, up to the next heading of that level or higher."""
    lines = path.read_text(encoding="utf-8").splitlines()
    level = None
    blocks: list[str] = []
    inside: list[str] | None = None
    for line in lines:
        match = re.match(r"^(#+)\s+(.*?)\s*$", line) if inside is None else None
        if match:
            if level is not None and len(match.group(1)) <= level:
                break
            if match.group(2) == heading:
                level = len(match.group(1))
            continue
        if level is None:
            continue
        if inside is None and line.strip() == "```python":
            inside = []
        elif inside is not None and line.strip() == "```":
            blocks.append("\n".join(inside))
            inside = None
        elif inside is not None:
            inside.append(line)
    if not blocks:
        raise AssertionError(f"no python block under {heading!r} in {path}")
    return "\n\n".join(blocks)


def run_app(path: Path, heading: str) -> Any:
    namespace: dict[str, Any] = {"__name__": "quickstart"}
    exec(compile(extract_python(path, heading), str(path), "exec"), namespace)
    return namespace["app"]


QUICKSTARTS = [
    (ROOT / "README.md", "Starlette"),
    (ROOT / "README.md", "FastAPI"),
]


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> KeyPair:
    pair = KeyPair.generate(kid="quickstart")
    monkeypatch.setenv("CLERK_JWT_KEY", pair.public_pem())
    monkeypatch.setenv("CLERK_PUBLISHABLE_KEY", PK)
    monkeypatch.setenv("AUTHGUARD_APP_ORIGIN", "http://testserver")
    monkeypatch.setattr(fastapi_adapter, "_fallback_guard", None)
    return pair


def _code_lines(path: Path, heading: str) -> int:
    return len([line for line in extract_python(path, heading).splitlines() if line.strip()])


@pytest.mark.parametrize(("path", "heading"), QUICKSTARTS)
def test_quickstart_is_short(path: Path, heading: str) -> None:
    assert _code_lines(path, heading) <= 16


@pytest.mark.parametrize(("path", "heading"), QUICKSTARTS)
def test_quickstart_runs(path: Path, heading: str, key: KeyPair) -> None:
    client = TestClient(run_app(path, heading), follow_redirects=False)
    token: Callable[..., str] = lambda **kw: mint_session_token(key, **kw)  # noqa: E731
    admin = {"authorization": f"Bearer {token(org_id='o', org_role='org:admin')}"}
    member = {"authorization": f"Bearer {token(org_id='o', org_role='org:member')}"}
    assert client.get("/").json() == {"signed_in": False}
    assert client.get("/", headers=admin).json() == {"signed_in": True}
    assert client.get("/admin", headers=admin).json() == {"user_id": "user_2test"}
    assert client.get("/admin", headers=member).status_code == 403
    assert client.get("/admin", headers={"accept": "application/json"}).status_code == 401
    assert client.get("/admin", headers={"accept": "text/html"}).status_code == 307


def test_extractor_stops_at_next_heading(tmp_path: Path) -> None:
    doc = tmp_path / "README.md"
    doc.write_text(
        "# A\n```python\nx = 1\n```\n## A.1\n```python\ny = 2\n```\n# B\n```python\nz\n```\n"
    )
    assert extract_python(doc, "A") == "x = 1\n\ny = 2"
    assert extract_python(doc, "B") == "z"
    with pytest.raises(AssertionError):
        extract_python(doc, "C")
