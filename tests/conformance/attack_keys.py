"""Keys and raw signers for the attack rows.

The loopback JWKS (``attack_server``) publishes the conformance key plus keys that must never be
usable: an ``oct`` secret, an EC P-256 key, a 1024-bit RSA key, an RSA key whose JWK says
``alg: HS256`` and one whose JWK says ``use: enc``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from functools import cache
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from harness import KEY

from authguard.testing import KeyPair, b64url

OCT_SECRET = b"an-hmac-secret-that-is-long-enough-32b"
EC_KEY = ec.generate_private_key(ec.SECP256R1())
WEAK = KeyPair.generate(bits=1024, kid="weak")
HS_ALG_KEY = KeyPair.generate(kid="hs-alg")
ENC_KEY = KeyPair.generate(kid="enc")


def _ec_jwk() -> dict[str, Any]:
    numbers = EC_KEY.public_key().public_numbers()
    return {
        "kty": "EC",
        "kid": "ec",
        "crv": "P-256",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
        "alg": "ES256",
        "use": "sig",
    }


@cache
def jwks_document() -> dict[str, Any]:
    """The loopback key set: one good key and every kind of key that must be skipped."""
    return {
        "keys": [
            KEY.jwk(),
            {"kty": "oct", "kid": "oct", "k": b64url(OCT_SECRET), "alg": "HS256"},
            _ec_jwk(),
            WEAK.jwk(),
            {**HS_ALG_KEY.jwk(), "alg": "HS256"},
            {**ENC_KEY.jwk(), "use": "enc"},
        ]
    }


def claims(**overrides: Any) -> dict[str, Any]:
    """Fresh, valid session claims; a value of None removes the member."""
    now = int(time.time())
    values: dict[str, Any] = {
        "sub": "user_attack",
        "sid": "sess_attack",
        "iat": now,
        "nbf": now - 10,
        "exp": now + 60,
    }
    for name, value in overrides.items():
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
    return values


def header(**overrides: Any) -> dict[str, Any]:
    """A Clerk session-token header for ``KEY``; a value of None removes the member."""
    values: dict[str, Any] = {"alg": "RS256", "typ": "JWT", "kid": KEY.kid}
    for name, value in overrides.items():
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
    return values


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def signing_input(head: bytes, body: bytes) -> bytes:
    return f"{b64url(head)}.{b64url(body)}".encode("ascii")


def rsa_sign(head: bytes | dict[str, Any], body: bytes | dict[str, Any], key: KeyPair = KEY) -> str:
    """RS256 over exactly these bytes (dicts are serialised compactly)."""
    data = signing_input(_raw(head), _raw(body))
    private: RSAPrivateKey = key.private_key
    signature = private.sign(data, padding.PKCS1v15(), hashes.SHA256())
    return f"{data.decode()}.{b64url(signature)}"


def hmac_sign(head: dict[str, Any], body: dict[str, Any], secret: bytes) -> str:
    data = signing_input(dumps(head), dumps(body))
    return f"{data.decode()}.{b64url(hmac.new(secret, data, hashlib.sha256).digest())}"


def es256_sign(head: dict[str, Any], body: dict[str, Any]) -> str:
    data = signing_input(dumps(head), dumps(body))
    der = EC_KEY.sign(data, ec.ECDSA(hashes.SHA256()))
    return f"{data.decode()}.{b64url(der)}"


def unsigned(head: dict[str, Any], body: dict[str, Any], signature: bytes) -> str:
    return f"{signing_input(dumps(head), dumps(body)).decode()}.{b64url(signature)}"


def public_der() -> bytes:
    return KEY.public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _raw(value: bytes | dict[str, Any]) -> bytes:
    return value if isinstance(value, bytes) else dumps(value)
