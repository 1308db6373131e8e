"""Keys, environment and tokens for the FastAPI adapter tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from authguard.integrations import fastapi as fastapi_adapter
from authguard.settings import Settings
from authguard.testing import KeyPair, mint_session_token

PK = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"


@pytest.fixture(scope="session")
def key() -> KeyPair:
    return KeyPair.generate(kid="fastapi-tests")


@pytest.fixture
def settings(key: KeyPair) -> Settings:
    return Settings(jwt_key=key.public_pem(), publishable_key=PK, app_origin="http://testserver")


@pytest.fixture
def env(key: KeyPair, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The environment the middleware-less fallback Guard reads; a fresh Guard per test."""
    monkeypatch.setenv("CLERK_JWT_KEY", key.public_pem())
    monkeypatch.setenv("CLERK_PUBLISHABLE_KEY", PK)
    monkeypatch.setenv("AUTHGUARD_APP_ORIGIN", "http://testserver")
    monkeypatch.setattr(fastapi_adapter, "_fallback_guard", None)
    yield
    monkeypatch.setattr(fastapi_adapter, "_fallback_guard", None)


@pytest.fixture
def bearer(key: KeyPair) -> Callable[..., dict[str, str]]:
    def _headers(**claims: Any) -> dict[str, str]:
        token = mint_session_token(key, **claims)
        return {"authorization": f"Bearer {token}", "accept": "application/json"}

    return _headers
