"""The README's Django quickstart runs: its code blocks become a project that answers requests."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from django.test import Client, override_settings
from djt_settings import KEY, PUBLISHABLE_KEY
from djt_tokens import bearer

DOC = Path(__file__).resolve().parents[3] / "README.md"
BLOCK = re.compile(r"```python\n# (?P<path>[\w/]+\.py)\n(?P<code>.*?)```", re.S)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    section = DOC.read_text().split("\n## Django\n", 1)[1].split("\n## ", 1)[0]
    blocks = {m["path"]: m["code"] for m in BLOCK.finditer(section)}
    assert set(blocks) == {"myproject/settings.py", "myapp/views.py", "myproject/urls.py"}
    for relative, code in blocks.items():
        target = tmp_path / relative
        target.parent.mkdir(exist_ok=True)
        (target.parent / "__init__.py").touch()
        target.write_text(code)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("CLERK_JWT_KEY", KEY.public_pem())
    monkeypatch.setenv("CLERK_PUBLISHABLE_KEY", PUBLISHABLE_KEY)
    yield importlib.import_module("myproject.settings")
    for name in [n for n in sys.modules if n.split(".")[0] in ("myproject", "myapp")]:
        del sys.modules[name]


CASES = [
    ("/", None, 200),
    ("/status", None, 200),
    ("/admin-dashboard/", None, 401),
    ("/admin-dashboard/", "member", 403),
    ("/admin-dashboard/", "admin", 200),
    ("/elsewhere", None, 401),  # PUBLIC_ROUTES: everything else needs sign-in
]


@pytest.mark.parametrize(("path", "token", "status"), CASES)
def test_quickstart_project(project: ModuleType, path: str, token: str | None, status: int) -> None:
    assert "authguard.django" in project.INSTALLED_APPS
    with override_settings(
        AUTHGUARD=project.AUTHGUARD,
        MIDDLEWARE=project.MIDDLEWARE,
        ROOT_URLCONF=project.ROOT_URLCONF,
    ):
        response = Client().get(path, headers={"accept": "application/json", **bearer(token)})
    assert response.status_code == status, response.content
    if path == "/admin-dashboard/" and status == 200:
        assert response.json() == {"user_id": "user_admin", "org_id": "org_1"}
