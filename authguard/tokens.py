"""Token extraction (SPEC §2) and verification steps 1-3, 5 and 6 (SPEC §3).

Every function here raises only ``TokenVerificationError``; messages never carry the token or
claim values (the exp/now dates of an expired token excepted, as Clerk reports them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final, Literal, NamedTuple, NoReturn

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from authguard._jws import split_token
from authguard.claims import SessionClaims
from authguard.exceptions import TokenVerificationError
from authguard.request import RequestInfo, origin_of
from authguard.settings import Settings

SESSION_COOKIE: Final = "__session"
ALLOWED_CATEGORIES: Final = frozenset({"cl_B7d4PD111AAA", "cl_I7d4PD111III"})
FORBIDDEN_HEADER_MEMBERS: Final = ("crit", "jku", "x5u", "x5c", "jwk")
_FORBIDDEN_SET: Final = frozenset(FORBIDDEN_HEADER_MEMBERS)
UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_HASHES: Final[dict[str, type[hashes.HashAlgorithm]]] = {
    "RS256": hashes.SHA256,
    "RS384": hashes.SHA384,
    "RS512": hashes.SHA512,
}


class Extracted(NamedTuple):
    """Where the request's token came from, or why the request is signed-out before verifying.

    A ``NamedTuple`` (immutable, and cheaper to build than a frozen dataclass: one is built
    per request)."""

    token: str | None
    carrier: Literal["header", "cookie"] | None
    reason: str | None = None


class ParsedToken(NamedTuple):
    """A structurally valid compact JWS whose header passed SPEC §3 steps 2-3.

    A ``NamedTuple`` (immutable, and cheaper to build than a frozen dataclass: one is built
    per verified token)."""

    header: Mapping[str, Any]
    payload: Mapping[str, Any]
    signing_input: bytes
    signature: bytes
    alg: str
    kid: str | None


def _fail(reason: str, message: str) -> NoReturn:
    raise TokenVerificationError(reason, message)


# -- SPEC §2: extraction -----------------------------------------------------------------


def parse_cookies(cookie_header: str) -> dict[str, list[str]]:
    """Every cookie value by name, in order; no percent-decoding; never raises."""
    cookies: dict[str, list[str]] = {}
    if not isinstance(cookie_header, str):
        return cookies
    for part in cookie_header.split(";"):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or not name:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            value = value[1:-1]
        cookies.setdefault(name, []).append(value)
    return cookies


def extract_token(request: RequestInfo, settings: Settings) -> Extracted:
    """Pick the request's session token: Bearer header first, else the session cookie."""
    authorization = request.headers.get("authorization", "")
    parts = authorization.split()
    if parts and parts[0].lower() == "bearer":
        if len(parts) != 2 or "," in authorization:
            return Extracted(None, "header", "token-invalid")
        return Extracted(parts[1], "header")
    if "," in authorization and any(
        piece.split()[:1] == ["bearer"] for piece in authorization.lower().split(",")
    ):
        # Two Authorization headers joined, one of them Bearer: ambiguous, never fall back.
        return Extracted(None, "header", "token-invalid")
    return _from_cookie(request, settings)


def _from_cookie(request: RequestInfo, settings: Settings) -> Extracted:
    cookies = parse_cookies(request.cookie_header)
    values: list[str] = []
    if settings.cookie_suffix:
        values = [v for v in cookies.get(f"{SESSION_COOKIE}_{settings.cookie_suffix}", ()) if v]
    if not values:
        values = [v for v in cookies.get(SESSION_COOKIE, ()) if v]
    if not values:
        return Extracted(None, None)
    if len(set(values)) > 1:
        return Extracted(None, "cookie", "session-token-ambiguous")
    if request.method.upper() in UNSAFE_METHODS and _cross_origin(request, settings):
        return Extracted(None, "cookie", "cross-origin-cookie")
    return Extracted(values[0], "cookie")


def _cross_origin(request: RequestInfo, settings: Settings) -> bool:
    """SPEC §2.4: an Origin (else Referer) that is not one of the app's origins."""
    origin = request.headers.get("origin")
    if origin is None:
        referer = request.headers.get("referer")
        if referer is None:
            return False
        origin = referer
    claimed = origin_of(origin.strip())
    if claimed is None:
        return True  # "null", opaque or unparsable origins are never trusted
    configured = [settings.app_origin or "", *settings.authorized_parties]
    trusted = {o for o in map(origin_of, configured) if o}
    if not trusted:
        trusted = {request.origin}
    return claimed not in trusted


# -- SPEC §3 steps 1-3 and 5 ------------------------------------------------------------


