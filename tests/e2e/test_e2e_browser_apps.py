"""The three example apps in a real browser (Debian chromium through Playwright), each under its
real server, against ``authguard dev`` running as a separate process (SPEC §10).

App and dev server share the host ``localhost`` (browsers share cookies across ports: the dev
shortcut). One browser and one dev server serve the whole module; every test gets a fresh
browser context, so no cookie leaks between tests or apps.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from e2ekit import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    AppProcess,
    DevServerProcess,
    free_port,
    require_chromium,
)
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

APPS = ("fastapi", "django", "flask")
PORTS = {app: free_port() for app in APPS}
MEMBER, ADMIN = "user_member", "user_admin"  # both in org_acme (the dev server's defaults)
# The README's screenshot is refreshed only on request, so a test run leaves the tree clean.
SCREENSHOT = ROOT / "docs" / "dashboard.png"
UPDATE_SCREENSHOT = os.environ.get("AUTHGUARD_UPDATE_SCREENSHOT") == "1"


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServerProcess]:
    data_dir: Path = tmp_path_factory.mktemp("authguard-dev")
    origins = [f"http://localhost:{port}" for port in PORTS.values()]
    server = DevServerProcess(data_dir, origins)
    yield server
    server.stop()


@pytest.fixture(scope="module", params=APPS)
def app(request: pytest.FixtureRequest, dev: DevServerProcess) -> Iterator[AppProcess]:
    name: str = request.param
    served = AppProcess(name, PORTS[name], dev)
    yield served
    served.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    fresh = browser.new_context(viewport={"width": 1000, "height": 640})
    yield fresh
    fresh.close()


def sign_in(context: BrowserContext, app: AppProcess, dev: DevServerProcess, user: str) -> Page:
    """Open ``/dashboard`` signed out, get sent to sign-in, pick ``user``, land back on it."""
    page = context.new_page()
    page.goto(f"{app.url}/dashboard")
    assert page.url.startswith(f"{dev.url}/sign-in?"), page.url
    page.click(f'form:has(input[name="user_id"][value="{user}"]) button[type="submit"]')
    page.wait_for_url(f"{app.url}/dashboard")
    return page


def session_token(context: BrowserContext, dev: DevServerProcess) -> str:
    cookies = {c["name"]: c["value"] for c in context.cookies(dev.url)}
    assert cookies.get("__session"), "signing in set no __session cookie"
    return cookies["__session"]


def test_anonymous_dashboard_goes_through_sign_in_and_back(
    app: AppProcess, dev: DevServerProcess, context: BrowserContext
) -> None:
    page = sign_in(context, app, dev, MEMBER)
    header = page.inner_text("header")
    assert f"Signed in as {MEMBER}" in header
    assert "org_acme (org:member)" in header
    assert page.inner_text("main").count(MEMBER) == 1
    keep_fresh = page.locator(f'script[src="{dev.url}/authguard-dev.js"]')
    assert keep_fresh.count() == 1
    if app.url.endswith(f":{PORTS['fastapi']}"):
        shot = page.screenshot(path=str(SCREENSHOT) if UPDATE_SCREENSHOT else None)
        assert shot.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("user", "path", "status"),
    [
        (MEMBER, "/admin", 403),
        (ADMIN, "/admin", 200),
        (MEMBER, "/orgs/org_acme", 200),
        (MEMBER, "/orgs/org_globex", 403),
        (ADMIN, "/orgs/org_globex", 403),
    ],
)
def test_pages_by_role_and_org(
    app: AppProcess,
    dev: DevServerProcess,
    context: BrowserContext,
    user: str,
    path: str,
    status: int,
) -> None:
    page = sign_in(context, app, dev, user)
    response = page.goto(f"{app.url}{path}")
    assert response is not None
    assert response.status == status
    assert response.url == f"{app.url}{path}"  # answered, not redirected


def test_sign_out_returns_signed_out(
    app: AppProcess, dev: DevServerProcess, context: BrowserContext
) -> None:
    page = sign_in(context, app, dev, MEMBER)
    page.click("header >> text=Sign out")
    page.wait_for_url(f"{app.url}/")
    assert "Signed out" in page.inner_text("header")
    page.goto(f"{app.url}/dashboard")
    assert page.url.startswith(f"{dev.url}/sign-in?")


@pytest.mark.parametrize(
    ("user", "path", "status"),
    [
        (None, "/api/me", 401),
        (MEMBER, "/api/me", 200),
        (MEMBER, "/api/admin/stats", 403),
        (ADMIN, "/api/admin/stats", 200),
    ],
)
def test_api_with_bearer_token(
    app: AppProcess,
    dev: DevServerProcess,
    context: BrowserContext,
    user: str | None,
    path: str,
    status: int,
) -> None:
    headers = {"Accept": "application/json"}
    if user is not None:
        sign_in(context, app, dev, user)
        headers["Authorization"] = f"Bearer {session_token(context, dev)}"
    response = httpx.get(f"{app.url}{path}", headers=headers)
    assert response.status_code == status
    if user is not None and status == 200:
        assert headers["Authorization"].split()[1] not in response.text
    if path == "/api/me" and status == 200:
        body = response.json()
        assert body["user_id"] == user
        assert body["org_id"] == "org_acme"
        assert body["org_role"] == "org:member"
        assert body["session_id"].startswith("sess_")
