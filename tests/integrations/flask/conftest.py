"""Fixtures of the Flask adapter tests (helpers live in ``flask_helpers``)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests decide every setting; a developer's CLERK_* variables must not leak in.
    for name in (
        "CLERK_SECRET_KEY",
        "CLERK_PUBLISHABLE_KEY",
        "CLERK_JWT_KEY",
        "AUTHGUARD_JWKS_URL",
        "AUTHGUARD_APP_ORIGIN",
        "CLERK_AUTHORIZED_PARTIES",
        "CLERK_SIGN_IN_URL",
        "AUTHGUARD_DEBUG",
    ):
        monkeypatch.delenv(name, raising=False)
