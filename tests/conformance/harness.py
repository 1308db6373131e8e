"""Shared pieces of the SPEC §6 conformance table: the response shape, settings and tokens.

Every adapter module in ``adapters/`` defines ``make_client(settings, mode) -> AdapterClient``.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from authguard.settings import Settings
from authguard.testing import KeyPair, mint_session_token

PUBLISHABLE_KEY = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"
SIGN_IN_URL = "https://foo-bar-13.accounts.dev/sign-in"
APP_ORIGIN = "http://testserver"
KEY = KeyPair.generate(kid="conformance")
# Same kid, different key: a token it signs fails the signature check.
FORGER = KeyPair.generate(kid="conformance")


#: The handshake endpoint of the publishable key's Frontend API (SPEC §12).
HANDSHAKE_URL = "https://foo-bar-13.clerk.accounts.dev/v1/client/handshake"
#: An expired cookie token minted once, used literally (not as ``{token}``): a handshake
#: legitimately sends the cookie's token to the Frontend API in its ``__session`` parameter,
#: which the table's "never echo the token" check would otherwise flag.
EXPIRED_COOKIE_TOKEN = mint_session_token(KEY, expires_in=-3600)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: A JWKS URL nothing listens on: the key set is unreachable (503 where protection is asked).
CLOSED_JWKS_URL = f"http://127.0.0.1:{_closed_port()}/.well-known/jwks.json"


@dataclass(frozen=True)
class Response:
    """What an adapter answered: status, lower-case header pairs in order, raw body."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        values = self.headers_all(name)
        return ", ".join(values) if values else None

    def headers_all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k == name.lower()]

    def json(self) -> Any:
        return json.loads(self.body)


class AdapterClient(Protocol):
    def request(self, method: str, path: str, headers: list[tuple[str, str]]) -> Response: ...


def base_settings(**overrides: Any) -> Settings:
    """Networkless settings (``jwt_key``) for the conformance app; ``overrides`` win."""
    values: dict[str, Any] = {
        "jwt_key": KEY.public_pem(),
        "publishable_key": PUBLISHABLE_KEY,
        "app_origin": APP_ORIGIN,
    }
    values.update(overrides)
    return Settings(**values)


def _admin() -> str:
    return mint_session_token(
        KEY,
        user_id="user_admin",
        org_id="org_1",
        org_role="org:admin",
        org_permissions=["org:memberships:manage", "org:memberships:read"],
        fva=[1, 1],
    )


#: Token recipes by name; minted when the case runs so they are always fresh.
TOKENS: dict[str, Callable[[], str]] = {
    "user": lambda: mint_session_token(KEY, user_id="user_plain"),
    "member": lambda: mint_session_token(
        KEY,
        user_id="user_member",
        org_id="org_1",
        org_role="org:member",
        org_permissions=["org:memberships:read"],
        fva=[1, -1],
    ),
    "admin": _admin,
    "admin_stale": lambda: mint_session_token(
        KEY, user_id="user_admin", org_id="org_1", org_role="org:admin", fva=[600, 600]
    ),
    "expired": lambda: mint_session_token(KEY, expires_in=-3600),
    "forged": lambda: mint_session_token(FORGER, user_id="user_admin"),
    "pending": lambda: mint_session_token(KEY, sts="pending"),
    "admin2": lambda: mint_session_token(KEY, user_id="user_other", org_role="org:admin"),
}


def success_body(user_id: str | None, org_role: str | None) -> dict[str, Any]:
    return {"user_id": user_id, "org_role": org_role}
