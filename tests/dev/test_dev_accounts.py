from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from devkit import APP, form_token, set_cookies, sign_in

from authguard.dev import DevServer
from authguard.dev.pages import BANNER

SESSION_COOKIES = ("__session", "__client_uat", "__dev_client")


@pytest.mark.parametrize("path", ["/", "/sign-in", "/sign-up", "/sign-in?redirect_url=x"])
def test_every_page_says_it_is_a_development_instance(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert BANNER in response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "<script" not in response.text
    assert "<link" not in response.text


def test_landing_page_shows_variables_but_not_the_secret(
    server: DevServer, client: httpx.Client
) -> None:
    assert server.context is not None
    page = client.get("/").text
    assert server.context.publishable_key in page
    assert f"{server.url}/sign-in" in page
    assert server.context.instance.secret_key not in page


def test_sign_in_page_lists_the_seeded_users(client: httpx.Client) -> None:
    page = client.get("/sign-in").text
    for email in ("admin@example.com", "member@example.com", "solo@example.com",
                  "pending@example.com", "other@example.com"):  # fmt: skip
        assert email in page
    assert "org:admin in Acme" in page
    assert "org:admin in Globex" in page


def test_sign_in_sets_the_cookies(server: DevServer, client: httpx.Client) -> None:
    assert server.context is not None
    response = sign_in(client, "user_admin")
    assert response.status_code == 303
    cookies = set_cookies(response)
    suffix = server.context.cookie_suffix
    assert {*SESSION_COOKIES, f"__session_{suffix}", f"__client_uat_{suffix}"} <= cookies.keys()
    for name in ("__session", "__client_uat"):
        assert "Path=/" in cookies[name]
        assert "SameSite=Lax" in cookies[name]
        assert "HttpOnly" not in cookies[name]
        assert "Domain" not in cookies[name]
    assert "HttpOnly" in cookies["__dev_client"]
    assert cookies["__clerk_db_jwt"].startswith("__clerk_db_jwt=dvb_")
    assert "__clerk_db_jwt" not in set_cookies(sign_in(client, "user_member"))


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ({"user_id": "user_admin", "form_token": "forged"}, 403),
        ({"user_id": "user_admin"}, 403),
        ({"user_id": "user_nobody", "form_token": "{token}"}, 400),
    ],
)
def test_sign_in_refuses_forged_forms_and_unknown_users(
    client: httpx.Client, form: dict[str, str], status: int
) -> None:
    token = form_token(client)
    data = {name: value.format(token=token) for name, value in form.items()}
    response = client.post("/sign-in", data=data)
    assert response.status_code == status
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sign_out_clears_cookies_and_revokes_the_session(client: httpx.Client, method: str) -> None:
    sign_in(client, "user_member")
    revoked_client = client.cookies.get("__dev_client")
    assert revoked_client
    assert client.post("/v1/client/refresh").status_code == 200
    response = client.request(method, "/sign-out", params={"redirect_url": f"{APP}/"})
    assert response.status_code == 303
    assert response.headers["location"] == f"{APP}/"
    cookies = set_cookies(response)
    for name in SESSION_COOKIES:
        assert "Max-Age=0" in cookies[name]
    assert client.cookies.get("__session") is None
    client.cookies.set("__dev_client", revoked_client)
    assert client.post("/v1/client/refresh").status_code == 401


def test_sign_up_creates_a_persisted_user_and_signs_in(
    start_server: Callable[..., DevServer],
) -> None:
    server = start_server()
    with httpx.Client(base_url=server.url) as http:
        data = {"email": "New@Example.com", "first_name": "Nia", "form_token":
                form_token(http, "/sign-up"), "redirect_url": f"{APP}/welcome"}  # fmt: skip
        response = http.post("/sign-up", data=data)
        assert response.status_code == 303
        assert response.headers["location"] == f"{APP}/welcome"
        assert http.cookies.get("__session")
        again = http.post("/sign-up", data=data)
        assert again.status_code == 400
        assert "already exists" in again.text
    server.stop()
    restarted = start_server()
    with httpx.Client(base_url=restarted.url) as http:
        assert "new@example.com" in http.get("/sign-in").text


@pytest.mark.parametrize("email", ["", "nobody", "a@b", "<x>@example.com", "a@@example.com"])
def test_sign_up_refuses_bad_emails(client: httpx.Client, email: str) -> None:
    data = {"email": email, "first_name": "X", "form_token": form_token(client, "/sign-up")}
    response = client.post("/sign-up", data=data)
    assert response.status_code == 400
    assert "set-cookie" not in response.headers
