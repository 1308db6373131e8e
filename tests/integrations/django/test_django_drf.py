"""DRF: AuthGuardAuthentication and the permission classes, next to SessionAuthentication."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from djt_settings import AUTHGUARD, PUBLISHABLE_KEY
from djt_tokens import TOKENS, bearer

from authguard.testing import session_cookies

CHALLENGE = 'Bearer realm="authguard"'

# (path, token, status)
CASES = [
    ("/drf/signed-in", None, 401),
    ("/drf/signed-in", "forged", 401),
    ("/drf/signed-in", "user", 200),
    ("/drf/admin", None, 401),
    ("/drf/admin", "member", 403),
    ("/drf/admin", "admin", 200),
    ("/drf/perm", "member", 403),
    ("/drf/perm", "admin", 200),
]


@pytest.mark.parametrize(("path", "token", "status"), CASES)
def test_drf_answers(path: str, token: str | None, status: int) -> None:
    response = Client().get(path, headers=bearer(token))
    assert response.status_code == status, response.content
    if status == 401:
        assert response["WWW-Authenticate"] == CHALLENGE
    if status == 200:
        assert response.json()["user_id"].startswith("user_")


def test_drf_request_user_is_the_token_user() -> None:
    response = Client().get("/drf/signed-in", headers=bearer("user"))
    assert response.json() == {"user_id": "user_plain", "user": "user_plain"}


@pytest.mark.django_db
def test_session_authentication_still_works() -> None:
    client = Client()
    client.force_login(User.objects.create_user("alice"))
    assert client.get("/drf/session").json() == {"user": "alice"}
    # ...and the Django session user is request.user for plain views too
    assert client.get("/whoami").json()["username"] == "alice"


def test_no_credentials_is_401_with_challenge_for_session_views() -> None:
    response = Client().get("/drf/session")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == CHALLENGE


def _cookie_client() -> Client:
    client = Client(enforce_csrf_checks=True)
    for name, value in session_cookies(TOKENS["user"](), publishable_key=PUBLISHABLE_KEY).items():
        client.cookies[name] = value
    return client


def test_cookie_token_post_needs_csrf_token() -> None:
    response = _cookie_client().post("/drf/signed-in")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_cookie_token_post_with_csrf_token_passes() -> None:
    client = _cookie_client()
    client.cookies["csrftoken"] = "a" * 32
    response = client.post("/drf/signed-in", headers={"x-csrftoken": "a" * 32})
    assert response.status_code == 200
    assert response.json() == {"user_id": "user_plain"}


def test_bearer_token_post_needs_no_csrf_token() -> None:
    response = Client(enforce_csrf_checks=True).post("/drf/signed-in", headers=bearer("user"))
    assert response.status_code == 200


def test_unreachable_key_set_is_503_with_retry_after() -> None:
    config = {**AUTHGUARD, "JWT_KEY": None, "JWKS_URL": "http://127.0.0.1:9/jwks"}
    with override_settings(AUTHGUARD={**config, "HTTP_TIMEOUT": 1}):
        response = Client().get("/drf/signed-in", headers=bearer("user"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
