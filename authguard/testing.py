"""Key pairs, JWKS documents and Clerk-shaped session tokens for tests (ours and users').

Nothing here is used by the library at run time; it only needs ``cryptography``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from authguard.settings import cookie_suffix

SESSION_TOKEN_CATEGORY: Final = "cl_B7d4PD111AAA"

_HASHES: Final[dict[str, type[hashes.HashAlgorithm]]] = {
    "256": hashes.SHA256,
    "384": hashes.SHA384,
    "512": hashes.SHA512,
}
_HMAC_DIGESTS: Final = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}


class _Default:
    """Sentinel type: "use the key's kid" (``None`` means "omit the kid")."""


_KEY_KID: Final = _Default()


def b64url(data: bytes) -> str:
    """Unpadded base64url, as JWS uses it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8 or 1, "big"))


@dataclass(frozen=True)
class KeyPair:
    """An RSA signing key with a ``kid``; publishes itself as PEM or JWK."""

    kid: str
    private_key: RSAPrivateKey

    @property
    def public_key(self) -> RSAPublicKey:
        return self.private_key.public_key()

    @classmethod
    def generate(cls, bits: int = 2048, kid: str | None = None) -> KeyPair:
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        return cls(kid=kid if kid is not None else "ins_" + secrets.token_hex(12), private_key=key)

    @classmethod
    def from_private_pem(cls, pem: str | bytes, kid: str) -> KeyPair:
        data = pem.encode() if isinstance(pem, str) else pem
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, RSAPrivateKey):
            raise ValueError("not an RSA private key")
        return cls(kid=kid, private_key=key)

    def private_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")

    def public_pem(self) -> str:
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    def jwk(self) -> dict[str, Any]:
        numbers = self.public_key.public_numbers()
        return {
            "kty": "RSA",
            "kid": self.kid,
            "use": "sig",
            "alg": "RS256",
            "n": _int_b64(numbers.n),
            "e": _int_b64(numbers.e),
        }


def jwks(*pairs: KeyPair) -> dict[str, Any]:
    """A JWKS document (``{"keys": [...]}``) publishing the given keys."""
    return {"keys": [pair.jwk() for pair in pairs]}


