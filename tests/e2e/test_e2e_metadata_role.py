"""The seed's metadata-based role check, end to end, with real servers on loopback.

``authguard dev --claims FILE`` maps ``metadata.role`` <- ``{{user.public_metadata.role}}``;
a FastAPI app under uvicorn (keys from the dev server's JWKS) guards ``/admin`` with
``auth.protect(predicate=...)`` on that claim. An admin sets the role through ``BackendAPI``;
the user's next session token carries it and the route opens.
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from e2ekit import AppProcess, DevServerProcess, Process, child_env, free_port

from authguard.backend import BackendAPI
from authguard.settings import Settings

pytestmark = pytest.mark.e2e

CLAIMS = {"metadata": {"role": "{{user.public_metadata.role}}"}}

APP = """
from typing import Any

from authguard.fastapi import AuthGuardMiddleware, CurrentAuth, CurrentUser
from fastapi import FastAPI

app = FastAPI()
app.add_middleware(AuthGuardMiddleware)


@app.get("/admin")
async def admin(auth: CurrentAuth, user: CurrentUser) -> dict[str, Any]:
    auth.protect(predicate=lambda _has: auth.claims.get("metadata", {}).get("role") == "admin")
    return {"user": user.id if user else None,
            "role_from_api": user.public_metadata.get("role") if user else None}
"""


class Servers:
    """The dev server (with ``--claims``) and the app, as child processes."""

    def __init__(self, tmp: Path) -> None:
        (tmp / "claims.json").write_text(json.dumps(CLAIMS))
        (tmp / "role_app.py").write_text(APP)
        port = free_port()
        self.origin = f"http://localhost:{port}"
        args = [sys.executable, "-m", "authguard", "dev", "--port", "0"]
        args += ["--data-dir", str(tmp / "dev"), "--app-origin", self.origin]
        args += ["--claims", str(tmp / "claims.json")]
        self.dev = Process(args, child_env())
        self.env: dict[str, str] = {}
        while "AUTHGUARD_APP_ORIGIN" not in self.env:
            line = self.dev.expect(lambda text: text.startswith("export "))
            name, _, value = shlex.split(line)[1].partition("=")
            self.env[name] = value
        self.dev_url = self.env["CLERK_API_URL"]
        app_args = [sys.executable, "-m", "uvicorn", "role_app:app", "--app-dir", str(tmp),
                    "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
        self.app = Process(app_args, child_env(dict(self.env, AUTHGUARD_APP_ORIGIN=self.origin)))
        self.app.expect(lambda text: "Uvicorn running on" in text)
        self.app_url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.app.stop()
        self.dev.stop()


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    running = Servers(tmp_path)
    try:
        yield running
    finally:
        running.stop()


def sign_in(browser: httpx.Client, user_id: str, origin: str) -> str:
    page = browser.get("/sign-in")
    form_token = page.text.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    data = {"user_id": user_id, "redirect_url": f"{origin}/admin", "form_token": form_token}
    browser.post("/sign-in", data=data)
    return browser.cookies["__session"]


def role_claim(token: str) -> object:
    claims = jwt.decode(token, options={"verify_signature": False})
    return claims.get("metadata", {}).get("role")


def get_admin(servers: Servers, token: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}", "accept": "application/json"}
    return httpx.get(f"{servers.app_url}/admin", headers=headers)


def test_admin_role_set_through_the_client_opens_the_route(servers: Servers) -> None:
    settings = Settings(secret_key=servers.env["CLERK_SECRET_KEY"], api_url=servers.dev_url)
    with httpx.Client(base_url=servers.dev_url) as browser, BackendAPI(settings) as api:
        before = sign_in(browser, "user_member", servers.origin)
        assert role_claim(before) is None
        refused = get_admin(servers, before)
        assert refused.status_code == 403
        assert refused.json()["error"] == "forbidden"

        api.users.update_metadata("user_member", public_metadata={"role": "admin"})
        assert get_admin(servers, before).status_code == 403  # a token is a snapshot

        refresh = browser.post("/v1/client/refresh", headers={"Origin": servers.origin})
        after = refresh.json()["jwt"]
        assert role_claim(after) == "admin"
        opened = get_admin(servers, after)
        assert opened.status_code == 200
        assert opened.json() == {"user": "user_member", "role_from_api": "admin"}

        api.users.update_metadata("user_member", public_metadata={"role": None})
        fresh = sign_in(browser, "user_member", servers.origin)
        assert role_claim(fresh) is None
        assert get_admin(servers, fresh).status_code == 403


# -- the example apps' /admin/users page -------------------------------------------------


@pytest.fixture(params=["fastapi", "django", "flask"])
def example_app(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[AppProcess, DevServerProcess]]:
    port = free_port()
    dev = DevServerProcess(tmp_path / "dev", [f"http://localhost:{port}"])
    try:
        app = AppProcess(request.param, port, dev)
        try:
            yield app, dev
        finally:
            app.stop()
    finally:
        dev.stop()


def test_example_admin_page_changes_a_role(
    example_app: tuple[AppProcess, DevServerProcess],
) -> None:
    app, dev = example_app
    dev_env = dev.env
    settings = Settings(secret_key=dev_env["CLERK_SECRET_KEY"], api_url=dev_env["CLERK_API_URL"])
    with httpx.Client(base_url=dev_env["CLERK_API_URL"]) as browser, BackendAPI(settings) as api:
        admin = sign_in(browser, "user_admin", app.url)
        member = sign_in(browser, "user_member", app.url)
        with httpx.Client(base_url=app.url) as http:
            as_admin = {"authorization": f"Bearer {admin}", "origin": app.url}
            listing = http.get("/admin/users", headers=as_admin)
            assert listing.status_code == 200
            assert 'data-user="user_member"' in listing.text
            form = {"role": "editor"}
            changed = http.post("/admin/users/user_member/role", data=form, headers=as_admin)
            assert changed.status_code == 303
            assert api.users.get("user_member").public_metadata == {"role": "editor"}
            evil = dict(as_admin, origin="https://evil.example")
            refused = http.post(
                "/admin/users/user_member/role", data={"role": "admin"}, headers=evil
            )
            assert refused.status_code == 400
            as_member = {"authorization": f"Bearer {member}", "accept": "application/json"}
            assert http.get("/admin/users", headers=as_member).status_code == 403
        assert api.users.get("user_member").public_metadata == {"role": "editor"}
