"""Auth object (SPEC §4), protect() (§6) and the redirect helpers."""

from __future__ import annotations

import dataclasses
import json
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from authguard.auth import Auth, AuthContext
from authguard.claims import SessionClaims
from authguard.decisions import Navigator
from authguard.exceptions import KeySetUnavailable, SignInRedirect, Unauthenticated, Unauthorized
from authguard.request import RequestInfo
from authguard.settings import Settings

PK = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJl"
SESSION = SessionClaims(
    user_id="user_1",
    session_id="sess_1",
    session_status="active",
    org_id="org_1",
    org_role="org:admin",
    org_slug="acme",
    org_permissions=("org:memberships:read",),
    features=("o:sso",),
    plans=("u:pro",),
    factor_verification_age=(5, -1),
    actor={"sub": "user_admin"},
    claims=MappingProxyType({"sub": "user_1", "secret_claim": "s3cr3t"}),
    token=TOKEN,
    expires_at=2e9,
    not_before=None,
)
IDENTITY = ("user_id", "session_id", "org_id", "org_role", "org_slug", "actor", "token")


def signed_in(**changes: Any) -> Auth:
    return Auth.signed_in(dataclasses.replace(SESSION, **changes))


def test_signed_in_attributes_delegate_to_claims() -> None:
    a = signed_in()
    assert (a.user_id, a.session_id, a.session_status) == ("user_1", "sess_1", "active")
    assert (a.org_id, a.org_role, a.org_slug) == ("org_1", "org:admin", "acme")
    assert a.org_permissions == ("org:memberships:read",)
    assert (a.features, a.plans) == (("o:sso",), ("u:pro",))
    assert a.factor_verification_age == (5, -1)
    assert a.token == TOKEN
    assert a.token_type == "session_token"
    assert a.claims["sub"] == "user_1"
    assert a.reason is None
    assert a.is_signed_in


def test_signed_out_attributes_are_empty() -> None:
    a = Auth.signed_out("token-expired", message="expired")
    assert all(getattr(a, name) is None for name in IDENTITY)
    assert (a.org_permissions, a.features, a.plans) == ((), (), ())
    assert dict(a.claims) == {}
    assert a.token_type is None
    assert a.scopes == []
    assert (a.reason, a.message, a.is_signed_in) == ("token-expired", "expired", False)
    with pytest.raises(TypeError):
        a.claims["x"] = 1  # type: ignore[index]


def test_signed_out_pending_keeps_status() -> None:
    a = Auth.signed_out("session-pending", session_status="pending")
    assert a.session_status == "pending"
    assert not a.is_signed_in
    assert a.user_id is None


@pytest.mark.parametrize("name", ["user_id", "token", "_session", "reason", "new_attr"])
def test_immutable(name: str) -> None:
    a = signed_in()
    with pytest.raises(AttributeError):
        setattr(a, name, "x")
    with pytest.raises(AttributeError):
        delattr(a, name)
    assert a.user_id == "user_1"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ["authenticated", "org:admin", "org:memberships:read"]),
        ({"org_role": None, "org_permissions": ()}, ["authenticated"]),
        ({"session_status": "pending"}, []),
    ],
)
def test_scopes(changes: dict[str, Any], expected: list[str]) -> None:
    assert signed_in(**changes).scopes == expected


def test_to_dict_and_repr_never_leak_token_or_claims() -> None:
    a = signed_in()
    data = a.to_dict()
    text = json.dumps(data)  # JSON-safe
    assert data["user_id"] == "user_1"
    assert data["factor_verification_age"] == [5, -1]
    assert data["is_signed_in"] is True
    assert data["token_type"] == "session_token"
    for forbidden in (TOKEN, "s3cr3t"):
        assert forbidden not in text
        assert forbidden not in repr(a)
    assert "token" not in data
    assert json.loads(json.dumps(Auth.signed_out(None).to_dict()))["user_id"] is None


# -- protect() ----------------------------------------------------------------------------


def test_protect_keyset_down_raises_503_error() -> None:
    a = Auth.signed_out("jwk-remote-failed-to-load")
    with pytest.raises(KeySetUnavailable) as info:
        a.protect(role="admin")
    assert info.value.auth is a


