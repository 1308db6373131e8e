"""The request states and the SPEC §12 cookie flow that ``Guard`` builds on.

``StateBuilder`` makes ``RequestState`` objects (debug headers included); ``CookieFlow`` adds
the cookie path's steps: the ``__client_uat`` decision, the handshake redirect and the way
back. Nothing here does I/O: a step that needs a key or a nonce exchange is returned as
``Verifying``/``Resolving`` and ``Guard`` performs it, sync or async.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from authguard._token_cache import TokenCache
from authguard.auth import Auth, AuthContext
from authguard.claims import SessionClaims
from authguard.decisions import Navigator, safe_location
from authguard.exceptions import TokenVerificationError
from authguard.handshake import (
    CURABLE,
    IAT_BEFORE_UAT,
    MAX_REDIRECTS,
    MESSAGES,
    RETURN_STRIPPED,
    SESSION_TOKEN_MISSING,
    UAT_AND_TOKEN_MISSING,
    CookieInputs,
    handshake_headers,
    handshake_url,
    iat_before_uat,
    is_eligible,
    loop_hint,
    precheck,
    strip_query,
)
from authguard.handshake_resolve import Directives, HandshakeError
from authguard.request import RequestInfo
from authguard.settings import Settings
from authguard.tokens import ParsedToken, check_fresh, parse_token

logger = logging.getLogger("authguard")

Status = Literal["signed-in", "signed-out", "handshake"]
Headers = tuple[tuple[str, str], ...]
SESSION_PENDING = "session-pending"
#: A handshake that could not be resolved on a development instance (Clerk throws there).
HANDSHAKE_FAILED = "unexpected-error"
AMBIGUOUS = "session-token-ambiguous"


@dataclass(frozen=True, slots=True)
class RequestState:
    """The outcome of authenticating one request.

    ``headers`` are response headers the adapter must add (debug headers; the handshake's
    ``Location``/``Set-Cookie``/``Cache-Control``). Each pair is its own header line, never
    comma-joined. ``status == "handshake"`` means: answer 307 with exactly these headers.
    """

    status: Status
    reason: str | None
    message: str | None
    token: str | None
    auth: Auth
    headers: Headers = ()

    @property
    def is_signed_in(self) -> bool:
        return self.status == "signed-in"


@dataclass(frozen=True, slots=True)
class Verifying:
    """A parsed token waiting for its key. ``cookie`` is set for cookie tokens (SPEC §12),
    ``directives`` when the token came back from a handshake."""

    token: str
    parsed: ParsedToken
    cookie: CookieInputs | None = None
    directives: Directives | None = None


@dataclass(frozen=True, slots=True)
class Resolving:
    """A handshake nonce (``parsed`` None) or a parsed legacy handshake token awaiting I/O."""

    inputs: CookieInputs
    parsed: ParsedToken | None


Step = Verifying | Resolving


class StateBuilder:
    """Builds ``RequestState`` objects for one configuration."""

    settings: Settings
    navigator: Navigator

    def _signed_out(
        self,
        request: RequestInfo,
        reason: str,
        message: str | None,
        *,
        token: str | None = None,
        extra: Headers = (),
    ) -> RequestState:
        context = AuthContext(self.navigator, request)
        auth = Auth.signed_out(reason, context=context, message=message)
        return self._state("signed-out", reason, message, token, auth, extra)

    def _signed_in(
        self, request: RequestInfo, session: SessionClaims, extra: Headers = ()
    ) -> RequestState:
        if session.session_status == "pending":
            context = AuthContext(self.navigator, request)
            auth = Auth.signed_out(SESSION_PENDING, context=context, session_status="pending")
            message = "The session is pending."
            return self._state("signed-out", SESSION_PENDING, message, session.token, auth, extra)
        # the AuthContext is built on first use (Auth.context): a redirect is rare here
        auth = Auth(session, None, None, session.session_status, (self.navigator, request))
        return self._state("signed-in", None, None, session.token, auth, extra)

    def _state(
        self,
        status: Status,
        reason: str | None,
        message: str | None,
        token: str | None,
        auth: Auth,
        extra: Headers = (),
    ) -> RequestState:
        headers = extra
        if self.settings.debug:
            headers = extra + _debug_headers(status, reason, message)
            logger.info("authguard: %s%s", status, f" ({reason})" if reason else "")
        return RequestState(status, reason, message, token, auth, headers)


class CookieFlow(StateBuilder):
    """SPEC §12 for cookie requests: decide, redirect to the handshake, come back."""

    clock: Callable[[], float]
    _requires_kid: bool
    _cache: TokenCache

    def _cookie_start(self, request: RequestInfo, inputs: CookieInputs) -> RequestState | Step:
        if inputs.nonce or inputs.handshake_token:
            return self._resolving(request, inputs)
        reason = precheck(inputs, self.settings)
        if reason == UAT_AND_TOKEN_MISSING:
            return self._signed_out(request, reason, MESSAGES[reason])
        if reason is not None:
            return self._handshake_or_out(request, inputs, reason, MESSAGES[reason])
        if inputs.session is None:  # pragma: no cover - precheck stops token-less requests
            return self._signed_out(request, UAT_AND_TOKEN_MISSING, None)
        if len(set(inputs.session_values)) > 1:
            return self._signed_out(request, AMBIGUOUS, "Two different session cookies were sent.")
        return self._cookie_token(request, inputs, inputs.session)

    def _cookie_token(
        self, request: RequestInfo, inputs: CookieInputs, token: str
    ) -> RequestState | Step:
        cached = self._cache.get(token)  # TokenCache locks its own mutations
        if cached is not None:
            if iat_before_uat(cached.claims, inputs):
                return self._stale(request, inputs)
            try:
                check_fresh(cached, self.settings, self.clock())
            except TokenVerificationError as exc:
                return self._cookie_failed(request, inputs, exc, token)
            return self._signed_in(request, cached)
        try:
            parsed = parse_token(token, self.settings, requires_kid=self._requires_kid)
        except TokenVerificationError as exc:
            return self._signed_out(request, exc.reason, exc.message, token=token)
        if iat_before_uat(parsed.payload, inputs):
            return self._stale(request, inputs)
        return Verifying(token, parsed, cookie=inputs)

    def _stale(self, request: RequestInfo, inputs: CookieInputs) -> RequestState:
        return self._handshake_or_out(request, inputs, IAT_BEFORE_UAT, MESSAGES[IAT_BEFORE_UAT])

    def _cookie_failed(
        self, request: RequestInfo, inputs: CookieInputs, exc: TokenVerificationError, token: str
    ) -> RequestState:
        """Clerk's token-error handler: time errors of a cookie token may be cured."""
        if exc.reason in CURABLE:
            return self._handshake_or_out(request, inputs, CURABLE[exc.reason], exc.message)
        return self._signed_out(request, exc.reason, exc.message, token=token)

    def _handshake_or_out(
        self, request: RequestInfo, inputs: CookieInputs, reason: str, message: str | None
    ) -> RequestState:
        """A 307 to the Frontend API for GET page loads, else signed-out with ``reason``."""
        frontend_api = self.settings.frontend_api
        if frontend_api is None or not is_eligible(request):
            return self._signed_out(request, reason, message, token=inputs.session)
        if inputs.redirect_count >= MAX_REDIRECTS:
            loop_hint(reason)
            return self._signed_out(request, reason, message, token=inputs.session)
        development = self.settings.is_development
        return_url = self.navigator.return_url(request)
        url = handshake_url(frontend_api, return_url, inputs, reason, development=development)
        location = safe_location(url)
        if location is None:
            return self._signed_out(request, reason, message, token=inputs.session)
        auth = Auth.signed_out(
            reason, context=AuthContext(self.navigator, request), message=message
        )
        headers = handshake_headers(location, inputs.redirect_count)
        return self._state("handshake", reason, message, inputs.session, auth, headers)

    # -- the way back ---------------------------------------------------------------

    def _resolving(self, request: RequestInfo, inputs: CookieInputs) -> RequestState | Step:
        if inputs.nonce:
            return Resolving(inputs, None)
        try:
            parsed = parse_token(inputs.handshake_token or "", self.settings, requires_kid=False)
        except TokenVerificationError as exc:
            error = HandshakeError(f"the handshake token is invalid ({exc.reason})")
            return self._unresolved(request, inputs, error)
        return Resolving(inputs, parsed)

    def _resolved(
        self, request: RequestInfo, step: Resolving, outcome: Directives | HandshakeError
    ) -> RequestState | Step:
        if isinstance(outcome, HandshakeError):
            return self._unresolved(request, step.inputs, outcome)
        token = outcome.session_token
        if token is None:
            return self._no_session(request, outcome)
        try:
            parsed = parse_token(token, self.settings, requires_kid=self._requires_kid)
        except TokenVerificationError as exc:
            error = HandshakeError(f"the handshake's session token is invalid ({exc.reason})")
            return self._unresolved(request, step.inputs, error)
        return Verifying(token, parsed, cookie=step.inputs, directives=outcome)

    def _unresolved(
        self, request: RequestInfo, inputs: CookieInputs, error: HandshakeError
    ) -> RequestState | Step:
        """Production goes on as if no handshake came back; development stops signed-out."""
        logger.warning("authguard: the handshake could not be resolved: %s", error)
        if self.settings.is_development:
            message = "The handshake could not be resolved."
            return self._signed_out(request, HANDSHAKE_FAILED, message)
        return self._cookie_start(request, replace(inputs, nonce=None, handshake_token=None))

    def _no_session(self, request: RequestInfo, directives: Directives) -> RequestState:
        """Signed-out, keeping the directives (they clear the cookies); development still
        strips the handshake parameters with a 307, as Clerk does."""
        reason, message = SESSION_TOKEN_MISSING, MESSAGES[SESSION_TOKEN_MISSING]
        location = self._dev_return(request)
        if location is None:
            return self._signed_out(request, reason, message, extra=directives.headers)
        auth = Auth.signed_out(
            reason, context=AuthContext(self.navigator, request), message=message
        )
        headers = _return_headers(location, directives)
        return self._state("handshake", reason, message, None, auth, headers)

    def _handshake_done(
        self, request: RequestInfo, session: SessionClaims, directives: Directives
    ) -> RequestState:
        """Signed-in with the new cookies; development first strips the handshake params."""
        location = self._dev_return(request)
        if location is None:
            return self._signed_in(request, session, directives.headers)
        auth = Auth.signed_in(session, context=AuthContext(self.navigator, request))
        headers = _return_headers(location, directives)
        return self._state("handshake", None, None, session.token, auth, headers)

    def _dev_return(self, request: RequestInfo) -> str | None:
        """The current URL without the handshake parameters, on development instances only."""
        if not self.settings.is_development:
            return None
        return safe_location(strip_query(self.navigator.return_url(request), RETURN_STRIPPED))


def _return_headers(location: str, directives: Directives) -> Headers:
    return (("Location", location), ("Cache-Control", "no-store"), *directives.headers)


def _debug_headers(status: str, reason: str | None, message: str | None) -> Headers:
    headers = [("x-clerk-auth-status", status)]
    if reason:
        headers.append(("x-clerk-auth-reason", reason))
    if message:
        headers.append(("x-clerk-auth-message", " ".join(message.split())))
    return tuple(headers)
