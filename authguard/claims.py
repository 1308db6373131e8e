"""v1/v2 session-token claims normalised into the fields of ``Auth`` (SPEC §4).

OWNER: core-tokens helper. ``SessionClaims`` is the shared contract; keep its fields.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple, cast


@dataclass(frozen=True, slots=True)
class SessionClaims:
    """What a verified session token says, normalised. Immutable; cached per token."""

    user_id: str
    session_id: str
    session_status: str | None
    org_id: str | None
    org_role: str | None
    org_slug: str | None
    org_permissions: tuple[str, ...]
    features: tuple[str, ...]
    plans: tuple[str, ...]
    factor_verification_age: tuple[int, int] | None
    actor: Mapping[str, Any] | None
    claims: Mapping[str, Any]  # read-only (MappingProxyType) view of the verified payload
    token: str
    expires_at: float  # the token's exp
    not_before: float | None  # the token's nbf, if any


def normalize_claims(payload: Mapping[str, Any], token: str) -> SessionClaims:
    """Build ``SessionClaims`` from an already verified payload (v1 or v2, never mixed).

    The payload is signed but its shape is still untrusted: a field of the wrong type becomes
    None or empty (fail closed) instead of raising.
    """
    features = _items(payload.get("fea"))
    org = _org_v2(payload, features) if payload.get("v") == 2 else _org_v1(payload)
    exp, nbf = payload.get("exp"), payload.get("nbf")
    act = payload.get("act")
    return _session(
        _str(payload.get("sub")) or "",
        _str(payload.get("sid")) or "",
        _str(payload.get("sts")),
        org,
        features,
        _items(payload.get("pla")),
        _fva(payload.get("fva")),
        MappingProxyType(dict(act)) if isinstance(act, dict) else None,
        MappingProxyType(dict(payload)),
        token,
        -math.inf if (expires := _seconds(exp)) is None else expires,
        _seconds(nbf),
    )


def _session(
    user_id: str,
    session_id: str,
    status: str | None,
    org: _Org,
    features: tuple[str, ...],
    plans: tuple[str, ...],
    fva: tuple[int, int] | None,
    actor: Mapping[str, Any] | None,
    claims: Mapping[str, Any],
    token: str,
    expires_at: float,
    not_before: float | None,
) -> SessionClaims:
    """``SessionClaims(...)`` with these values, built through the slots' own setters: the
    frozen dataclass ``__init__`` sets each of its 15 fields by name, a third of the cold
    path's claim handling (``tests/core/test_claims_normalize.py`` checks both agree)."""
    session = _NEW(SessionClaims)
    _SET_USER_ID(session, user_id)
    _SET_SESSION_ID(session, session_id)
    _SET_SESSION_STATUS(session, status)
    _SET_ORG_ID(session, org.id)
    _SET_ORG_ROLE(session, org.role)
    _SET_ORG_SLUG(session, org.slug)
    _SET_ORG_PERMISSIONS(session, org.permissions)
    _SET_FEATURES(session, features)
    _SET_PLANS(session, plans)
    _SET_FACTOR_VERIFICATION_AGE(session, fva)
    _SET_ACTOR(session, actor)
    _SET_CLAIMS(session, claims)
    _SET_TOKEN(session, token)
    _SET_EXPIRES_AT(session, expires_at)
    _SET_NOT_BEFORE(session, not_before)
    return session


def _setter(name: str) -> Callable[[SessionClaims, Any], None]:
    return cast(Callable[[SessionClaims, Any], None], SessionClaims.__dict__[name].__set__)


_SET_USER_ID = _setter("user_id")
_SET_SESSION_ID = _setter("session_id")
_SET_SESSION_STATUS = _setter("session_status")
_SET_ORG_ID = _setter("org_id")
_SET_ORG_ROLE = _setter("org_role")
_SET_ORG_SLUG = _setter("org_slug")
_SET_ORG_PERMISSIONS = _setter("org_permissions")
_SET_FEATURES = _setter("features")
_SET_PLANS = _setter("plans")
_SET_FACTOR_VERIFICATION_AGE = _setter("factor_verification_age")
_SET_ACTOR = _setter("actor")
_SET_CLAIMS = _setter("claims")
_SET_TOKEN = _setter("token")
_SET_EXPIRES_AT = _setter("expires_at")
_SET_NOT_BEFORE = _setter("not_before")
_NEW = object.__new__


