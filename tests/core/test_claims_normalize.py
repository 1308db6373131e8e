"""SPEC §4: v1/v2 claims normalised into SessionClaims, never merged, failing closed."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Any

import pytest

from authguard import claims as claims_module
from authguard.claims import normalize_claims

BASE: dict[str, Any] = {
    "sub": "user_1",
    "sid": "sess_1",
    "exp": 1_700_000_060,
    "nbf": 1_700_000_000,
}


def v2(o: dict[str, Any] | None = None, **claims: Any) -> dict[str, Any]:
    result: dict[str, Any] = {**BASE, "v": 2, **claims}
    if o is not None:
        result["o"] = o
    return result


PERMISSION_CASES: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    (
        "worked example",
        v2(
            {"id": "org_1", "per": "read,manage", "fpm": "1,3"}, fea="o:impersonation,o:memberships"
        ),
        ("org:impersonation:read", "org:memberships:read", "org:memberships:manage"),
    ),
    (
        "reference example",
        v2({"id": "org_1", "per": "manage,read", "fpm": "3,2"}, fea="o:dashboard,o:teams"),
        ("org:dashboard:manage", "org:dashboard:read", "org:teams:read"),
    ),
    (
        "user-scoped features are excluded from alignment",
        v2({"id": "org_1", "per": "read", "fpm": "1,1"}, fea="u:chat,o:teams,u:ai,ou:billing"),
        ("org:teams:read", "org:billing:read"),
    ),
    (
        "uo scope counts as org",
        v2({"id": "org_1", "per": "read", "fpm": "1"}, fea="uo:teams"),
        ("org:teams:read",),
    ),
    (
        "unknown scopes are ignored",
        v2({"id": "org_1", "per": "read", "fpm": "1"}, fea="x:foo,o:teams"),
        ("org:teams:read",),
    ),
    (
        "spaces are trimmed",
        v2({"id": "org_1", "per": " read , write ", "fpm": " 2 "}, fea=" o:teams "),
        ("org:teams:write",),
    ),
    (
        "mask wider than 64 bits",
        v2(
            {"id": "org_1", "per": ",".join(f"p{i}" for i in range(70)), "fpm": str(1 << 69)},
            fea="o:f",
        ),
        ("org:f:p69",),
    ),
    (
        "bits beyond per are ignored",
        v2({"id": "org_1", "per": "read", "fpm": "6"}, fea="o:f"),
        (),
    ),
    (
        "more masks than features",
        v2({"id": "org_1", "per": "read", "fpm": "1,1"}, fea="o:f"),
        ("org:f:read",),
    ),
    ("negative mask", v2({"id": "org_1", "per": "read", "fpm": "-1"}, fea="o:f"), ()),
    ("hex mask", v2({"id": "org_1", "per": "read", "fpm": "0x1"}, fea="o:f"), ()),
    ("float mask", v2({"id": "org_1", "per": "read", "fpm": "1.0"}, fea="o:f"), ()),
    ("plus-signed mask", v2({"id": "org_1", "per": "read", "fpm": "+1"}, fea="o:f"), ()),
    ("non-ascii digits", v2({"id": "org_1", "per": "read", "fpm": "١"}, fea="o:f"), ()),
    (
        "bad mask only voids its own feature",
        v2({"id": "org_1", "per": "read", "fpm": "x,1"}, fea="o:a,o:b"),
        ("org:b:read",),
    ),
    ("fpm missing", v2({"id": "org_1", "per": "read"}, fea="o:f"), ()),
    ("per missing", v2({"id": "org_1", "fpm": "1"}, fea="o:f"), ()),
    ("fea missing", v2({"id": "org_1", "per": "read", "fpm": "1"}), ()),
    ("fpm number", v2({"id": "org_1", "per": "read", "fpm": 1}, fea="o:f"), ()),
    ("feature without scope", v2({"id": "org_1", "per": "read", "fpm": "1"}, fea="teams"), ()),
    ("no org id", v2({"per": "read", "fpm": "1"}, fea="o:f"), ()),
    (
        "v1 org_permissions ignored in v2",
        v2({"id": "org_1"}, org_permissions=["org:x:y"], org_id="org_9"),
        (),
    ),
]


@pytest.mark.parametrize(
    ("payload", "expected"), [c[1:] for c in PERMISSION_CASES], ids=[c[0] for c in PERMISSION_CASES]
)
def test_v2_permissions(payload: dict[str, Any], expected: tuple[str, ...]) -> None:
    assert normalize_claims(payload, "t").org_permissions == expected


def test_v2_fields() -> None:
    payload = v2(
        {"id": "org_1", "slg": "acme", "rol": "admin"},
        fea="o:teams, u:chat,,",
        pla="u:free",
        sts="active",
        fva=[3, -1],
        act={"sub": "user_admin"},
        org_role="org:owner",
        org_slug="other",
    )
    claims = normalize_claims(payload, "the-token")
    assert (claims.user_id, claims.session_id, claims.session_status) == (
        "user_1",
        "sess_1",
        "active",
    )
    assert (claims.org_id, claims.org_slug, claims.org_role) == ("org_1", "acme", "org:admin")
    assert claims.features == ("o:teams", "u:chat")
    assert claims.plans == ("u:free",)
    assert claims.factor_verification_age == (3, -1)
    assert claims.actor == {"sub": "user_admin"}
    assert claims.token == "the-token"
    assert (claims.expires_at, claims.not_before) == (1_700_000_060.0, 1_700_000_000.0)


def test_v1_fields_ignore_compact_org() -> None:
    payload = {
        **BASE,
        "org_id": "org_1",
        "org_slug": "acme",
        "org_role": "org:admin",
        "org_permissions": ["org:teams:read"],
        "o": {"id": "org_9", "rol": "owner", "per": "read", "fpm": "1"},
        "fea": "o:teams",
    }
    claims = normalize_claims(payload, "t")
    assert (claims.org_id, claims.org_slug, claims.org_role) == ("org_1", "acme", "org:admin")
    assert claims.org_permissions == ("org:teams:read",)
    assert claims.features == ("o:teams",)


SHAPE_CASES: list[tuple[str, dict[str, Any], str, Any]] = [
    ("v2 rol empty", v2({"id": "org_1", "rol": ""}), "org_role", None),
    ("v2 rol number", v2({"id": "org_1", "rol": 1}), "org_role", None),
    ("v2 o not an object", {**v2(), "o": "org_1"}, "org_id", None),
    ("v2 o id number", v2({"id": 1, "rol": "admin"}), "org_role", None),
    ("v2 slg list", v2({"id": "org_1", "slg": ["a"]}), "org_slug", None),
    ("v2 without o has no org", v2(None, org_id="org_1"), "org_id", None),
    (
        "v1 org_permissions not a list",
        {**BASE, "org_id": "o", "org_permissions": "a"},
        "org_permissions",
        (),
    ),
    (
        "v1 org_permissions mixed",
        {**BASE, "org_id": "o", "org_permissions": ["a", 1]},
        "org_permissions",
        (),
    ),
    ("v1 role without org", {**BASE, "org_role": "org:admin"}, "org_role", None),
    ("v1 org_id number", {**BASE, "org_id": 5}, "org_id", None),
    ("v as string is v1", {**BASE, "v": "2", "o": {"id": "org_1"}}, "org_id", None),
    ("fea not a string", v2(fea=["o:a"]), "features", ()),
    ("pla number", v2(pla=1), "plans", ()),
    ("fva three items", v2(fva=[1, 2, 3]), "factor_verification_age", None),
    ("fva bools", v2(fva=[True, False]), "factor_verification_age", None),
    ("fva floats", v2(fva=[1.0, 2]), "factor_verification_age", None),
    ("fva string", v2(fva="1,2"), "factor_verification_age", None),
    ("act string", v2(act="user_x"), "actor", None),
    ("sts number", v2(sts=1), "session_status", None),
    ("sub missing", {"sid": "s", "exp": 1}, "user_id", ""),
    ("exp missing is already expired", {"sub": "u", "sid": "s"}, "expires_at", float("-inf")),
    ("exp huge saturates", {**BASE, "exp": 10**400}, "expires_at", float("inf")),
    ("nbf string", {**BASE, "nbf": "1"}, "not_before", None),
]


@pytest.mark.parametrize(
    ("payload", "field", "expected"), [c[1:] for c in SHAPE_CASES], ids=[c[0] for c in SHAPE_CASES]
)
def test_wrong_shapes_fail_closed(payload: dict[str, Any], field: str, expected: Any) -> None:
    assert getattr(normalize_claims(payload, "t"), field) == expected


def test_claims_are_a_read_only_copy() -> None:
    payload = v2({"id": "org_1"})
    claims = normalize_claims(payload, "t")
    assert isinstance(claims.claims, MappingProxyType)
    payload["sub"] = "changed"
    assert claims.claims["sub"] == "user_1"
    with pytest.raises(TypeError):
        claims.claims["sub"] = "x"  # type: ignore[index]


SHAPES = [
    v2({"id": "org_1", "rol": "admin", "per": "read,manage", "fpm": "3"}, fea="o:billing"),
    v2(None, sts="pending", act={"sub": "user_2"}, fva=[1, 2], pla="u:pro"),
    {"sub": "user_1", "sid": "sess_1", "exp": 2**80, "nbf": 1.5, "org_id": "org_1"},
    {},
]


@pytest.mark.parametrize("payload", SHAPES)
def test_fast_construction_equals_the_dataclass(payload: dict[str, Any]) -> None:
    session = normalize_claims(payload, "t")
    # replace() goes through the dataclass __init__ with every field read back: a field the
    # fast construction forgot would raise AttributeError here, a wrong one would differ.
    rebuilt = dataclasses.replace(session)
    assert rebuilt == session
    assert [getattr(rebuilt, f.name) for f in dataclasses.fields(rebuilt)] == [
        getattr(session, f.name) for f in dataclasses.fields(session)
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        session.user_id = "x"  # type: ignore[misc]


def test_permission_memo_is_bounded_and_exact() -> None:
    payloads = [
        v2({"id": "org_1", "rol": "admin", "per": f"p{i},q", "fpm": "3"}, fea="o:f")
        for i in range(claims_module._PERMISSIONS_MAX + 10)
    ]
    for payload in payloads * 2:
        permissions = normalize_claims(payload, "t").org_permissions
        per = payload["o"]["per"].split(",")[0]
        assert permissions == (f"org:f:{per}", "org:f:q")
    assert len(claims_module._PERMISSIONS) <= claims_module._PERMISSIONS_MAX
