"""Shared pieces of the Flask adapter tests: keys, settings, tokens, an identity view."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.wrappers import Response

from authguard.flask import current_auth
from authguard.settings import Settings
from authguard.testing import KeyPair, mint_session_token

PUBLISHABLE_KEY = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"
SIGN_IN = "https://foo-bar-13.accounts.dev/sign-in"
KEY = KeyPair.generate(kid="flask-a")
OTHER_KEY = KeyPair.generate(kid="flask-b")
API = {"Accept": "application/json"}
PAGE = {"Accept": "text/html"}


def make_settings(key: KeyPair = KEY, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "jwt_key": key.public_pem(),
        "publishable_key": PUBLISHABLE_KEY,
        "app_origin": "http://testserver",
    }
    values.update(overrides)
    return Settings(**values)


def token(key: KeyPair = KEY, **claims: Any) -> str:
    # Some modules mint at import time; an hour outlasts the whole suite's run.
    claims.setdefault("expires_in", 3600)
    return mint_session_token(key, **claims)


def bearer(tok: str) -> dict[str, str]:
    return {**API, "Authorization": f"Bearer {tok}"}


def admin_token(key: KeyPair = KEY) -> str:
    return token(key, user_id="user_admin", org_id="org_1", org_role="org:admin")


def member_token(key: KeyPair = KEY) -> str:
    return token(key, user_id="user_member", org_id="org_1", org_role="org:member")


def identity() -> Response:
    return jsonify(user_id=current_auth.user_id, org_role=current_auth.org_role)


def handler_protects(auth: Any, _request: Any) -> None:
    """An ``AUTHGUARD_HANDLER`` loaded by import string in the tests."""
    auth.protect()
