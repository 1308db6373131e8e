"""has(): every rule of SPEC §5, table-driven."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Any

import pytest

from authguard.auth import Auth
from authguard.claims import SessionClaims

BASE = SessionClaims(
    user_id="user_1",
    session_id="sess_1",
    session_status="active",
    org_id="org_1",
    org_role="org:admin",
    org_slug="acme",
    org_permissions=("org:memberships:read", "org:memberships:manage", "org:impersonation:read"),
    features=("o:sso", "u:ai_chat", "ou:exports"),
    plans=("u:pro", "o:business"),
    factor_verification_age=(5, 5),
    actor=None,
    claims=MappingProxyType({"sub": "user_1"}),
    token="tok",
    expires_at=2e9,
    not_before=None,
)


def auth(**changes: Any) -> Auth:
    return Auth.signed_in(dataclasses.replace(BASE, **changes))


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, False),  # nothing asked
        ({"role": "admin"}, True),
        ({"role": "org:admin"}, True),
        ({"role": "org:org:admin"}, True),
        ({"role": "Admin"}, False),  # byte-exact: no case folding
        ({"role": "org:ADMIN"}, False),
        ({"role": " admin"}, False),  # no trimming
        ({"role": "аdmin"}, False),  # Cyrillic а look-alike
        ({"role": "member"}, False),
        ({"role": "org:"}, False),
        ({"role": ""}, False),
        ({"role": 1}, False),
        ({"role": ["admin"]}, False),
        ({"permission": "org:memberships:read"}, True),
        ({"permission": "memberships:read"}, True),
        ({"permission": "org:memberships:Read"}, False),
        ({"permission": "org:billing:read"}, False),
        ({"permission": "org:sys_memberships:manage"}, False),
        ({"permission": "sys_profile:manage"}, False),
        ({"permission": ""}, False),
        ({"permission": None, "role": "admin"}, True),
        ({"permission": b"org:memberships:read"}, False),
        ({"role": "admin", "permission": "org:memberships:read"}, True),
        ({"role": "admin", "permission": "org:billing:read"}, False),  # AND, not OR
        ({"role": "member", "permission": "org:memberships:read"}, False),
        ({"role": "admin", "feature": "nope"}, False),
        ({"role": "admin", "feature": "sso", "plan": "pro"}, True),
    ],
)
def test_org_dimension_and_and_semantics(kwargs: dict[str, Any], expected: bool) -> None:
    assert auth().has(**kwargs) is expected


@pytest.mark.parametrize(
    ("changes", "kwargs"),
    [
        ({"org_id": None}, {"role": "admin"}),
        ({"org_id": None}, {"permission": "org:memberships:read"}),
        ({"org_role": None}, {"role": "admin"}),
        ({"org_role": ""}, {"role": "org:"}),
        ({"user_id": ""}, {"feature": "sso"}),
    ],
)
def test_no_active_org_or_user_fails(changes: dict[str, Any], kwargs: dict[str, Any]) -> None:
    assert auth(**changes).has(**kwargs) is False


def test_org_role_normalised_on_token_side() -> None:
    assert auth(org_role="org:org:admin").has(role="admin") is True
    assert auth(org_role="admin").has(role="org:admin") is True


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"feature": "sso"}, True),
        ({"feature": "o:sso"}, True),
        ({"feature": "org:sso"}, True),
        ({"feature": "organization:sso"}, True),
        ({"feature": "u:sso"}, False),
        ({"feature": "user:ai_chat"}, True),
        ({"feature": "u:ai_chat"}, True),
        ({"feature": "o:ai_chat"}, False),
        ({"feature": "ai_chat"}, True),
        ({"feature": "o:exports"}, True),
        ({"feature": "u:exports"}, True),
        ({"feature": "x:sso"}, False),  # unknown scope
        ({"feature": "SSO"}, False),
        ({"feature": "o:"}, False),
        ({"feature": ":sso"}, False),
        ({"feature": ""}, False),
        ({"feature": 3}, False),
        ({"feature": "o:sso:extra"}, True),  # only the first two parts count
        ({"plan": "pro"}, True),
        ({"plan": "u:pro"}, True),
        ({"plan": "o:pro"}, False),
        ({"plan": "org:business"}, True),
        ({"plan": "enterprise"}, False),
        ({"plan": "sso"}, False),  # features are not plans
        ({"feature": "sso", "plan": "enterprise"}, False),
    ],
)
def test_billing_dimension(kwargs: dict[str, Any], expected: bool) -> None:
    assert auth().has(**kwargs) is expected


def test_billing_needs_entries() -> None:
    assert auth(features=(), plans=()).has(feature="sso") is False
    assert auth(features=("sso",)).has(feature="sso") is False  # unscoped entries are ignored


LEVELS_10 = {"level": "second_factor", "after_minutes": 10}


@pytest.mark.parametrize(
    ("fva", "config", "expected"),
    [
        # strict_mfa = 10 min multi_factor
        ((5, 5), "strict_mfa", True),
        ((5, -1), "strict_mfa", True),  # no second factor enabled: first is enough
        ((-1, 5), "strict_mfa", False),  # first factor missing always fails
        ((5, 10), "strict_mfa", False),  # after_minutes > age is strict
        ((10, 5), "strict_mfa", False),
        ((-1, -1), "strict_mfa", False),
        # strict = 10 min second_factor
        ((5, 5), "strict", True),
        ((50, 5), "strict", True),
        ((5, 50), "strict", False),
        ((5, -1), "strict", True),
        ((50, -1), "strict", False),
        ((-1, -1), "strict", False),
        ((9, 10), "strict", False),
        # moderate = 60, lax = 1440
        ((59, 59), "moderate", True),
        ((60, 60), "moderate", False),
        ((1439, -1), "lax", True),
        ((1440, -1), "lax", False),
        ((0, 1439), "lax", True),
        # custom configs
        ((5, 50), {"level": "first_factor", "after_minutes": 10}, True),
        ((-1, 5), {"level": "first_factor", "after_minutes": 10}, False),
        ((5, 5), LEVELS_10, True),
        ((5, 5), {"level": "second_factor", "afterMinutes": 10}, True),
        ((5, 5), {"level": "multi_factor", "afterMinutes": 6}, True),
        ((5, 6), {"level": "multi_factor", "afterMinutes": 6}, False),
        # malformed configs
        ((5, 5), "strictest", False),
        ((5, 5), "", False),
        ((5, 5), 10, False),
        ((5, 5), {"level": "second_factor"}, False),
        ((5, 5), {"level": "second_factor", "after_minutes": 0}, False),
        ((5, 5), {"level": "second_factor", "after_minutes": -5}, False),
        ((5, 5), {"level": "second_factor", "after_minutes": True}, False),
        ((5, 5), {"level": "second_factor", "after_minutes": 10.0}, False),
        ((5, 5), {"level": "second_factor", "after_minutes": "10"}, False),
        ((5, 5), {"level": "third_factor", "after_minutes": 10}, False),
        ((5, 5), {"after_minutes": 10}, False),
        ((5, 5), {"level": "second_factor", "after_minutes": 10, "afterMinutes": 10}, False),
        ((5, 5), {"level": "second_factor", "after_minutes": 10, "extra": 1}, False),
        # malformed fva
        (None, "lax", False),
        ((5,), "lax", False),
        ((5, 5, 5), "lax", False),
        ((-2, 5), "lax", False),
        ((5, True), "lax", False),
        ((5.0, 5), "lax", False),
        (("5", 5), "lax", False),
        ([5, 5], "lax", False),
    ],
)
def test_reverification(fva: Any, config: Any, expected: bool) -> None:
    assert auth(factor_verification_age=fva).has(reverification=config) is expected


def test_reverification_and_role_combined() -> None:
    assert auth().has(role="admin", reverification="strict") is True
    assert auth().has(role="member", reverification="strict") is False
    assert (
        auth(factor_verification_age=(99, 99)).has(role="admin", reverification="strict") is False
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"role": "admin"},
        {"permission": "org:memberships:read"},
        {"feature": "sso"},
        {"reverification": "lax"},
    ],
)
def test_signed_out_and_pending_always_false(kwargs: dict[str, Any]) -> None:
    assert Auth.signed_out("session-token-and-uat-missing").has(**kwargs) is False
    assert Auth.signed_out("session-pending", session_status="pending").has(**kwargs) is False
    assert auth(session_status="pending").has(**kwargs) is False
