"""The way back from a handshake (SPEC §12): nonce exchange, legacy token, cookie directives.

``PayloadFetcher`` exchanges a ``__clerk_handshake_nonce`` at the Backend API under the same
rules as the JWKS download (overall ``http_timeout``, no redirects, size-capped body).
``parse_directives`` turns the returned ``Set-Cookie`` strings into headers and finds the new
session token. Every failure here is a :class:`HandshakeError` whose message is safe to log.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from authguard._http import (
    IDENTITY_HEADERS,
    PerLoop,
    Refused,
    aget,
    fresh_async_client,
    fresh_client,
    get,
)
from authguard.exceptions import TokenVerificationError
from authguard.handshake import API_VERSION
from authguard.settings import Settings
from authguard.tokens import ParsedToken, verify_signature

MAX_PAYLOAD_BYTES: Final = 64 * 1024
MAX_DIRECTIVES: Final = 50
MAX_DIRECTIVE_BYTES: Final = 8192
_DIRECTIVE: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+=[^;]*(;.*)?", re.DOTALL)


class HandshakeError(Exception):
    """A handshake could not be resolved; the message names no token, key or cookie value."""


@dataclass(frozen=True, slots=True)
class Directives:
    """The handshake's cookies: one ``Set-Cookie`` header each, and the new session token."""

    headers: tuple[tuple[str, str], ...]
    session_token: str | None


def parse_directives(raw: object) -> Directives:
    """Validate ``raw`` (a list of ``Set-Cookie`` strings); the session token is the value of
    the first directive whose name starts with ``__session``."""
    if not isinstance(raw, list) or len(raw) > MAX_DIRECTIVES:
        raise HandshakeError("the handshake payload is not a list of cookie directives")
    headers: list[tuple[str, str]] = []
    token: str | None = None
    found = False
    for directive in raw:
        if not _valid_directive(directive):
            raise HandshakeError("the handshake payload holds an invalid cookie directive")
        headers.append(("Set-Cookie", directive))
        name, _, value = directive.split(";", 1)[0].partition("=")
        if not found and name.strip().startswith("__session"):
            found = True
            token = value.strip() or None
    return Directives(tuple(headers), token)


def _valid_directive(directive: object) -> bool:
    if not isinstance(directive, str) or len(directive) > MAX_DIRECTIVE_BYTES:
        return False
    if any(c in directive for c in "\r\n\x00"):
        return False
    return _DIRECTIVE.fullmatch(directive) is not None


def _decode_payload(body: bytes) -> object:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise HandshakeError("the handshake payload is not JSON") from exc
    if not isinstance(document, dict):
        raise HandshakeError("the handshake payload is not a JSON object")
    return document.get("directives")


def _failure(exc: Exception, limit: float) -> HandshakeError:
    if isinstance(exc, Refused):
        return HandshakeError(f"the nonce exchange failed: {exc}")
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return HandshakeError(f"the nonce exchange got no complete response within {limit} s")
    return HandshakeError(f"the nonce exchange failed ({type(exc).__name__})")


class PayloadFetcher:
    """Exchanges nonces at ``{api_url}/{api_version}/clients/handshake_payload``."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        base = f"{settings.api_url.rstrip('/')}/{settings.api_version.strip('/')}"
        self._url = f"{base}/clients/handshake_payload"
        self._secret = settings.secret_key
        self._limit = settings.http_timeout
        self._transport = transport
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()
        self._loops = PerLoop(lambda: fresh_async_client(async_transport))

    def _request(self, nonce: str) -> tuple[str, Mapping[str, str]]:
        if not self._secret:
            raise HandshakeError("a nonce exchange needs secret_key")
        headers = {
            **IDENTITY_HEADERS,
            "Authorization": f"Bearer {self._secret}",
            "Clerk-API-Version": API_VERSION,
        }
        return f"{self._url}?nonce={quote(nonce, safe='')}", headers

    def fetch(self, nonce: str) -> Directives:
        """Blocking exchange (for ``Guard.authenticate``)."""
        url, headers = self._request(nonce)
        try:
            body = get(
                self._sync_client(), url, headers, limit=self._limit, max_bytes=MAX_PAYLOAD_BYTES
            )
        except Exception as exc:
            raise _failure(exc, self._limit) from exc
        return parse_directives(_decode_payload(body))

    async def afetch(self, nonce: str) -> Directives:
        """Async exchange (for ``Guard.aauthenticate``); one client per event loop."""
        url, headers = self._request(nonce)
        client = self._loops.get()
        try:
            body = await aget(client, url, headers, limit=self._limit, max_bytes=MAX_PAYLOAD_BYTES)
        except Exception as exc:
            raise _failure(exc, self._limit) from exc
        return parse_directives(_decode_payload(body))

    def _sync_client(self) -> httpx.Client:
        with self._client_lock:
            if self._client is None:
                self._client = fresh_client(self._transport)
            return self._client

    def close(self) -> None:
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()
        self._loops.clear()

    async def aclose(self) -> None:
        client = self._loops.pop_current()
        if client is not None:
            await client.aclose()
        self.close()


def handshake_payload(payload: Mapping[str, Any]) -> Directives:
    """The directives of a verified legacy ``__clerk_handshake`` token's payload."""
    return parse_directives(payload.get("handshake"))


def legacy_directives(parsed: ParsedToken, key: RSAPublicKey) -> Directives:
    """Verify a legacy ``__clerk_handshake`` token's signature (only: no exp/nbf/iat/azp
    checks, as Clerk) and return its directives."""
    try:
        verify_signature(parsed, key)
    except TokenVerificationError as exc:
        raise HandshakeError("the handshake token's signature is invalid") from exc
    return handshake_payload(parsed.payload)