def parse_token(token: str, settings: Settings, *, requires_kid: bool) -> ParsedToken:
    """Steps 1-3: strict structure, header rules, algorithm allow-list."""
    header, payload, signing_input, signature = split_token(token, settings.max_token_bytes)
    typ = header.get("typ", "JWT")
    if typ != "JWT" or not isinstance(typ, str):
        _fail("token-invalid", "Invalid JWT type. Expected JWT.")
    cat = header.get("cat")
    if "cat" in header and not (isinstance(cat, str) and cat in ALLOWED_CATEGORIES):
        _fail("token-invalid", "Invalid JWT category: not a session token.")
    if not _FORBIDDEN_SET.isdisjoint(header):
        member = next(m for m in FORBIDDEN_HEADER_MEMBERS if m in header)
        _fail("token-invalid", f"Invalid JWT header: '{member}' is not accepted.")
    kid = header.get("kid")
    if requires_kid and not isinstance(kid, str):
        _fail("token-invalid", "Invalid JWT header: 'kid' must be a string.")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in settings.algorithms or alg not in _HASHES:
        allowed = ", ".join(settings.algorithms)
        _fail("token-invalid-algorithm", f"Invalid JWT algorithm. Supported: {allowed}.")
    return ParsedToken(
        header, payload, signing_input, signature, alg, kid if isinstance(kid, str) else None
    )


def verify_signature(parsed: ParsedToken, key: RSAPublicKey) -> None:
    """Step 5: RSASSA-PKCS1-v1_5 with the algorithm's hash."""
    try:
        hash_type = _HASHES[parsed.alg]
        key.verify(parsed.signature, parsed.signing_input, padding.PKCS1v15(), hash_type())
    except Exception:  # any failure to verify is a bad signature, never a crash
        _fail("token-invalid-signature", "JWT signature is invalid.")


# -- SPEC §3 step 6 ---------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return type(value) is int or (type(value) is float and math.isfinite(value))


def _date(value: float) -> str:
    try:
        return datetime.fromtimestamp(value, tz=UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    except (OverflowError, ValueError, OSError):
        return "out of range"


def _require_subject(payload: Mapping[str, Any]) -> None:
    for name, label in (("sub", "Subject"), ("sid", "Session ID")):
        value = payload.get(name)
        if not isinstance(value, str) or not value:
            _fail("token-verification-failed", f"{label} claim ({name}) is missing or invalid.")


def _require_time(payload: Mapping[str, Any], name: str, *, required: bool) -> Any:
    value = payload.get(name)
    if (required or name in payload) and not _is_number(value):
        _fail("token-verification-failed", f"Invalid JWT claim ({name}): expected a number.")
    return value


def _check_times(payload: Mapping[str, Any], skew: float, now: float) -> None:
    exp = _require_time(payload, "exp", required=True)
    _check_exp(exp, skew, now)
    nbf = _require_time(payload, "nbf", required=False)
    _check_nbf(nbf, skew, now)
    iat = _require_time(payload, "iat", required=False)
    if iat is not None and iat > now + skew:
        _fail(
            "token-iat-in-the-future",
            f"JWT issued at date claim (iat) is in the future. Issued at: {_date(iat)}, "
            f"Current date: {_date(now)}.",
        )


def _check_exp(exp: float, skew: float, now: float) -> None:
    if not exp > now - skew:
        _fail(
            "token-expired",
            f"JWT is expired. Expiry date: {_date(exp)}, Current date: {_date(now)}.",
        )


def _check_nbf(nbf: float | None, skew: float, now: float) -> None:
    if nbf is not None and nbf > now + skew:
        _fail(
            "token-not-active-yet",
            f"JWT cannot be used prior to not before date claim (nbf). Not before: {_date(nbf)}, "
            f"Current date: {_date(now)}.",
        )


def _check_parties(payload: Mapping[str, Any], settings: Settings) -> None:
    if settings.authorized_parties:
        azp = payload.get("azp")
        if not isinstance(azp, str) or azp not in settings.authorized_parties:
            _fail(
                "token-invalid-authorized-parties",
                "Invalid JWT Authorized party claim (azp): not one of the authorized parties.",
            )
    if settings.issuer is not None and payload.get("iss") != settings.issuer:
        _fail("token-verification-failed", "Invalid JWT issuer claim (iss).")
    audience_rule = "aud" in payload or settings.audience is not None
    if audience_rule and not _audience_ok(payload.get("aud"), settings.audience):
        _fail("token-verification-failed", "Invalid JWT audience claim (aud).")


def _audience_ok(aud: object, expected: str | None) -> bool:
    if expected is None:
        return False
    if isinstance(aud, str):
        return aud == expected
    return isinstance(aud, list) and all(isinstance(a, str) for a in aud) and expected in aud


def check_claims(payload: Mapping[str, Any], settings: Settings, now: float) -> None:
    """Step 6, in SPEC order: sub, sid, exp, nbf, iat, azp, iss, aud."""
    if not isinstance(payload, Mapping):
        _fail("token-verification-failed", "JWT payload is not an object.")
    _require_subject(payload)
    _check_times(payload, settings.clock_skew, now)
    _check_parties(payload, settings)


def check_fresh(session: SessionClaims, settings: Settings, now: float) -> None:
    """The exp/nbf re-check for a token found in the verified-token cache."""
    skew = settings.clock_skew
    nbf = session.not_before
    if session.expires_at > now - skew and (nbf is None or not nbf > now + skew):
        return  # the hot path: both checks below pass
    _check_exp(session.expires_at, skew, now)
    _check_nbf(nbf, skew, now)