@pytest.mark.parametrize(
    "auth",
    [
        Auth.signed_out("session-token-and-uat-missing"),
        Auth.signed_out("token-expired"),
        Auth.signed_out("session-pending", session_status="pending"),
        signed_in(session_status="pending"),
    ],
)
def test_protect_unauthenticated(auth: Auth) -> None:
    with pytest.raises(Unauthenticated) as info:
        auth.protect(unauthenticated_url="/login")
    assert info.value.auth is auth
    assert info.value.unauthenticated_url == "/login"


def test_protect_without_requirements_returns_self_without_has() -> None:
    calls: list[int] = []

    class Spy(Auth):
        __slots__ = ()

        def has(self, *args: Any, **kwargs: Any) -> bool:
            calls.append(1)
            return False

    a = Spy(SESSION, None, None, "active", None)
    assert a.protect() is a
    assert calls == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"role": "admin"},
        {"permission": "org:memberships:read"},
        {"feature": "sso", "plan": "pro"},
        {"reverification": "strict"},
        {"predicate": lambda has: has(role="admin")},
        {"role": "admin", "predicate": lambda has: True},
    ],
)
def test_protect_passes(kwargs: dict[str, Any]) -> None:
    a = signed_in()
    assert a.protect(**kwargs) is a


@pytest.mark.parametrize(
    "kwargs",
    [
        {"role": "member"},
        {"role": ""},
        {"permission": "org:sys_memberships:read"},
        {"role": "admin", "predicate": lambda has: False},
        {"predicate": lambda has: has(role="member")},
        {"predicate": lambda has: None},
        {"role": "member", "reverification": "strict"},  # the role failed: no metadata
        {"reverification": {"level": "nope", "after_minutes": 1}},  # malformed: no metadata
        {"reverification": "strictest"},
    ],
)
def test_protect_unauthorized_without_metadata(kwargs: dict[str, Any]) -> None:
    a = signed_in()
    with pytest.raises(Unauthorized) as info:
        a.protect(**kwargs, unauthorized_url="/nope")
    assert info.value.reverification is None
    assert info.value.unauthorized_url == "/nope"


@pytest.mark.parametrize(
    ("config", "metadata"),
    [
        ("strict", "strict"),
        ("moderate", "moderate"),
        (
            {"level": "first_factor", "after_minutes": 1},
            {"level": "first_factor", "afterMinutes": 1},
        ),
        (
            {"level": "multi_factor", "afterMinutes": 2},
            {"level": "multi_factor", "afterMinutes": 2},
        ),
    ],
)
def test_protect_reverification_metadata(config: Any, metadata: Any) -> None:
    a = signed_in(factor_verification_age=(100, 100))
    with pytest.raises(Unauthorized) as info:
        a.protect(role="admin", reverification=config)
    assert info.value.reverification == metadata


# -- redirects ----------------------------------------------------------------------------


def context(**settings: Any) -> AuthContext:
    nav = Navigator(Settings(publishable_key=PK, **settings))
    request = RequestInfo("GET", "/dash", "https://app.example.com/dash?x=1")
    return AuthContext(nav, request)


@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("redirect_to_sign_in", "https://foo-bar-13.accounts.dev/sign-in"),
        ("redirect_to_sign_up", "https://foo-bar-13.accounts.dev/sign-up"),
    ],
)
def test_redirect_helpers(method: str, target: str) -> None:
    a = Auth.signed_out(None, context=context(app_origin="https://app.example.com"))
    with pytest.raises(SignInRedirect) as info:
        getattr(a, method)()
    url = info.value.url
    assert url.startswith(target + "?")
    assert parse_qs(urlsplit(url).query)["redirect_url"] == ["https://app.example.com/dash?x=1"]
    with pytest.raises(SignInRedirect) as info:
        getattr(a, method)(return_back_url="/after")
    assert parse_qs(urlsplit(info.value.url).query)["redirect_url"] == [
        "https://app.example.com/after"
    ]


@pytest.mark.parametrize("method", ["redirect_to_sign_in", "redirect_to_sign_up"])
def test_redirect_helpers_without_context_or_url(method: str) -> None:
    with pytest.raises(Unauthenticated):
        getattr(Auth.signed_out(None), method)()
    nav = Navigator(Settings())
    ctx = AuthContext(nav, RequestInfo("GET", "/", "https://app.example.com/"))
    with pytest.raises(Unauthenticated):
        getattr(Auth.signed_out(None, context=ctx), method)()
