"""request.user / request.auser(), USER mapping, login_required and LoginRequiredMiddleware."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.test import AsyncClient, Client, override_settings
from djt_settings import AUTHGUARD, MIDDLEWARE, SIGN_IN
from djt_tokens import bearer

from authguard.auth import Auth
from authguard.django import TokenUser

LOGIN_REQUIRED_MW = "django.contrib.auth.middleware.LoginRequiredMiddleware"


def _async_get(path: str, headers: dict[str, str]) -> Any:
    async def call() -> Any:
        return await AsyncClient().get(path, headers=headers)

    return async_to_sync(call)()


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (None, {"username": "", "is_authenticated": False, "user_class": "AnonymousUser"}),
        ("user", {"username": "user_plain", "is_authenticated": True, "user_class": "TokenUser"}),
    ],
)
def test_request_user(token: str | None, expected: dict[str, Any]) -> None:
    body = Client().get("/whoami", headers=bearer(token)).json()
    assert {k: body[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("token", "username", "user_class"),
    [(None, "", "AnonymousUser"), ("user", "user_plain", "TokenUser")],
)
def test_async_auser(token: str | None, username: str, user_class: str) -> None:
    body = _async_get("/async-whoami", bearer(token)).json()
    assert (body["username"], body["user_class"]) == (username, user_class)


def test_token_user_shape() -> None:
    from djt_settings import KEY

    from authguard.guard import Guard
    from authguard.request import RequestInfo
    from authguard.settings import Settings
    from authguard.testing import mint_session_token

    guard = Guard(Settings(jwt_key=KEY.public_pem()))
    token = mint_session_token(KEY, user_id="user_9")
    info = RequestInfo("GET", "/", "http://x/", {"authorization": f"Bearer {token}"})
    user = TokenUser(guard.authenticate(info).auth)
    assert (user.pk, user.id, user.get_username(), str(user)) == ("user_9",) * 4
    assert user.is_authenticated
    assert not user.is_anonymous
    assert user.is_active
    assert not user.is_staff
    assert not user.has_perm("auth.view_user")
    assert user == TokenUser(user.auth)
    assert hash(user) == hash("user_9")
    with pytest.raises(NotImplementedError):
        user.save()


def map_user(auth: Auth) -> Any:
    user, _ = User.objects.get_or_create(username=f"clerk-{auth.user_id}")
    return user


@pytest.mark.django_db
def test_user_setting_maps_auth_to_a_model() -> None:
    with override_settings(AUTHGUARD={**AUTHGUARD, "USER": f"{__name__}.map_user"}):
        body = Client().get("/whoami", headers=bearer("user")).json()
    assert (body["username"], body["user_class"]) == ("clerk-user_plain", "User")


@pytest.mark.django_db
def test_session_user_is_kept_over_token() -> None:
    client = Client()
    client.force_login(User.objects.create_user("bob"))
    body = client.get("/whoami", headers=bearer("user")).json()
    assert (body["username"], body["user_id"]) == ("bob", "user_plain")


@pytest.mark.parametrize(("token", "status"), [(None, 302), ("user", 200)])
def test_login_required_decorator(token: str | None, status: int) -> None:
    response = Client().get("/login-required", headers=bearer(token))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(f"{SIGN_IN}?next=")


@pytest.mark.parametrize(("token", "status"), [(None, 302), ("user", 200)])
def test_login_required_middleware(token: str | None, status: int) -> None:
    with override_settings(MIDDLEWARE=[*MIDDLEWARE, LOGIN_REQUIRED_MW]):
        response = Client().get("/whoami", headers=bearer(token))
    assert response.status_code == status
