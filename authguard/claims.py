"""v1/v2 session-token claims normalised into the fields of ``Auth`` (SPEC §4).

OWNER: core-tokens helper. ``SessionClaims`` is the shared contract; keep its fields.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple


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
    return SessionClaims(
        user_id=_str(payload.get("sub")) or "",
        session_id=_str(payload.get("sid")) or "",
        session_status=_str(payload.get("sts")),
        org_id=org.id,
        org_role=org.role,
        org_slug=org.slug,
        org_permissions=org.permissions,
        features=features,
        plans=_items(payload.get("pla")),
        factor_verification_age=_fva(payload.get("fva")),
        actor=MappingProxyType(dict(act)) if isinstance(act := payload.get("act"), dict) else None,
        claims=MappingProxyType(dict(payload)),
        token=token,
        expires_at=-math.inf if (expires := _seconds(exp)) is None else expires,
        not_before=_seconds(nbf),
    )


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

    ``fea`` is empty when the claim is absent or not a string: nothing is granted then.
    """
    if not (isinstance(per, str) and isinstance(fpm, str)):
        return ()
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