def _compact(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def sign_jwt(
    key: KeyPair,
    header: Mapping[str, Any],
    payload: Mapping[str, Any] | bytes,
    *,
    alg: str = "RS256",
) -> str:
    """Sign exactly what is given (the raw signer for attack tests).

    ``header`` is serialised as given (it is not made to agree with ``alg``); ``payload`` bytes
    are used verbatim. ``alg`` picks how to sign: ``RS*`` with the private key, ``HS*`` with the
    public PEM as the HMAC secret (the classic algorithm-confusion attack), ``none`` an empty
    signature; anything else signs like RS256.
    """
    body = payload if isinstance(payload, bytes) else _compact(payload)
    signing_input = f"{b64url(_compact(header))}.{b64url(body)}".encode("ascii")
    bits = alg[2:]
    if alg == "none":
        signature = b""
    elif alg.startswith("HS") and bits in _HMAC_DIGESTS:
        secret = key.public_pem().encode()
        signature = hmac.new(secret, signing_input, _HMAC_DIGESTS[bits]).digest()
    else:
        digest = _HASHES.get(bits, hashes.SHA256)()
        signature = key.private_key.sign(signing_input, padding.PKCS1v15(), digest)
    return f"{signing_input.decode('ascii')}.{b64url(signature)}"


def _group_permissions(permissions: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Distinct permission names (bit order) and the permissions of each feature."""
    perm_names: list[str] = []
    by_feature: dict[str, list[str]] = {}
    for permission in permissions:
        parts = permission.split(":")
        if len(parts) != 3 or parts[0] != "org" or not parts[1] or not parts[2]:
            raise ValueError(f"permissions must look like org:<feature>:<perm>, got {permission!r}")
        by_feature.setdefault(parts[1], []).append(parts[2])
        if parts[2] not in perm_names:
            perm_names.append(parts[2])
    return perm_names, by_feature


def _org_v2(
    org_id: str,
    org_slug: str | None,
    org_role: str | None,
    permissions: Sequence[str],
    features: list[str],
) -> tuple[dict[str, Any], list[str]]:
    """The compact ``o`` claim; returns it and ``fea`` extended with the org features needed."""
    perm_names, by_feature = _group_permissions(permissions)
    org_features = [f.split(":", 1)[1] for f in features if f.split(":", 1)[0] in ("o", "ou", "uo")]
    features = features + [f"o:{name}" for name in by_feature if name not in org_features]
    org_features += [name for name in by_feature if name not in org_features]
    o: dict[str, Any] = {"id": org_id}
    if org_slug is not None:
        o["slg"] = org_slug
    if org_role is not None:
        o["rol"] = org_role.removeprefix("org:")
    if permissions:
        masks = [
            sum(1 << perm_names.index(p) for p in by_feature.get(name, ())) for name in org_features
        ]
        o["per"] = ",".join(perm_names)
        o["fpm"] = ",".join(str(m) for m in masks)
    return o, features


def _org_claims(
    version: int,
    org: tuple[str | None, str | None, str | None],
    permissions: Sequence[str],
    features: list[str],
) -> tuple[dict[str, Any], list[str]]:
    org_id, org_slug, org_role = org
    if org_id is None:
        return {}, features
    if version == 2:
        o, features = _org_v2(org_id, org_slug, org_role, permissions, features)
        return {"o": o}, features
    claims: dict[str, Any] = {"org_id": org_id, "org_permissions": list(permissions)}
    if org_slug is not None:
        claims["org_slug"] = org_slug
    if org_role is not None:
        claims["org_role"] = org_role if org_role.startswith("org:") else f"org:{org_role}"
    return claims, features


def _merge(base: dict[str, Any], extra: Mapping[str, Any] | None) -> dict[str, Any]:
    """Overlay ``extra``; a value of None removes the member."""
    for name, value in (extra or {}).items():
        if value is None:
            base.pop(name, None)
        else:
            base[name] = value
    return base


def mint_session_token(
    key: KeyPair,
    *,
    user_id: str = "user_2test",
    session_id: str = "sess_2test",
    version: int = 2,
    org_id: str | None = None,
    org_slug: str | None = None,
    org_role: str | None = None,
    org_permissions: Iterable[str] = (),
    features: Iterable[str] = (),
    plans: Iterable[str] = (),
    fva: Sequence[int] | None = None,
    sts: str | None = None,
    act: Mapping[str, Any] | None = None,
    azp: str | None = None,
    iss: str | None = None,
    aud: str | Sequence[str] | None = None,
    now: float | None = None,
    issued_at: float | None = None,
    expires_in: float = 60,
    not_before: float | None = None,
    extra_claims: Mapping[str, Any] | None = None,
    extra_headers: Mapping[str, Any] | None = None,
    alg: str = "RS256",
    kid: str | _Default | None = _KEY_KID,
) -> str:
    """A Clerk-shaped session token (v2 by default, ``version=1`` for the old org claims).

    ``exp = now + expires_in``; ``iat = issued_at`` (default ``now``); ``nbf = not_before``
    (default ``iat - 10``, as Clerk does). Permissions are ``org:<feature>:<perm>`` strings; in
    v2 they are encoded into ``fea``/``o.per``/``o.fpm``. ``extra_claims``/``extra_headers``
    overlay the result (a value of None removes that member). ``kid=None`` omits the kid.
    """
    current = time.time() if now is None else now
    iat = int(current if issued_at is None else issued_at)
    claims: dict[str, Any] = {"v": 2} if version == 2 else {}
    claims.update(sub=user_id, sid=session_id, iat=iat, exp=int(current + expires_in))
    claims["nbf"] = int(iat - 10 if not_before is None else not_before)
    optional = {"iss": iss, "azp": azp, "aud": aud, "sts": sts}
    claims.update({name: value for name, value in optional.items() if value is not None})
    if fva is not None:
        claims["fva"] = list(fva)
    if act is not None:
        claims["act"] = dict(act)
    org, fea = _org_claims(
        version, (org_id, org_slug, org_role), list(org_permissions), list(features)
    )
    claims.update(org)
    if fea:
        claims["fea"] = ",".join(fea)
    plan_list = list(plans)
    if plan_list:
        claims["pla"] = ",".join(plan_list)
    header: dict[str, Any] = {"alg": alg, "typ": "JWT"}
    resolved_kid = key.kid if isinstance(kid, _Default) else kid
    if resolved_kid is not None:
        header["kid"] = resolved_kid
    header["cat"] = SESSION_TOKEN_CATEGORY
    return sign_jwt(key, _merge(header, extra_headers), _merge(claims, extra_claims), alg=alg)


def session_cookies(token: str, *, publishable_key: str | None = None) -> dict[str, str]:
    """The cookies of a browser signed in through Clerk, for a cookie-authenticated test request.

    ``__session`` alone is not a session (SPEC §12): Clerk's browsers also carry
    ``__client_uat`` (here the token's ``iat``) and, on development instances (``pk_test_``),
    the dev-browser token ``__clerk_db_jwt``. With ``publishable_key`` the names are suffixed
    as ClerkJS writes them.
    """
    payload = json.loads(base64.urlsafe_b64decode(_pad(token.split(".")[1])))
    suffix = f"_{cookie_suffix(publishable_key)}" if publishable_key else ""
    cookies = {f"__session{suffix}": token, f"__client_uat{suffix}": str(int(payload["iat"]))}
    if publishable_key and not publishable_key.startswith("pk_live_"):
        cookies["__clerk_db_jwt"] = "dvb_authguard_testing"
    return cookies


def _pad(segment: str) -> str:
    return segment + "=" * (-len(segment) % 4)
