"""Token recipes for the Django tests (minted fresh on each call)."""

from __future__ import annotations

from collections.abc import Callable

from djt_settings import KEY

from authguard.testing import KeyPair, mint_session_token

FORGER = KeyPair.generate(kid="django-tests")

TOKENS: dict[str, Callable[[], str]] = {
    "user": lambda: mint_session_token(KEY, user_id="user_plain"),
    "member": lambda: mint_session_token(
        KEY, user_id="user_member", org_id="org_1", org_role="org:member"
    ),
    "admin": lambda: mint_session_token(
        KEY,
        user_id="user_admin",
        org_id="org_1",
        org_role="org:admin",
        org_permissions=["org:memberships:manage"],
    ),
    "forged": lambda: mint_session_token(FORGER, user_id="user_admin"),
}


def bearer(recipe: str | None) -> dict[str, str]:
    return {} if recipe is None else {"authorization": f"Bearer {TOKENS[recipe]()}"}
