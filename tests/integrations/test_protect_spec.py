"""``ProtectSpec.enforce`` (the decorators' stored ``protect()`` call) equals ``auth.protect``."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from authguard.auth import Auth
from authguard.exceptions import Unauthenticated, Unauthorized
from authguard.integrations._common import ProtectSpec
from tests.core.test_auth import SESSION

SIGNED_IN = Auth.signed_in(SESSION)
MEMBER = Auth.signed_in(dataclasses.replace(SESSION, org_role="org:member"))
SIGNED_OUT = Auth.signed_out("token-expired")
AUTHS = {"admin": SIGNED_IN, "member": MEMBER, "signed-out": SIGNED_OUT}

KWARGS: list[dict[str, Any]] = [
    {},
    {"role": "org:admin"},
    {"permission": "org:memberships:read"},
    {"role": "org:admin", "feature": "o:sso"},
    {"plan": "u:pro"},
    {"reverification": "strict"},
    {"role": "org:admin", "unauthorized_url": "https://app.test/no"},
    {"unauthenticated_url": "https://app.test/in"},
    {"predicate": lambda has: has(role="org:admin")},
    {"feature": "o:sso", "predicate": lambda has: False},
]


def _outcome(call: Any) -> tuple[object, ...]:
    try:
        result = call()
    except (Unauthenticated, Unauthorized) as exc:
        return (type(exc), exc.auth, vars(exc))
    return ("passed", result)


@pytest.mark.parametrize("kwargs", KWARGS)
@pytest.mark.parametrize("who", sorted(AUTHS))
def test_enforce_is_auth_protect(kwargs: dict[str, Any], who: str) -> None:
    auth = AUTHS[who]
    spec = ProtectSpec(dict(kwargs))
    assert _outcome(lambda: spec.enforce(auth)) == _outcome(lambda: auth.protect(**kwargs))


def test_spec_equality_and_repr_ignore_the_precomputed_call() -> None:
    assert ProtectSpec({"role": "a"}) == ProtectSpec({"role": "a"})
    assert repr(ProtectSpec({"role": "a"})) == "ProtectSpec(kwargs={'role': 'a'})"


def test_unknown_argument_still_refused() -> None:
    with pytest.raises(TypeError, match="rol"):
        ProtectSpec({"rol": "a"})
