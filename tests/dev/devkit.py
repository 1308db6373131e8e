"""Helpers shared by the dev server tests (imported by the test modules and the conftest)."""

from __future__ import annotations

import re

import httpx

APP = "http://localhost:8000"


class FakeClock:
    """A clock the tests move by hand (no sleeping)."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def form_token(http: httpx.Client, path: str = "/sign-in") -> str:
    page = http.get(path)
    match = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert match is not None, "the page has no form token"
    return match.group(1)


def sign_in(
    http: httpx.Client, user_id: str, redirect_url: str = f"{APP}/dashboard"
) -> httpx.Response:
    data = {"user_id": user_id, "redirect_url": redirect_url, "form_token": form_token(http)}
    return http.post("/sign-in", data=data)


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """Set-Cookie header values by cookie name."""
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}
