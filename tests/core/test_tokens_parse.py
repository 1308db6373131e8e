"""SPEC §3 steps 1-3 and 5: strict structure, header rules, algorithm allow-list, signature."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from authguard import _jws
from authguard.exceptions import TokenVerificationError
from authguard.settings import Settings
from authguard.testing import KeyPair, b64url, mint_session_token, sign_jwt
from authguard.tokens import parse_token, verify_signature

KEY = KeyPair.generate(kid="ins_test")
OTHER = KeyPair.generate(kid="ins_other")
SETTINGS = Settings()
HEADER = {"alg": "RS256", "typ": "JWT", "kid": "ins_test", "cat": "cl_B7d4PD111AAA"}
PAYLOAD = {"sub": "user_1", "sid": "sess_1", "exp": 2_000_000_000}


def reason_of(token: str, settings: Settings = SETTINGS, *, requires_kid: bool = True) -> str:
    with pytest.raises(TokenVerificationError) as info:
        parse_token(token, settings, requires_kid=requires_kid)
    return info.value.reason


def raw(header: bytes, payload: bytes, signature: bytes = b"sig") -> str:
    return ".".join(b64url(part) for part in (header, payload, signature))


def good_header() -> bytes:
    return json.dumps(HEADER).encode()


def good_payload() -> bytes:
    return json.dumps(PAYLOAD).encode()


def test_a_minted_token_parses_and_verifies() -> None:
    token = mint_session_token(KEY)
    parsed = parse_token(token, SETTINGS, requires_kid=True)
    assert (parsed.alg, parsed.kid) == ("RS256", "ins_test")
    assert parsed.payload["sub"] == "user_2test"
    assert parsed.signing_input == token.rsplit(".", 1)[0].encode()
    verify_signature(parsed, KEY.public_key)


STRUCTURE_CASES: dict[str, str] = {
    "empty": "",
    "one segment": "abc",
    "two segments": "abc.def",
    "four segments": "a.b.c.d",
    "empty signature": raw(good_header(), good_payload(), b""),
    "empty header": "." + b64url(good_payload()) + ".c2ln",
    "padded segment": b64url(good_header()) + "==." + b64url(good_payload()) + ".c2ln",
    "standard alphabet": raw(good_header(), good_payload()).replace("-", "+") + "+/",
    "space inside": raw(good_header(), good_payload()) + " ",
    "non-ascii": raw(good_header(), good_payload()) + "é",
    "length mod 4 == 1": b64url(good_header()) + "." + b64url(good_payload()) + ".AAAAA",
    "non-canonical 2-char tail": b64url(good_header()) + "." + b64url(good_payload()) + ".AB",
    "non-canonical 3-char tail": b64url(good_header()) + "." + b64url(good_payload()) + ".AAB",
    "header not json": raw(b"not json", good_payload()),
    "payload not json": raw(good_header(), b"{"),
    "header array": raw(b"[]", good_payload()),
    "payload string": raw(good_header(), b'"hi"'),
    "payload number": raw(good_header(), b"1"),
    "latin-1 payload": raw(good_header(), b'{"sub":"\xe9"}'),
    "utf-16 payload": raw(good_header(), json.dumps(PAYLOAD).encode("utf-16")),
    "utf-8 bom": raw(good_header(), b"\xef\xbb\xbf" + good_payload()),
    "lone surrogate escape": raw(good_header(), b'{"sub":"\\ud800"}'),
    "duplicate top-level member": raw(good_header(), b'{"sub":"a","sub":"b"}'),
    "duplicate header member": raw(b'{"alg":"RS256","alg":"none"}', good_payload()),
    "duplicate member at depth": raw(good_header(), b'{"o":{"a":[{"x":1,"x":2}]}}'),
    "NaN": raw(good_header(), b'{"exp":NaN}'),
    "Infinity": raw(good_header(), b'{"exp":Infinity}'),
    "-Infinity": raw(good_header(), b'{"exp":-Infinity}'),
    "overflowing float": raw(good_header(), b'{"exp":1e999}'),
    "3000-deep arrays": raw(good_header(), b'{"a":' + b"[" * 3000 + b"]" * 3000 + b"}"),
    "3000-deep objects": raw(good_header(), b'{"a":' * 3000 + b"1" + b"}" * 3000),
    "trailing garbage": raw(good_header(), good_payload() + b"x"),
}


@pytest.mark.parametrize("token", STRUCTURE_CASES.values(), ids=STRUCTURE_CASES.keys())
def test_malformed_structure_is_token_invalid(token: str) -> None:
    assert reason_of(token) == "token-invalid"


@pytest.mark.parametrize("token", [None, b"a.b.c", 123])
def test_non_string_token_is_token_invalid(token: Any) -> None:
    assert reason_of(token) == "token-invalid"


def test_canonical_tails_are_accepted() -> None:
    header = b64url(good_header())
    payload = b64url(good_payload())
    for signature in ("AA", "AQ", "AAA", "AAE", "AAAA"):
        parsed = parse_token(f"{header}.{payload}.{signature}", SETTINGS, requires_kid=True)
        assert parsed.signature == base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))


def test_oversized_token_is_rejected_before_any_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = _jws.b64url_decode

    def counting(segment: str) -> bytes:
        calls.append(segment)
        return real(segment)

    monkeypatch.setattr(_jws, "b64url_decode", counting)
    huge = raw(good_header(), json.dumps({**PAYLOAD, "pad": "x" * (1 << 20)}).encode())
    assert reason_of(huge) == "token-invalid"
    assert calls == []
    small = raw(good_header(), good_payload())
    _jws._HEADERS.clear()
    parse_token(small, SETTINGS, requires_kid=True)
    assert len(calls) == 3
    parse_token(small, SETTINGS, requires_kid=True)
    assert len(calls) == 5  # the header segment is memoised; payload and signature are not


def test_header_memo_hands_out_copies_and_stays_bounded() -> None:
    token = raw(good_header(), good_payload())
    first = parse_token(token, SETTINGS, requires_kid=True).header
    assert isinstance(first, dict)
    first["alg"] = "none"  # a caller mutating its header never reaches the memo
    again = parse_token(token, SETTINGS, requires_kid=True)
    assert again.header["alg"] == "RS256"
    for i in range(_jws._HEADERS_MAX * 2):
        header = json.dumps({"alg": "RS256", "typ": "JWT", "kid": f"k{i}"}).encode()
        parse_token(raw(header, good_payload()), SETTINGS, requires_kid=True)
        assert len(_jws._HEADERS) <= _jws._HEADERS_MAX


def test_max_token_bytes_boundary() -> None:
    token = mint_session_token(KEY)
    assert parse_token(token, Settings(max_token_bytes=len(token)), requires_kid=True)
    assert reason_of(token, Settings(max_token_bytes=len(token) - 1)) == "token-invalid"


HEADER_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("typ absent", {"typ": None}, "ok"),
    ("typ JWT", {"typ": "JWT"}, "ok"),
    ("typ jwt lowercase", {"typ": "jwt"}, "token-invalid"),
    ("typ at+jwt", {"typ": "at+jwt"}, "token-invalid"),
    ("typ non-string", {"typ": 1}, "token-invalid"),
    ("cat absent", {"cat": None}, "ok"),
    ("cat session", {"cat": "cl_B7d4PD111AAA"}, "ok"),
    ("cat instance-wide", {"cat": "cl_I7d4PD111III"}, "ok"),
    ("cat template", {"cat": "cl_B7d4PD222AAA"}, "token-invalid"),
    ("cat machine", {"cat": "cl_B7d4PD333AAA"}, "token-invalid"),
    ("cat lowercase", {"cat": "cl_b7d4pd111aaa"}, "token-invalid"),
    ("cat null", {"cat_null": True}, "token-invalid"),
    ("cat list", {"cat": ["cl_B7d4PD111AAA"]}, "token-invalid"),
    ("crit", {"crit": ["exp"]}, "token-invalid"),
    ("jku", {"jku": "https://evil.example/jwks"}, "token-invalid"),
    ("x5u", {"x5u": "https://evil.example/cert"}, "token-invalid"),
    ("x5c", {"x5c": ["MIIB"]}, "token-invalid"),
    ("jwk", {"jwk": {"kty": "RSA"}}, "token-invalid"),
    ("kid missing", {"kid": None}, "token-invalid"),
    ("kid number", {"kid": 1}, "token-invalid"),
    ("kid list", {"kid": ["ins_test"]}, "token-invalid"),
    ("alg missing", {"alg": None}, "token-invalid-algorithm"),
    ("alg none", {"alg": "none"}, "token-invalid-algorithm"),
    ("alg None string", {"alg": "None"}, "token-invalid-algorithm"),
    ("alg HS256", {"alg": "HS256"}, "token-invalid-algorithm"),
    ("alg ES256", {"alg": "ES256"}, "token-invalid-algorithm"),
    ("alg PS256", {"alg": "PS256"}, "token-invalid-algorithm"),
    ("alg lowercase", {"alg": "rs256"}, "token-invalid-algorithm"),
    ("alg RS384 not allowed", {"alg": "RS384"}, "token-invalid-algorithm"),
    ("alg number", {"alg": 256}, "token-invalid-algorithm"),
    ("alg list", {"alg": ["RS256"]}, "token-invalid-algorithm"),
]


def header_with(changes: dict[str, Any]) -> dict[str, Any]:
    header: dict[str, Any] = dict(HEADER)
    if changes.pop("cat_null", False):
        header["cat"] = None
    for name, value in changes.items():
        if value is None:
            header.pop(name, None)
        else:
            header[name] = value
    return header


@pytest.mark.parametrize(
    ("changes", "expected"), [c[1:] for c in HEADER_CASES], ids=[c[0] for c in HEADER_CASES]
)
def test_header_rules(changes: dict[str, Any], expected: str) -> None:
    token = sign_jwt(KEY, header_with(dict(changes)), PAYLOAD)
    if expected == "ok":
        assert parse_token(token, SETTINGS, requires_kid=True).payload == PAYLOAD
    else:
        assert reason_of(token) == expected


@pytest.mark.parametrize("kid", [None, 7, ["x"]])
def test_kid_is_not_needed_without_a_key_set(kid: Any) -> None:
    token = sign_jwt(KEY, header_with({"kid": kid}), PAYLOAD)
    assert parse_token(token, SETTINGS, requires_kid=False).kid is None


def test_header_checks_come_before_the_algorithm() -> None:
    token = sign_jwt(KEY, header_with({"alg": "none", "jku": "https://x"}), PAYLOAD)
    assert reason_of(token) == "token-invalid"


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_every_allowed_algorithm_verifies(alg: str) -> None:
    settings = Settings(algorithms=("RS256", "RS384", "RS512"))
    token = mint_session_token(KEY, alg=alg)
    parsed = parse_token(token, settings, requires_kid=True)
    verify_signature(parsed, KEY.public_key)
    assert parsed.alg == alg


def test_an_allowed_algorithm_outside_rs_is_still_refused() -> None:
    # Settings are validated by Guard; the parser refuses non-RSA algorithms regardless.
    token = sign_jwt(KEY, header_with({"alg": "HS256"}), PAYLOAD, alg="HS256")
    assert reason_of(token, Settings(algorithms=("HS256",))) == "token-invalid-algorithm"


def tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=="))
    body["sub"] = "user_admin"
    return f"{header}.{b64url(json.dumps(body).encode())}.{signature}"


def truncated(token: str) -> str:
    head, signature = token.rsplit(".", 1)
    return f"{head}.{b64url(base64.urlsafe_b64decode(signature + '==')[:-3])}"


SIGNATURE_CASES = {
    "other key": (mint_session_token(OTHER, kid="ins_test"), KEY),
    "tampered payload": (tampered(mint_session_token(KEY)), KEY),
    "signature of RS384 under RS256 header": (
        sign_jwt(KEY, HEADER, PAYLOAD, alg="RS384"),
        KEY,
    ),
    "truncated signature": (truncated(mint_session_token(KEY)), KEY),
    "hmac with the public pem (alg confusion)": (
        sign_jwt(KEY, HEADER, PAYLOAD, alg="HS256"),
        KEY,
    ),
}


@pytest.mark.parametrize(("token", "key"), SIGNATURE_CASES.values(), ids=SIGNATURE_CASES.keys())
def test_bad_signatures(token: str, key: KeyPair) -> None:
    parsed = parse_token(token, SETTINGS, requires_kid=True)
    with pytest.raises(TokenVerificationError) as info:
        verify_signature(parsed, key.public_key)
    assert info.value.reason == "token-invalid-signature"


def test_messages_never_echo_the_token() -> None:
    token = sign_jwt(KEY, header_with({"alg": "none"}), PAYLOAD)
    with pytest.raises(TokenVerificationError) as info:
        parse_token(token, SETTINGS, requires_kid=True)
    assert token not in str(info.value)
    assert "user_1" not in str(info.value)
