"""v1/v2 session-token claims normalised into the fields of ``Auth`` (SPEC §4).

OWNER: core-tokens helper. ``SessionClaims`` is the shared contract; keep its fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


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
    """Build ``SessionClaims`` from an already verified payload (v1 or v2, never mixed)."""
    raise NotImplementedError
