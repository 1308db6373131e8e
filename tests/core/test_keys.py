"""Key set: pure cache state, JWKS parsing and the static (jwt_key) set."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from hypothesis import given, settings
from hypothesis import strategies as st

from authguard.exceptions import TokenVerificationError
from authguard.keys import KeyCacheState, StaticKeySet, build_key_set
from authguard.keys.jwks import MAX_KEYS, JWKSError, parse_jwks
from authguard.settings import Settings

GOOD_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
WEAK_KEY = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
EC_KEY = ec.generate_private_key(ec.SECP256R1()).public_key()
GOOD_KID = "ins_good"
JWKS_URL = "https://keys.example.test/jwks.json"


def b64u(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64u_int(value: int) -> str:
    return b64u(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def rsa_jwk(key: RSAPublicKey = GOOD_KEY, kid: str = GOOD_KID, **extra: Any) -> dict[str, Any]:
    numbers = key.public_numbers()
    jwk = {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256"}
    jwk.update(n=b64u_int(numbers.n), e=b64u_int(numbers.e))
    jwk.update(extra)
    return {k: v for k, v in jwk.items() if v is not None}


def ec_jwk(kid: str = GOOD_KID) -> dict[str, Any]:
    numbers = EC_KEY.public_numbers()
    return {
        "kty": "EC",
        "kid": kid,
        "crv": "P-256",
        "alg": "ES256",
        "use": "sig",
        "x": b64u(numbers.x.to_bytes(32, "big")),
        "y": b64u(numbers.y.to_bytes(32, "big")),
    }


def same_key(a: RSAPublicKey, b: RSAPublicKey) -> bool:
    return a.public_numbers() == b.public_numbers()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# -- pure state ------------------------------------------------------------------------

T0 = 1000.0


def _state(**kw: Any) -> KeyCacheState:
    return KeyCacheState(ttl=300, miss_cooldown=30, failure_backoff=5, **kw)


LOADED = {"keys": {GOOD_KID: GOOD_KEY}, "loaded_at": T0, "attempted_at": T0}


@pytest.mark.parametrize(
    ("fields", "kid", "now", "expected"),
    [
        pytest.param({}, GOOD_KID, T0, True, id="cold"),
        pytest.param(LOADED, GOOD_KID, T0 + 299, False, id="fresh-known"),
        pytest.param(LOADED, GOOD_KID, T0 + 300, True, id="ttl-expired"),
        pytest.param(LOADED, "other", T0 + 29, False, id="unknown-in-cooldown"),
        pytest.param(LOADED, "other", T0 + 30, True, id="unknown-after-cooldown"),
        pytest.param(LOADED, GOOD_KID, T0 - 10, True, id="clock-went-back"),
        pytest.param({"failed_at": T0, "attempted_at": T0}, GOOD_KID, T0 + 4, False, id="backoff"),
        pytest.param(
            {"failed_at": T0, "attempted_at": T0}, GOOD_KID, T0 + 5, True, id="backoff-over"
        ),
        pytest.param(
            {**LOADED, "failed_at": T0 + 300}, GOOD_KID, T0 + 301, False, id="stale-backoff"
        ),
    ],
)
def test_needs_fetch(fields: dict[str, Any], kid: str, now: float, expected: bool) -> None:
    assert _state(**fields).needs_fetch(kid, now) is expected


@pytest.mark.parametrize(
    ("keys", "kid", "reason"),
    [
        ({}, GOOD_KID, "jwk-remote-failed-to-load"),
        ({GOOD_KID: GOOD_KEY}, "other", "jwk-kid-mismatch"),
        ({GOOD_KID: GOOD_KEY}, None, "jwk-kid-mismatch"),
    ],
)
def test_resolve_errors(keys: dict[str, RSAPublicKey], kid: str | None, reason: str) -> None:
    with pytest.raises(TokenVerificationError) as info:
        _state(keys=keys).resolve(kid)
    assert info.value.reason == reason


def test_failure_keeps_keys_and_success_replaces_them() -> None:
    state = _state()
    state.record_success({GOOD_KID: GOOD_KEY}, T0)
    state.record_failure("HTTP 500", T0 + 400)
    assert same_key(state.resolve(GOOD_KID), GOOD_KEY)
    assert state.in_backoff(T0 + 401)
    state.record_success({"new": WEAK_KEY}, T0 + 410)
    assert not state.in_backoff(T0 + 411)
    with pytest.raises(TokenVerificationError):
        state.resolve(GOOD_KID)


# -- JWKS parsing -----------------------------------------------------------------------

SKIPPED_ENTRIES = {
    "oct": {"kty": "oct", "kid": "x", "k": b64u(b"secret")},
    "ec": ec_jwk("x"),
    "rsa-1024": rsa_jwk(WEAK_KEY, "x"),
    "alg-hs256": rsa_jwk(kid="x", alg="HS256"),
    "alg-es256": rsa_jwk(kid="x", alg="ES256"),
    "use-enc": rsa_jwk(kid="x", use="enc"),
    "kid-int": rsa_jwk(kid=7),  # type: ignore[arg-type]
    "kid-missing": rsa_jwk(kid=None),  # type: ignore[arg-type]
    "n-padded": rsa_jwk(kid="x", n=rsa_jwk()["n"] + "=="),
    "n-not-string": rsa_jwk(kid="x", n=12345),
    "e-even": rsa_jwk(kid="x", e=b64u_int(65536)),
    "not-object": ["RSA"],
}


@pytest.mark.parametrize("entry", SKIPPED_ENTRIES.values(), ids=SKIPPED_ENTRIES.keys())
def test_unusable_jwk_is_skipped_not_fatal(entry: Any) -> None:
    keys = parse_jwks(json.dumps({"keys": [entry, rsa_jwk()]}).encode())
    assert list(keys) == [GOOD_KID]
    with pytest.raises(JWKSError):
        parse_jwks(json.dumps({"keys": [entry]}).encode())


def test_jwk_without_alg_and_use_is_usable() -> None:
    keys = parse_jwks(json.dumps({"keys": [rsa_jwk(alg=None, use=None)]}).encode())
    assert same_key(keys[GOOD_KID], GOOD_KEY)


def test_number_of_keys_is_capped() -> None:
    entries = [rsa_jwk(kid=f"k{i}") for i in range(MAX_KEYS + 20)]
    assert len(parse_jwks(json.dumps({"keys": entries}).encode())) == MAX_KEYS


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[]", b'{"keys": {}}', b'{"keys": []}', b"[" * 100_000, b'{"keys": null}'],
)
def test_bad_documents_raise_jwks_error(body: bytes) -> None:
    with pytest.raises(JWKSError):
        parse_jwks(body)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=5), c, max_size=4),
        max_leaves=20,
    )
)
def test_any_json_yields_keys_or_jwks_error(document: Any) -> None:
    for candidate in (document, {"keys": [document]}, {"keys": document}):
        try:
            keys = parse_jwks(json.dumps(candidate).encode())
        except JWKSError:
            continue
        assert keys, "an empty key set must be an error, never a success"


# -- static key set ---------------------------------------------------------------------


def test_jwt_key_gives_a_static_set_whatever_the_kid() -> None:
    pem = GOOD_KEY.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    keys = build_key_set(Settings(jwt_key=pem, jwks_url=JWKS_URL), clock=FakeClock())
    assert isinstance(keys, StaticKeySet)
    for kid in (None, GOOD_KID, "anything"):
        assert same_key(keys.get_key(kid), GOOD_KEY)
    assert keys.fetch_count == 0
