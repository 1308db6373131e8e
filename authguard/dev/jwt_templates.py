"""JWT templates (``authguard dev --jwt-template NAME=FILE``), as Clerk's Dashboard offers.

A template is a named claim set with its own lifetime, for services other than your app
(Convex, Supabase, Hasura…). FILE is a JSON object::

    {"lifetime": 60,
     "claims": {"aud": "convex", "email": "{{user.primary_email_address}}",
                "role": "{{user.public_metadata.role}}"}}

``claims`` uses the ``--claims`` shortcodes and rules (``authguard.dev.claims_template``);
``lifetime`` is seconds, 30 to 315360000 (default 60). ``POST /v1/sessions/{sid}/tokens/NAME``
answers a token signed with the instance key, header ``cat`` = ``cl_B7d4PD222AAA`` (so session
verification refuses it, SPEC §3 step 2), carrying ``sub``, ``sid``, ``iat``, ``nbf`` (= ``iat``),
``exp`` (= ``iat`` + lifetime, or + ``expires_in_seconds`` from the request body), ``iss`` and
the rendered claims. Templates may set ``aud``; ``sub``, ``sid``, ``iat``, ``exp``, ``nbf`` and
``iss`` are refused at start-up.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from authguard.dev.claims_template import ClaimsTemplate
from authguard.dev.config import DevConfigError
from authguard.dev.sessions import TEMPLATE_TOKEN_CATEGORY

__all__ = [
    "LIFETIME_RANGE",
    "TEMPLATE_RESERVED_CLAIMS",
    "TEMPLATE_TOKEN_CATEGORY",
    "JwtTemplate",
    "load_jwt_templates",
]

TEMPLATE_RESERVED_CLAIMS = frozenset({"sub", "sid", "iat", "exp", "nbf", "iss"})
#: Clerk's bounds for a template's lifetime and for ``expires_in_seconds``.
LIFETIME_RANGE = (30, 315_360_000)
DEFAULT_LIFETIME = 60


def valid_lifetime(value: Any) -> bool:
    low, high = LIFETIME_RANGE
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


@dataclass(frozen=True)
class JwtTemplate:
    """One named template: its lifetime (seconds) and its claims."""

    name: str
    lifetime: int
    claims: ClaimsTemplate

    @classmethod
    def from_json(cls, name: str, data: Any) -> JwtTemplate:
        option = f"--jwt-template {name}"
        if not isinstance(data, Mapping):
            raise DevConfigError(f"{option}: the file must hold a JSON object")
        unknown = sorted(set(data) - {"lifetime", "claims"})
        if unknown:
            raise DevConfigError(f"{option}: unknown keys {', '.join(unknown)}")
        lifetime = data.get("lifetime", DEFAULT_LIFETIME)
        if not valid_lifetime(lifetime):
            raise DevConfigError(
                f"{option}: lifetime must be whole seconds from {LIFETIME_RANGE[0]} "
                f"to {LIFETIME_RANGE[1]}"
            )
        claims = ClaimsTemplate(
            data.get("claims", {}), reserved=TEMPLATE_RESERVED_CLAIMS, option=option
        )
        return cls(name=name, lifetime=lifetime, claims=claims)


def load_jwt_templates(pairs: tuple[tuple[str, Path], ...]) -> dict[str, JwtTemplate]:
    """Read and check every ``--jwt-template NAME=FILE`` (at start-up: errors stop it)."""
    templates: dict[str, JwtTemplate] = {}
    for name, path in pairs:
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, ValueError) as exc:
            raise DevConfigError(f"--jwt-template {name}: cannot read {path}: {exc}") from None
        templates[name] = JwtTemplate.from_json(name, data)
    return templates
