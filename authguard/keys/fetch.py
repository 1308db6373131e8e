"""One JWKS download, sync or async, under an overall deadline and a body-size cap.

The bounded exchange itself (overall ``http_timeout``, no redirects, identity encoding, size cap)
is :mod:`authguard._http`; this module adds the JWKS's cap, parsing and :class:`FetchError`.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from authguard._http import Refused, aget, get
from authguard.keys.jwks import JWKSError, parse_jwks

MAX_BODY_BYTES = 512 * 1024


class FetchError(Exception):
    """The key set could not be fetched; the message is safe to log (no secrets, no keys)."""


def _as_fetch_error(exc: Exception, limit: float) -> FetchError:
    # Fail closed: whatever a transport raises becomes a failed fetch, never a crash upstream.
    if isinstance(exc, Refused):
        return FetchError(str(exc))
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return FetchError(f"no complete response within {limit} s")
    return FetchError(f"request failed ({type(exc).__name__})")


def _keys(body: bytes) -> dict[str, RSAPublicKey]:
    try:
        return parse_jwks(body)
    except JWKSError as exc:
        raise FetchError(str(exc)) from exc


def fetch_keys(
    client: httpx.Client, url: str, headers: Mapping[str, str], limit: float
) -> dict[str, RSAPublicKey]:
    """Download and parse the key set; raise FetchError on any failure."""
    try:
        body = get(client, url, headers, limit=limit, max_bytes=MAX_BODY_BYTES)
    except Exception as exc:
        raise _as_fetch_error(exc, limit) from exc
    return _keys(body)


async def afetch_keys(
    client: httpx.AsyncClient, url: str, headers: Mapping[str, str], limit: float
) -> dict[str, RSAPublicKey]:
    """Async twin of :func:`fetch_keys`, bounded by ``asyncio.timeout``."""
    try:
        body = await aget(client, url, headers, limit=limit, max_bytes=MAX_BODY_BYTES)
    except Exception as exc:
        raise _as_fetch_error(exc, limit) from exc
    return _keys(body)