class _Org(NamedTuple):
    """The active organization's fields (a NamedTuple: built once per verified token)."""

    id: str | None = None
    slug: str | None = None
    role: str | None = None
    permissions: tuple[str, ...] = ()


_ORG_SCOPES = frozenset({"o", "ou", "uo"})


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _seconds(value: object) -> float | None:
    """A finite int/float claim as float (huge ints saturate); None otherwise."""
    if type(value) is float and math.isfinite(value):
        return value
    if type(value) is int:
        try:
            return float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    return None


def _items(value: object) -> tuple[str, ...]:
    if not isinstance(value, str):
        return ()
    return tuple([item for part in value.split(",") if (item := part.strip())])


def _fva(value: object) -> tuple[int, int] | None:
    if isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value):
        return (value[0], value[1])
    return None


def _org_v1(payload: Mapping[str, Any]) -> _Org:
    org_id = _str(payload.get("org_id"))
    if org_id is None:
        return _Org()
    permissions = payload.get("org_permissions")
    if not (isinstance(permissions, list) and all(isinstance(p, str) for p in permissions)):
        permissions = []
    return _Org(
        id=org_id,
        slug=_str(payload.get("org_slug")),
        role=_str(payload.get("org_role")),
        permissions=tuple(permissions),
    )


def _org_v2(payload: Mapping[str, Any], features: tuple[str, ...]) -> _Org:
    """``features`` is ``_items`` of the payload's ``fea`` (split once for both uses)."""
    o = payload.get("o")
    if not isinstance(o, dict) or _str(o.get("id")) is None:
        return _Org()
    role = _str(o.get("rol"))
    return _Org(
        id=o["id"],
        slug=_str(o.get("slg")),
        role=f"org:{role}" if role else None,
        permissions=_v2_permissions(o.get("per"), o.get("fpm"), features),
    )


def _v2_permissions(per: object, fpm: object, fea: tuple[str, ...]) -> tuple[str, ...]:
    """Rebuild ``org:<feature>:<perm>`` from the per-feature bitmasks (LSB = first of ``per``).

    ``fea`` is empty when the claim is absent or not a string: nothing is granted then. A pure
    function of three strings that an organization's members share, so it is memoised (a
    bounded dict, emptied when full; only verified tokens get here).
    """
    if not (isinstance(per, str) and isinstance(fpm, str)):
        return ()
    key = (per, fpm, fea)
    permissions = _PERMISSIONS.get(key)
    if permissions is None:
        permissions = _expand_permissions(per, fpm, fea)
        if len(_PERMISSIONS) >= _PERMISSIONS_MAX:
            _PERMISSIONS.clear()
        _PERMISSIONS[key] = permissions
    return permissions


_PERMISSIONS: dict[tuple[str, str, tuple[str, ...]], tuple[str, ...]] = {}
_PERMISSIONS_MAX = 1024


def _expand_permissions(per: str, fpm: str, fea: tuple[str, ...]) -> tuple[str, ...]:
    features = _org_features(fea)
    if not features:
        return ()
    perms = [p.strip() for p in per.split(",")]
    out: list[str] = []
    for feature, mask in zip(features, fpm.split(","), strict=False):
        mask = mask.strip()
        if not mask.isascii() or not mask.isdecimal():
            continue  # non-decimal or negative: this feature grants nothing
        bits = int(mask)
        prefix = f"org:{feature}:"
        for perm in perms:
            if bits & 1:
                out.append(prefix + perm)
            bits >>= 1
    return tuple(out)


def _org_features(items: tuple[str, ...]) -> list[str] | None:
    """The org-scoped feature keys in token order; None when an item has no scope (Clerk throws)."""
    features: list[str] = []
    for item in items:
        scope, sep, key = item.partition(":")
        if not sep:
            return None
        if scope.strip() in _ORG_SCOPES:
            features.append(key.strip())
    return features
