"""Parse a JWKS document (RFC 7517) into RSA key objects, once per fetch.

Pure: bytes in, ``{kid: RSAPublicKey}`` out. Unusable entries are skipped one by one so that a
single odd key never takes the whole set down; a document with no usable key at all is an error
(the caller treats it as a failed fetch and keeps what it had).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey, RSAPublicNumbers

from authguard.settings import ALLOWED_ALGORITHMS, MIN_RSA_BITS

MAX_KEYS = 100
# Verification cost grows with the modulus; nobody signs session tokens with more than this.
MAX_RSA_BITS = 8192
_B64URL_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class JWKSError(Exception):
    """The document is not a usable key set; the message says why (never key material)."""


def parse_jwks(body: bytes) -> dict[str, RSAPublicKey]:
    """Return the usable signing keys of a JWKS document, keyed by ``kid``.

    Raises JWKSError when the body is not JSON, not ``{"keys": [...]}``, or holds no usable key.
    """
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise JWKSError("response is not JSON") from exc
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise JWKSError('response is not a JWKS object ({"keys": [...]})')
    keys: dict[str, RSAPublicKey] = {}
    for entry in document["keys"][: MAX_KEYS * 4]:
        parsed = parse_jwk(entry)
        if parsed is not None and parsed[0] not in keys:
            keys[parsed[0]] = parsed[1]
            if len(keys) >= MAX_KEYS:
                break
    if not keys:
        raise JWKSError("no usable RSA signing key in the key set")
    return keys


def parse_jwk(entry: Any) -> tuple[str, RSAPublicKey] | None:
    """``(kid, key)`` for a usable RSA signing JWK, None for anything else."""
    if not isinstance(entry, Mapping) or not _usable_metadata(entry):
        return None
    modulus = _b64url_uint(entry.get("n"))
    exponent = _b64url_uint(entry.get("e"))
    if modulus is None or exponent is None:
        return None
    if not MIN_RSA_BITS <= modulus.bit_length() <= MAX_RSA_BITS:
        return None
    try:
        key = RSAPublicNumbers(exponent, modulus).public_key()
    except ValueError:
        return None
    return entry["kid"], key


def _usable_metadata(entry: Mapping[str, Any]) -> bool:
    kid, alg, use = entry.get("kid"), entry.get("alg"), entry.get("use")
    return (
        entry.get("kty") == "RSA"
        and isinstance(kid, str)
        and kid != ""
        and (alg is None or alg in ALLOWED_ALGORITHMS)
        and (use is None or use == "sig")
    )


def _b64url_uint(value: Any) -> int | None:
    # RFC 7518 §6.3.1: n and e are unpadded base64url big-endian unsigned integers.
    if not isinstance(value, str) or not value or not set(value) <= _B64URL_ALPHABET:
        return None
    if len(value) > (MAX_RSA_BITS // 6) + 4:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None
    number = int.from_bytes(raw, "big")
    return number or None
