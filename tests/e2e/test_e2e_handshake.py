"""The handshake (SPEC §12) in a real browser: the dev server on ``127.0.0.1``, each example app
on ``localhost``, so they share no cookie and the app gets its session only through the
handshake. The apps run without the dev server's keep-fresh script: no JavaScript of ours.

The dev server runs in this process with a clock the tests shift: a token minted an hour "ago"
stands for a browser that kept its cookie past the token's lifetime, without any sleeping.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from e2ekit import CHROMIUM, CHROMIUM_ARGS, Process, child_env, free_port, require_chromium
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Request,
    sync_playwright,
)

from authguard.dev import DevConfig, DevServer

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

APPS = ("fastapi", "django", "flask")
PORTS = {app: free_port() for app in APPS}
BROKEN_PORTS = {app: free_port() for app in APPS}
MEMBER = "user_member"
HANDSHAKE_PATH = "/v1/client/handshake"
HOUR = 3600


class ShiftClock:
    """The real clock plus an offset the tests set (negative: the dev server lives in the past)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


class App(Process):
    """``python -m example_apps.serve`` on ``localhost:<port>``, configured with ``env``."""

    def __init__(self, name: str, port: int, env: dict[str, str]) -> None:
        env = dict(env, AUTHGUARD_APP_ORIGIN=f"http://localhost:{port}")
        args = [sys.executable, "-m", "example_apps.serve", "--app", name, "--port", str(port)]
        super().__init__(args, child_env(env))
        self.expect(lambda text: text.startswith("listening on "))
        self.url = f"http://localhost:{port}"


@pytest.fixture(scope="module")
def clock() -> ShiftClock:
    return ShiftClock()


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory, clock: ShiftClock) -> Iterator[DevServer]:
    data_dir: Path = tmp_path_factory.mktemp("authguard-dev")
    ports = [*PORTS.values(), *BROKEN_PORTS.values()]
    origins = tuple(f"http://localhost:{port}" for port in ports)
    server = DevServer(DevConfig(host="127.0.0.1", port=0, data_dir=data_dir,
                                 app_origins=origins), clock=clock)  # fmt: skip
    server.start()
    yield server
    server.stop()


def environment(dev: DevServer) -> dict[str, str]:
    assert dev.context is not None
    return dev.context.environment()


