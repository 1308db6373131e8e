"""``Guard``: owns the settings, the key set and the verified-token cache, and turns a
``RequestInfo`` into a ``RequestState`` (SPEC §2-3, §12).

Sync and async share every decision: both drive the same step machine (``_start`` →
``Resolving``/``Verifying`` → ``RequestState``, see :mod:`authguard.handshake_flow`) and only
perform each step's I/O — a key lookup or a handshake nonce exchange — their own way. A Bearer
token never enters the cookie flow.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from authguard._token_cache import TokenCache
from authguard.auth import Auth
from authguard.claims import SessionClaims, normalize_claims
from authguard.decisions import Decision, Navigator, decide
from authguard.exceptions import AuthGuardError, TokenVerificationError
from authguard.handshake import CURABLE, DEV_SKEW, UAT_AND_TOKEN_MISSING, read_inputs
from authguard.handshake_flow import CookieFlow, RequestState, Resolving, Step, Verifying
from authguard.handshake_resolve import (
    Directives,
    HandshakeError,
    PayloadFetcher,
    legacy_directives,
)
from authguard.keys import KeySet, build_key_set
from authguard.request import RequestInfo
from authguard.settings import Settings
from authguard.tokens import check_claims, check_fresh, extract_token, parse_token, verify_signature

__all__ = ["Guard", "RequestState"]

logger = logging.getLogger("authguard")

NO_TOKEN = UAT_AND_TOKEN_MISSING


class Guard(CookieFlow):
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
        self.payloads = PayloadFetcher(
            self.settings, transport=transport, async_transport=async_transport
        )
        self._skewed = self.settings.merged(clock_skew=DEV_SKEW)
        self._requires_kid = self.settings.jwt_key is None
        self._cache = TokenCache(token_cache_size, clock)

    # -- the express lane -----------------------------------------------------------

    def express(self, authorization: str) -> SessionClaims | None:
        """The repeated-token hot path: ``authorization`` (the request's whole, single
        ``Authorization`` value) is ``Bearer <token>`` for a token this Guard verified before,
        and that session is active and fresh now. ``None`` means: call ``authenticate``.

        Not a weaker check: a cached token is a strict base64url JWT, so ``Bearer <token>``
        extracts to exactly it (SPEC §2), and a hit is what ``authenticate`` would answer for
        the same value at the same instant. Anything else goes the full way.
        """
        # debug settings add per-request state headers: always the full path
        if self.settings.debug or not authorization.startswith("Bearer "):
            return None
        session = self._cache.peek(authorization[7:])
        if session is None or session.session_status == "pending":
            return None
        now = self.clock()
        nbf = session.not_before
        # the cache's rule (a hit before exp) and check_fresh's nbf rule, with the skew
        if now < session.expires_at and (nbf is None or nbf <= now + self.settings.clock_skew):
            return session
        return None

    def express_auth(
        self, session: SessionClaims, request: RequestInfo | Callable[[], RequestInfo]
    ) -> Auth:
        """The ``Auth`` of an ``express`` hit; ``request`` may be a factory, called only if a
        redirect needs the request."""
        return Auth(session, None, None, session.session_status, (self.navigator, request))

    @staticmethod
    def express_state(auth: Auth) -> RequestState:
        """The ``RequestState`` ``authenticate`` answers for an ``express`` hit's ``Auth``
        (signed in, no headers: ``express`` declines in debug mode)."""
        return RequestState("signed-in", None, None, auth.token, auth, ())

    # -- public API -----------------------------------------------------------------

    def authenticate(self, request: RequestInfo) -> RequestState:
        """Authenticate ``request``; may fetch keys or a handshake payload. Never raises."""
        step = self._start(request)
        while not isinstance(step, RequestState):
            if isinstance(step, Resolving):
                step = self._resolved(request, step, self._resolve(step))
                continue
            try:
                key = self.key_set.get_key(step.parsed.kid)
            except TokenVerificationError as exc:
                step = self._failed(request, step, exc)
                continue
            step = self._finish(request, step, key)
        return step

    async def aauthenticate(self, request: RequestInfo) -> RequestState:
        """Authenticate ``request`` without blocking the event loop. Never raises."""
        step = self._start(request)
        while not isinstance(step, RequestState):
            if isinstance(step, Resolving):
                step = self._resolved(request, step, await self._aresolve(step))
                continue
            try:
                key = await self.key_set.aget_key(step.parsed.kid)
            except TokenVerificationError as exc:
                step = self._failed(request, step, exc)
                continue
            step = self._finish(request, step, key)
        return step

    def decide(self, error: AuthGuardError, request: RequestInfo) -> Decision:
        """The SPEC §6 response for a protect()/redirect failure."""
        return decide(error, request, self.navigator)

    def handshake_decision(self, state: RequestState) -> Decision:
        """The response for a ``handshake`` state: its headers, 307, no body."""
        return Decision(307, state.headers, b"")

    def close(self) -> None:
        self.key_set.close()
        self.payloads.close()

    async def aclose(self) -> None:
        await self.key_set.aclose()
        await self.payloads.aclose()

    # -- the shared steps -----------------------------------------------------------

    def _start(self, request: RequestInfo) -> RequestState | Step:
        extracted = extract_token(request, self.settings)
        if extracted.reason is not None:
            message = _EXTRACT_MESSAGES.get(extracted.reason)
            return self._signed_out(request, extracted.reason, message)
        token = extracted.token
        if extracted.carrier != "header" or token is None:
            return self._cookie_start(request, read_inputs(request, self.settings))
        cached = self._cache_get(token)
        if cached is not None:
            return self._from_session(request, cached)
        try:
            parsed = parse_token(token, self.settings, requires_kid=self._requires_kid)
        except TokenVerificationError as exc:
            return self._signed_out(request, exc.reason, exc.message, token=token)
        return Verifying(token, parsed)

    def _finish(
        self, request: RequestInfo, step: Verifying, key: RSAPublicKey
    ) -> RequestState | Step:
        try:
            verify_signature(step.parsed, key)
            cacheable = self._check_claims(step)
        except TokenVerificationError as exc:
            return self._failed(request, step, exc)
        session = normalize_claims(step.parsed.payload, step.token)
        if cacheable:
            self._cache[step.token] = session
        if step.directives is not None:
            return self._handshake_done(request, session, step.directives)
        return self._signed_in(request, session)

    def _check_claims(self, step: Verifying) -> bool:
        """Step 6. A development instance forgives clock skew once for a handshake's token
        (as Clerk does); such a token is not cached. Returns whether it may be cached."""
        try:
            check_claims(step.parsed.payload, self.settings, self.clock())
        except TokenVerificationError as exc:
            if step.directives is None or not self.settings.is_development:
                raise
            if exc.reason not in CURABLE:
                raise
            logger.warning("authguard: clock skew detected (%s); retrying with 1 day", exc.reason)
            check_claims(step.parsed.payload, self._skewed, self.clock())
            return False
        return True

    def _failed(
        self, request: RequestInfo, step: Verifying, exc: TokenVerificationError
    ) -> RequestState | Step:
        if step.directives is not None and step.cookie is not None:
            error = HandshakeError(f"the handshake's session token was rejected ({exc.reason})")
            return self._unresolved(request, step.cookie, error)
        if step.cookie is not None:
            return self._cookie_failed(request, step.cookie, exc, step.token)
        return self._signed_out(request, exc.reason, exc.message, token=step.token)

    def _from_session(self, request: RequestInfo, session: SessionClaims) -> RequestState:
        try:
            check_fresh(session, self.settings, self.clock())
        except TokenVerificationError as exc:
            return self._signed_out(request, exc.reason, exc.message, token=session.token)
        return self._signed_in(request, session)

    # -- handshake I/O --------------------------------------------------------------

    def _resolve(self, step: Resolving) -> Directives | HandshakeError:
        try:
            if step.parsed is None:
                return self.payloads.fetch(step.inputs.nonce or "")
            return legacy_directives(step.parsed, self.key_set.get_key(step.parsed.kid))
        except HandshakeError as exc:
            return exc
        except TokenVerificationError as exc:
            return HandshakeError(f"no key for the handshake token ({exc.reason})")

    async def _aresolve(self, step: Resolving) -> Directives | HandshakeError:
        try:
            if step.parsed is None:
                return await self.payloads.afetch(step.inputs.nonce or "")
            key = await self.key_set.aget_key(step.parsed.kid)
            return legacy_directives(step.parsed, key)
        except HandshakeError as exc:
            return exc
        except TokenVerificationError as exc:
            return HandshakeError(f"no key for the handshake token ({exc.reason})")

    def _cache_get(self, token: str) -> SessionClaims | None:
        return self._cache.get(token)  # lock-free read; entries past exp are never returned


_EXTRACT_MESSAGES = {
    "token-invalid": "Malformed Authorization header: expected 'Bearer <token>'.",
    "session-token-ambiguous": "Two different session cookies were sent.",
    "cross-origin-cookie": "Cookie-authenticated unsafe request from another origin.",
}
