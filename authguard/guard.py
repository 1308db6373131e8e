"""``Guard``: owns the settings, the key set and the verified-token cache, and turns a
``RequestInfo`` into a ``RequestState`` (SPEC §2–3). Sync and async share every decision;
only the key lookup differs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import httpx
from cachetools import TLRUCache
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from authguard.auth import Auth, AuthContext
from authguard.claims import SessionClaims, normalize_claims
from authguard.decisions import Decision, Navigator, decide
from authguard.exceptions import AuthGuardError, TokenVerificationError
from authguard.keys import KeySet, build_key_set
from authguard.request import RequestInfo
from authguard.settings import Settings
from authguard.tokens import (
    ParsedToken,
    check_claims,
    check_fresh,
    extract_token,
    parse_token,
    verify_signature,
)

logger = logging.getLogger("authguard")

Status = Literal["signed-in", "signed-out", "handshake"]
NO_TOKEN = "session-token-and-uat-missing"
SESSION_PENDING = "session-pending"


@dataclass(frozen=True, slots=True)
class _Verifying:
    token: str
    parsed: ParsedToken


@dataclass(frozen=True, slots=True)
class RequestState:
    """The outcome of authenticating one request.

    ``headers`` are response headers the adapter must add (debug headers; the handshake's
    ``Location``/``Set-Cookie``). Each pair is its own header line, never comma-joined.
    """

    status: Status
    reason: str | None
    message: str | None
    token: str | None
    auth: Auth
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def is_signed_in(self) -> bool:
        return self.status == "signed-in"


class Guard:
    """Authenticates requests for one configuration. Build once, share across requests."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        token_cache_size: int = 10_000,
    ) -> None:
        self.settings = settings if settings is not None else Settings.from_env()
        self.settings.validate()
        for warning in self.settings.warnings():
            logger.warning("authguard: %s", warning)
        self.clock = clock
        self.navigator = Navigator(self.settings)
        self.key_set: KeySet = build_key_set(
            self.settings, clock=clock, transport=transport, async_transport=async_transport
        )
        self._requires_kid = self.settings.jwt_key is None
        self._cache: TLRUCache[str, SessionClaims] = TLRUCache(
            maxsize=token_cache_size, ttu=_cache_expiry, timer=clock
        )
        self._cache_lock = threading.Lock()

    # -- public API -----------------------------------------------------------------

    def authenticate(self, request: RequestInfo) -> RequestState:
        """Authenticate ``request``; may fetch keys with a blocking client. Never raises."""
        step = self._start(request)
        if isinstance(step, RequestState):
            return step
        try:
            key = self.key_set.get_key(step.parsed.kid)
        except TokenVerificationError as exc:
            return self._signed_out(request, exc.reason, exc.message, token=step.token)
        return self._finish(request, step, key)

    async def aauthenticate(self, request: RequestInfo) -> RequestState:
        """Authenticate ``request`` without blocking the event loop. Never raises."""
        step = self._start(request)
        if isinstance(step, RequestState):
            return step
        try:
            key = await self.key_set.aget_key(step.parsed.kid)
        except TokenVerificationError as exc:
            return self._signed_out(request, exc.reason, exc.message, token=step.token)
        return self._finish(request, step, key)

    def decide(self, error: AuthGuardError, request: RequestInfo) -> Decision:
        """The SPEC §6 response for a protect()/redirect failure."""
        return decide(error, request, self.navigator)

    def handshake_decision(self, state: RequestState) -> Decision:
        """The response for a ``handshake`` state: its headers, 307, no body."""
        return Decision(307, state.headers, b"")

    def close(self) -> None:
        self.key_set.close()

    async def aclose(self) -> None:
        await self.key_set.aclose()

    # -- the shared steps -----------------------------------------------------------

    def _start(self, request: RequestInfo) -> RequestState | _Verifying:
        extracted = extract_token(request, self.settings)
        if extracted.reason is not None:
            message = _EXTRACT_MESSAGES.get(extracted.reason)
            return self._signed_out(request, extracted.reason, message)
        token = extracted.token
        if token is None:
            return self._signed_out(request, NO_TOKEN, "No session token in the request.")
        cached = self._cache_get(token)
        if cached is not None:
            return self._from_session(request, cached, fresh_check=True)
        try:
            parsed = parse_token(token, self.settings, requires_kid=self._requires_kid)
        except TokenVerificationError as exc:
            return self._signed_out(request, exc.reason, exc.message, token=token)
        return _Verifying(token, parsed)

    def _finish(self, request: RequestInfo, step: _Verifying, key: RSAPublicKey) -> RequestState:
        try:
            verify_signature(step.parsed, key)
            check_claims(step.parsed.payload, self.settings, self.clock())
        except TokenVerificationError as exc:
            return self._signed_out(request, exc.reason, exc.message, token=step.token)
        session = normalize_claims(step.parsed.payload, step.token)
        with self._cache_lock:
            self._cache[step.token] = session
        return self._from_session(request, session, fresh_check=False)

    def _from_session(
        self, request: RequestInfo, session: SessionClaims, *, fresh_check: bool
    ) -> RequestState:
        if fresh_check:
            try:
                check_fresh(session, self.settings, self.clock())
            except TokenVerificationError as exc:
                return self._signed_out(request, exc.reason, exc.message, token=session.token)
        context = AuthContext(self.navigator, request)
        if session.session_status == "pending":
            auth = Auth.signed_out(SESSION_PENDING, context=context, session_status="pending")
            return self._state(
                "signed-out", SESSION_PENDING, "The session is pending.", session.token, auth
            )
        return self._state(
            "signed-in", None, None, session.token, Auth.signed_in(session, context=context)
        )

    def _signed_out(
        self,
        request: RequestInfo,
        reason: str,
        message: str | None,
        *,
        token: str | None = None,
    ) -> RequestState:
        auth = Auth.signed_out(
            reason, context=AuthContext(self.navigator, request), message=message
        )
        return self._state("signed-out", reason, message, token, auth)

    def _state(
        self, status: Status, reason: str | None, message: str | None, token: str | None, auth: Auth
    ) -> RequestState:
        headers: tuple[tuple[str, str], ...] = ()
        if self.settings.debug:
            headers = _debug_headers(status, reason, message)
            logger.info("authguard: %s%s", status, f" ({reason})" if reason else "")
        return RequestState(status, reason, message, token, auth, headers)

    def _cache_get(self, token: str) -> SessionClaims | None:
        with self._cache_lock:
            return self._cache.get(token)


def _cache_expiry(_token: str, session: SessionClaims, _now: float) -> float:
    # Entries never outlive the token; exp/nbf are still re-checked (with skew) on every hit.
    return session.expires_at


def _debug_headers(
    status: str, reason: str | None, message: str | None
) -> tuple[tuple[str, str], ...]:
    headers = [("x-clerk-auth-status", status)]
    if reason:
        headers.append(("x-clerk-auth-reason", reason))
    if message:
        headers.append(("x-clerk-auth-message", " ".join(message.split())))
    return tuple(headers)


_EXTRACT_MESSAGES = {
    "token-invalid": "Malformed Authorization header: expected 'Bearer <token>'.",
    "session-token-ambiguous": "Two different session cookies were sent.",
    "cross-origin-cookie": "Cookie-authenticated unsafe request from another origin.",
}