@pytest.fixture(scope="module", params=APPS)
def app(request: pytest.FixtureRequest, dev: DevServer) -> Iterator[App]:
    served = App(request.param, PORTS[request.param], environment(dev))
    yield served
    served.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Handshakes:
    """Every request the browser makes to the Frontend API's handshake endpoint."""

    def __init__(self, context: BrowserContext) -> None:
        self.reasons: list[str] = []
        context.on("request", self._seen)

    def _seen(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.path == HANDSHAKE_PATH:
            self.reasons.append(parse_qs(parts.query).get("__clerk_hs_reason", [""])[0])


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    fresh = browser.new_context(viewport={"width": 1000, "height": 640})
    yield fresh
    fresh.close()


@pytest.fixture
def handshakes(context: BrowserContext) -> Handshakes:
    return Handshakes(context)


def pick_user(page: Page) -> None:
    page.click(f'form:has(input[name="user_id"][value="{MEMBER}"]) button[type="submit"]')


def sign_in(context: BrowserContext, app: App, dev: DevServer) -> Page:
    """Open ``/dashboard`` signed out, sign in on the dev server, land back on it."""
    page = context.new_page()
    page.goto(f"{app.url}/dashboard")
    assert page.url.startswith(f"{dev.url}/sign-in?"), page.url
    pick_user(page)
    page.wait_for_url(f"{app.url}/dashboard")
    return page


def signed_in_an_hour_ago(
    context: BrowserContext, app: App, dev: DevServer, clock: ShiftClock
) -> Page:
    """Sign in on the dev server an hour in the past, then (in the present) follow the link
    back to the app that the dev server hands out after a sign-in (``?__clerk_db_jwt=``)."""
    page = context.new_page()
    clock.offset = -HOUR
    try:
        page.goto(f"{dev.url}/sign-in?{urlencode({'redirect_url': f'{dev.url}/'})}")
        pick_user(page)
        page.wait_for_url(f"{dev.url}/")
    finally:
        clock.offset = 0
    browser_token = cookies_of(context, dev.url)["__clerk_db_jwt"]
    page.goto(f"{app.url}/dashboard?{urlencode({'__clerk_db_jwt': browser_token})}")
    assert page.url == f"{app.url}/dashboard"
    return page


def cookies_of(context: BrowserContext, url: str) -> dict[str, str]:
    return {c["name"]: c["value"] for c in context.cookies(url)}


def expired_token(dev: DevServer, clock: ShiftClock, context: BrowserContext, app: App) -> str:
    """A token of the browser's session minted an hour ago (what a tab left open would hold)."""
    params = {"redirect_url": f"{app.url}/", "format": "nonce", "suffixed_cookies": "false",
              "__clerk_db_jwt": cookies_of(context, app.url)["__clerk_db_jwt"]}  # fmt: skip
    secret = environment(dev)["CLERK_SECRET_KEY"]
    clock.offset = -HOUR  # the nonce is taken in the past too, within its lifetime
    try:
        answer = httpx.get(f"{dev.url}{HANDSHAKE_PATH}", params=params)
        nonce = parse_qs(urlsplit(answer.headers["location"]).query)["__clerk_handshake_nonce"][0]
        payload = httpx.get(f"{dev.url}/v1/clients/handshake_payload", params={"nonce": nonce},
                            headers={"Authorization": f"Bearer {secret}"})  # fmt: skip
    finally:
        clock.offset = 0
    session = [d for d in payload.json()["directives"] if d.startswith("__session=")]
    return session[0].split(";", 1)[0].split("=", 1)[1]


def keep_cookie(context: BrowserContext, app: App, token: str) -> None:
    context.add_cookies([{"name": "__session", "value": token, "url": app.url}])


def test_sign_in_on_the_dev_server_lands_signed_in_through_a_handshake(
    app: App, dev: DevServer, context: BrowserContext, handshakes: Handshakes
) -> None:
    page = sign_in(context, app, dev)
    assert f"Signed in as {MEMBER}" in page.inner_text("header")
    assert handshakes.reasons == ["dev-browser-sync"]
    assert "<script" not in page.content()
    on_app, on_dev = cookies_of(context, app.url), cookies_of(context, dev.url)
    assert {"__session", "__client_uat", "__clerk_db_jwt"} <= on_app.keys()
    assert "__dev_client" in on_dev
    assert "__dev_client" not in on_app  # different hosts: nothing shared


def test_an_expired_cookie_is_refreshed_by_an_invisible_handshake(
    app: App, dev: DevServer, clock: ShiftClock, context: BrowserContext, handshakes: Handshakes
) -> None:
    page = signed_in_an_hour_ago(context, app, dev, clock)
    stale = expired_token(dev, clock, context, app)
    keep_cookie(context, app, stale)
    page.goto(f"{app.url}/dashboard?tab=1")
    assert page.url == f"{app.url}/dashboard?tab=1"  # no handshake parameter left behind
    assert f"Signed in as {MEMBER}" in page.inner_text("header")
    assert handshakes.reasons[1:] == [
        "session-token-expired-refresh-non-eligible-no-refresh-cookie"
    ]
    fresh = cookies_of(context, app.url)["__session"]
    assert fresh != stale
    page.goto(f"{app.url}/dashboard")
    assert len(handshakes.reasons) == 2  # a fresh token needs no handshake


def test_sign_out_on_the_dev_server_returns_signed_out(
    app: App, dev: DevServer, context: BrowserContext, handshakes: Handshakes
) -> None:
    page = sign_in(context, app, dev)
    page.click("header >> text=Sign out")
    page.wait_for_url(f"{app.url}/**")
    assert page.url == f"{app.url}/"
    assert "Signed out" in page.inner_text("header")
    assert handshakes.reasons == ["dev-browser-sync", "dev-browser-sync"]
    on_app = cookies_of(context, app.url)
    assert "__session" not in on_app
    assert on_app["__client_uat"] == "0"
    page.goto(f"{app.url}/dashboard")
    assert page.url.startswith(f"{dev.url}/sign-in?")


def test_after_a_sign_out_elsewhere_the_next_refresh_is_signed_out(
    app: App, dev: DevServer, clock: ShiftClock, context: BrowserContext, handshakes: Handshakes
) -> None:
    page = signed_in_an_hour_ago(context, app, dev, clock)
    stale = expired_token(dev, clock, context, app)
    other_tab = context.new_page()
    other_tab.goto(f"{dev.url}/sign-out")  # no way back to the app: it learns on its next refresh
    keep_cookie(context, app, stale)
    page.goto(f"{app.url}/dashboard")
    assert page.url.startswith(f"{dev.url}/sign-in?")
    assert len(handshakes.reasons) == 2
    assert cookies_of(context, app.url)["__client_uat"] == "0"


def test_an_api_fetch_with_an_expired_cookie_gets_401_not_a_redirect(
    app: App, dev: DevServer, clock: ShiftClock, context: BrowserContext, handshakes: Handshakes
) -> None:
    page = signed_in_an_hour_ago(context, app, dev, clock)
    keep_cookie(context, app, expired_token(dev, clock, context, app))
    result = page.evaluate(
        """async () => {
            const r = await fetch("/api/me", {redirect: "manual"});
            return [r.status, r.type, r.redirected];
        }"""
    )
    assert result == [401, "basic", False]
    assert len(handshakes.reasons) == 1  # only the sign-in's


@pytest.fixture(params=APPS)
def broken_app(request: pytest.FixtureRequest, dev: DevServer) -> Iterator[App]:
    """An app with another instance's secret key, so every nonce exchange is refused."""
    env = dict(environment(dev), CLERK_SECRET_KEY="sk_test_" + "x" * 43)
    served = App(request.param, BROKEN_PORTS[request.param], env)
    yield served
    served.stop()


def test_wrong_secret_key_on_a_development_instance_stops_at_once(
    broken_app: App, dev: DevServer, context: BrowserContext, handshakes: Handshakes
) -> None:
    page = context.new_page()
    page.goto(f"{broken_app.url}/dashboard")
    pick_user(page)
    page.wait_for_url(f"{dev.url}/sign-in?**")  # back to sign-in: the app stayed signed out
    assert handshakes.reasons == ["dev-browser-sync"]
    assert "__session" not in cookies_of(context, broken_app.url)
    broken_app.expect(lambda line: "the handshake could not be resolved" in line)


def test_wrong_secret_key_on_a_production_instance_stops_at_the_loop_guard(
    dev: DevServer, context: BrowserContext, handshakes: Handshakes
) -> None:
    env = environment(dev)
    live = env["CLERK_PUBLISHABLE_KEY"].replace("pk_test_", "pk_live_")
    env |= {"CLERK_PUBLISHABLE_KEY": live, "CLERK_SECRET_KEY": "sk_live_" + "x" * 43}
    served = App("fastapi", BROKEN_PORTS["fastapi"], env)
    try:
        # What Clerk's Frontend API leaves on a production app's domain after a sign-in.
        uat = {"name": "__client_uat", "value": str(int(time.time())), "url": served.url}
        context.add_cookies([uat])
        page = context.new_page()
        page.goto(f"{served.url}/")
        assert urlsplit(page.url).netloc == urlsplit(served.url).netloc
        assert "Signed out" in page.inner_text("header")
        assert handshakes.reasons == ["client-uat-but-no-session-token"] * 3
        served.expect(lambda line: "handshake loop stopped after 3 redirects" in line)
    finally:
        served.stop()
