"""Clients, sessions and the session tokens minted for them.

A browser is a *client*, identified by the ``__dev_client`` cookie (HttpOnly, on the dev
server's host). Each client has at most one active session (Clerk's single-session mode); the
refresh endpoint re-mints that session's token, sign-out revokes it. Sessions live in memory:
a restart signs everybody out, which is fine for a development tool.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from authguard.dev.directory import Directory, User
from authguard.testing import KeyPair, mint_session_token, sign_jwt

#: The header ``cat`` of JWT-template tokens; session verification refuses it (SPEC §3).
TEMPLATE_TOKEN_CATEGORY = "cl_B7d4PD222AAA"


@dataclass(frozen=True)
class Session:
    """A signed-in session: who, for which app (``azp``), since when."""

    id: str
    user_id: str
    azp: str
    signed_in_at: int


@dataclass(frozen=True)
class Minted:
    """A fresh session token and the ``__client_uat`` value that goes with it."""

    token: str
    client_uat: int
    expires_at: int


class SessionStore:
    """Thread-safe map client id → active session."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._by_client: dict[str, Session] = {}

    def sign_in(self, previous_client: str | None, user: User, azp: str) -> tuple[str, Session]:
        """Start a new session (a new ``sess_…``) for ``user``; returns (client id, session).

        The client id is always fresh (the previous one is dropped), so a planted
        ``__dev_client`` cookie cannot be used to fixate a session.
        """
        self.sign_out(previous_client)
        client_id = secrets.token_urlsafe(32)
        session = Session(
            id="sess_" + secrets.token_hex(12),
            user_id=user.id,
            azp=azp,
            signed_in_at=int(self._clock()),
        )
        with self._lock:
            self._by_client[client_id] = session
        return client_id, session

    def active(self, client_id: str | None) -> Session | None:
        if not client_id:
            return None
        with self._lock:
            return self._by_client.get(client_id)

    def sign_out(self, client_id: str | None) -> Session | None:
        if not client_id:
            return None
        with self._lock:
            return self._by_client.pop(client_id, None)


class TokenMinter:
    """Mints Clerk-shaped session tokens for sessions, with the user's current org.

    ``custom_claims(user)`` (``--claims FILE``, see ``claims_template``) adds claims to every
    token minted here: at sign-in, refresh, handshake and through the Backend API.
    """

    custom_claims: Callable[[User], Mapping[str, Any]] | None = None

    def __init__(
        self,
        key: KeyPair,
        directory: Directory,
        *,
        issuer: str,
        ttl: int,
        claims_version: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = key
        self._directory = directory
        self._issuer = issuer
        self._ttl = ttl
        self._version = claims_version
        self._clock = clock

    def mint(self, session: Session) -> Minted | None:
        """None when the session's user no longer exists."""
        user = self._directory.get_user(session.user_id)
        if user is None:
            return None
        now = int(self._clock())
        membership = self._directory.active_membership(user)
        # fva = minutes since the first factor was verified, -1 = no second factor (Clerk).
        fva = [max(0, (now - session.signed_in_at) // 60), -1]
        token = mint_session_token(
            self._key,
            user_id=user.id,
            session_id=session.id,
            version=self._version,
            org_id=membership.org.id if membership else None,
            org_slug=membership.org.slug if membership else None,
            org_role=membership.role if membership else None,
            org_permissions=membership.permissions if membership else (),
            fva=fva,
            sts="pending" if user.pending else None,
            azp=session.azp,
            iss=self._issuer,
            now=now,
            expires_in=self._ttl,
            extra_claims=self.custom_claims(user) if self.custom_claims else None,
        )
        return Minted(token=token, client_uat=session.signed_in_at, expires_at=now + self._ttl)

    def mint_template(
        self, session: Session, claims: Callable[[User], Mapping[str, Any]], lifetime: int
    ) -> str | None:
        """A JWT-template token for the session's user (None when the user is gone): the
        ``claims(user)`` plus ``sub``, ``sid``, ``iat``, ``nbf``, ``exp``, ``iss``."""
        user = self._directory.get_user(session.user_id)
        if user is None:
            return None
        now = int(self._clock())
        payload = {**claims(user), "sub": user.id, "sid": session.id, "iat": now, "nbf": now,
                   "exp": now + lifetime, "iss": self._issuer}  # fmt: skip
        header = {
            "alg": "RS256",
            "typ": "JWT",
            "kid": self._key.kid,
            "cat": TEMPLATE_TOKEN_CATEGORY,
        }
        return sign_jwt(self._key, header, payload)
