"""Keys, settings and tokens for the Starlette adapter tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from authguard.settings import Settings
from authguard.testing import KeyPair, mint_session_token

PK = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"
SIGN_IN = "https://foo-bar-13.accounts.dev/sign-in"


@pytest.fixture(scope="session")
def key() -> KeyPair:
    return KeyPair.generate(kid="starlette-tests")


@pytest.fixture
def settings(key: KeyPair) -> Settings:
    return Settings(jwt_key=key.public_pem(), publishable_key=PK, app_origin="http://testserver")


@pytest.fixture
def mint(key: KeyPair) -> Callable[..., str]:
    def _mint(**claims: Any) -> str:
        return mint_session_token(key, **claims)

    return _mint


@pytest.fixture
def admin_headers(mint: Callable[..., str]) -> dict[str, str]:
    token = mint(user_id="user_admin", org_id="org_1", org_role="org:admin")
    return {"authorization": f"Bearer {token}", "accept": "application/json"}


@pytest.fixture
def member_headers(mint: Callable[..., str]) -> dict[str, str]:
    token = mint(user_id="user_member", org_id="org_1", org_role="org:member")
    return {"authorization": f"Bearer {token}", "accept": "application/json"}
