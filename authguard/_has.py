"""``has()`` (SPEC §5) as pure functions over ``SessionClaims``: AND across what is asked,
fail closed."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeGuard

from authguard.claims import SessionClaims

Reverification = str | Mapping[str, Any]


# Clerk's presets: name -> (after_minutes, level).
REVERIFICATION_PRESETS: Mapping[str, tuple[int, str]] = MappingProxyType(
    {
        "strict_mfa": (10, "multi_factor"),
        "strict": (10, "second_factor"),
        "moderate": (60, "second_factor"),
        "lax": (1440, "second_factor"),
    }
)
_LEVELS = frozenset({"first_factor", "second_factor", "multi_factor"})
_ORG_SCOPES = frozenset({"o", "org", "organization"})
_USER_SCOPES = frozenset({"u", "user"})


def _norm_org(value: str) -> str:
    if value.startswith("org:") and not value.startswith("org:", 4):
        return value  # already normal (every v2 role is): no slicing, no concatenation
    # Clerk collapses any run of leading "org:" into exactly one.
    while value.startswith("org:"):
        value = value[4:]
    return "org:" + value


def _valid_arg(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value != ""


def normal_role(role: object) -> str | None:
    """``role`` as ``check_role`` compares it (``org:``-prefixed), or None if it never matches."""
    if not _valid_arg(role):
        return None
    asked = _norm_org(role)
    return None if asked == "org:" else asked


def role_matches(session: SessionClaims, asked: str) -> bool:
    """``check_role`` for a role already through ``normal_role`` (not None)."""
    org_role = session.org_role
    if not session.org_id or not org_role:
        return False
    return org_role == asked or _norm_org(org_role) == asked


def check_role(session: SessionClaims, role: object) -> bool:
    """The active organization's role equals ``role`` (``admin`` ≡ ``org:admin``), byte-exact."""
    asked = normal_role(role)
    return asked is not None and role_matches(session, asked)


def check_permission(session: SessionClaims, permission: object) -> bool:
    """The normalised permission is in the token's org permissions; ``org:sys_*`` never is."""
    if not _valid_arg(permission) or not session.org_id:
        return False
    asked = _norm_org(permission)
    if asked == "org:" or asked.startswith("org:sys_"):
        return False
    return asked in session.org_permissions


def check_billing(entries: tuple[str, ...], asked: object) -> bool:
    """``key`` or ``scope:key`` against scoped ``fea``/``pla`` entries (``o:x``, ``ou:y``)."""
    if not _valid_arg(asked):
        return False
    parts = asked.split(":")
    scope, key = (None, parts[0]) if len(parts) == 1 else (parts[0], parts[1])
    if not key:
        return False
    if scope is None:
        wanted = "ou"
    elif scope in _ORG_SCOPES:
        wanted = "o"
    elif scope in _USER_SCOPES:
        wanted = "u"
    else:
        return False
    for entry in entries:
        entry_parts = entry.strip().split(":")
        if len(entry_parts) < 2 or entry_parts[1] != key:
            continue
        if any(letter in entry_parts[0] for letter in wanted):
            return True
    return False


def _parse_reverification(config: object) -> tuple[int, str] | None:
    if isinstance(config, str):
        return REVERIFICATION_PRESETS.get(config)
    if not isinstance(config, Mapping) or not set(config) <= {
        "level",
        "after_minutes",
        "afterMinutes",
    }:
        return None
    level = config.get("level")
    minutes = [config[k] for k in ("after_minutes", "afterMinutes") if k in config]
    if len(minutes) != 1 or not isinstance(level, str) or level not in _LEVELS:
        return None
    after = minutes[0]
    if not isinstance(after, int) or isinstance(after, bool) or after <= 0:
        return None
    return after, level


def _valid_age(age: object) -> bool:
    return isinstance(age, int) and not isinstance(age, bool) and age >= -1


def check_reverification(session: SessionClaims, config: object) -> bool:
    """Judge ``fva = (first, second)`` (minutes since each factor; -1 = not enabled)."""
    parsed = _parse_reverification(config)
    fva = session.factor_verification_age
    if parsed is None or not isinstance(fva, tuple) or len(fva) != 2:
        return False
    first, second = fva
    if not _valid_age(first) or not _valid_age(second):
        return False
    after, level = parsed
    first_fresh = first != -1 and after > first
    second_fresh = second != -1 and after > second
    if level == "first_factor":
        return first_fresh
    if level == "second_factor":
        return second_fresh or (second == -1 and first_fresh)
    if first == -1:
        return False
    return first_fresh if second == -1 else first_fresh and second_fresh


def reverification_metadata(config: object) -> str | dict[str, Any] | None:
    """What ClerkJS's ``useReverification`` expects back: the preset name or the config."""
    parsed = _parse_reverification(config)
    if parsed is None:
        return None
    if isinstance(config, str):
        return config
    return {"level": parsed[1], "afterMinutes": parsed[0]}


def evaluate_has(
    session: SessionClaims | None,
    role: object = None,
    permission: object = None,
    feature: object = None,
    plan: object = None,
    reverification: object = None,
) -> bool:
    """SPEC §5: AND across what is asked, fail closed; nothing asked → False."""
    nothing_asked = (
        role is None
        and permission is None
        and feature is None
        and plan is None
        and reverification is None
    )
    if session is None or not session.user_id or nothing_asked:
        return False
    # One short-circuiting chain (an unasked check passes), not a closure per asked check.
    return (
        (role is None or check_role(session, role))
        and (permission is None or check_permission(session, permission))
        and (feature is None or check_billing(session.features, feature))
        and (plan is None or check_billing(session.plans, plan))
        and (reverification is None or check_reverification(session, reverification))
    )
