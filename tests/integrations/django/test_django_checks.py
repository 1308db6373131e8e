"""Every system check id (``authguard.E001``–``E004``, ``W001``–``W003``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import run_checks
from django.test import override_settings
from djt_settings import AUTHGUARD, MIDDLEWARE

from authguard.integrations.django.checks import check_authguard

OURS = "authguard.django.middleware.AuthGuardMiddleware"
AUTH_MW = "django.contrib.auth.middleware.AuthenticationMiddleware"
LIVE_PK = "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k"


def ids(**overrides: Any) -> list[str]:
    with override_settings(**overrides):
        return [message.id for message in check_authguard() if message.id]


CASES = [
    ("clean", {}, []),
    ("no-key-source", {"AUTHGUARD": {"PUBLISHABLE_KEY": LIVE_PK}}, ["authguard.E001"]),
    ("bad-jwt-key", {"AUTHGUARD": {**AUTHGUARD, "JWT_KEY": "not a pem"}}, ["authguard.E001"]),
    ("bad-number", {"AUTHGUARD": {**AUTHGUARD, "CLOCK_SKEW": "soon"}}, ["authguard.E001"]),
    ("not-a-dict", {"AUTHGUARD": ["JWT_KEY"]}, ["authguard.E001"]),
    ("bad-sign-in", {"AUTHGUARD": {**AUTHGUARD, "SIGN_IN_URL": "sign-in"}}, ["authguard.E002"]),
    ("no-middleware", {"MIDDLEWARE": MIDDLEWARE[:-1]}, ["authguard.E003"]),
    ("before-auth", {"MIDDLEWARE": [OURS, *MIDDLEWARE[:-1]]}, ["authguard.E003"]),
    ("handler-import", {"AUTHGUARD": {**AUTHGUARD, "HANDLER": "nope.handler"}}, ["authguard.E004"]),
    ("user-import", {"AUTHGUARD": {**AUTHGUARD, "USER": "djt_views.missing"}}, ["authguard.E004"]),
    ("not-callable", {"AUTHGUARD": {**AUTHGUARD, "USER": 42}}, ["authguard.E004"]),
    ("unknown-key", {"AUTHGUARD": {**AUTHGUARD, "PUBLIC_ROUTE": ["/"]}}, ["authguard.W001"]),
    ("test-keys-live", {"DEBUG": False, "AUTHGUARD": AUTHGUARD}, ["authguard.W002"]),
    (
        "plain-http",
        {"AUTHGUARD": {**AUTHGUARD, "JWKS_URL": "http://keys.example.com/jwks"}},
        ["authguard.W003"],
    ),
    ("host-following", {"AUTHGUARD": {**AUTHGUARD, "APP_ORIGIN": None}}, ["authguard.W003"]),
]


@pytest.mark.parametrize(("name", "overrides", "expected"), CASES, ids=[c[0] for c in CASES])
def test_check_ids(name: str, overrides: dict[str, Any], expected: list[str]) -> None:
    # The test settings use pk_test_ keys: W002 fires whenever DEBUG is False.
    debug = overrides.pop("DEBUG", True)
    found = ids(DEBUG=debug, **overrides)
    assert found == expected


def test_unknown_key_suggests_the_close_name() -> None:
    with override_settings(DEBUG=True, AUTHGUARD={**AUTHGUARD, "PUBLIC_ROUTE": ["/"]}):
        (message,) = check_authguard()
    assert message.hint == "Did you mean 'PUBLIC_ROUTES'?"


def test_checks_are_registered_with_django() -> None:
    with override_settings(MIDDLEWARE=[]):
        found = {message.id for message in run_checks()}
    assert "authguard.E003" in found


def test_error_message_does_not_echo_the_secret() -> None:
    secret = "sk_live_" + "x" * 10 + "!"
    with override_settings(DEBUG=True, AUTHGUARD={**AUTHGUARD, "SECRET_KEY": secret}):
        messages = check_authguard()
    assert [m.id for m in messages] == ["authguard.E001"]
    assert secret not in str(messages[0])
