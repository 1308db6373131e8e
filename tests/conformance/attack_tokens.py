"""Token recipes for the attack rows, by name. Each takes the loopback server's base URL (for
``jku``/``x5u`` probes) and returns the token, minted when the row runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from attack_keys import (
    HS_ALG_KEY,
    OCT_SECRET,
    WEAK,
    claims,
    dumps,
    es256_sign,
    header,
    hmac_sign,
    public_der,
    rsa_sign,
    unsigned,
)
from harness import FORGER, KEY

from authguard.testing import b64url, mint_session_token, sign_jwt

Recipe = Callable[[str], str]
ONE_MIB = 1 << 20


def _ok(**over: Any) -> Recipe:
    return lambda base: rsa_sign(header(), claims(**over))


def _head(**over: Any) -> Recipe:
    return lambda base: rsa_sign(header(**over), claims())


def _raw_payload(text: str) -> Recipe:
    return lambda base: rsa_sign(header(), text.encode())


def _edited(_base: str) -> str:
    member = mint_session_token(KEY, user_id="user_member")
    admin = mint_session_token(KEY, user_id="user_admin", org_id="org_1", org_role="org:admin")
    head, _, signature = member.split(".")
    return f"{head}.{admin.split('.')[1]}.{signature}"


def _flattened(_base: str) -> str:
    head, body, signature = rsa_sign(header(), claims()).split(".")
    return json.dumps({"protected": head, "payload": body, "signature": signature})


def _nested(depth: int) -> bytes:
    return b'{"sub":"user_attack","a":' + b"[" * depth + b"]" * depth + b"}"


def _probe(member: str, signer: Any = FORGER) -> Recipe:
    def make(base: str) -> str:
        value: Any = f"{base}/probe/{member}"
        if member == "x5c":
            value = [b64url(b"not a certificate")]
        if member == "jwk":
            value = FORGER.jwk()
        return rsa_sign(header(**{member: value}), claims(), key=signer)

    return make


_ALG = {
    "alg-none-empty-sig": lambda base: unsigned(header(alg="none"), claims(), b""),
    "alg-none": lambda base: rsa_sign(header(alg="none"), claims()),
    "alg-None": lambda base: rsa_sign(header(alg="None"), claims()),
    "alg-NONE": lambda base: unsigned(header(alg="NONE"), claims(), b"\0"),
    "hs256-pem": lambda base: sign_jwt(KEY, header(alg="HS256"), claims(), alg="HS256"),
    "hs256-der": lambda base: hmac_sign(header(alg="HS256"), claims(), public_der()),
    "hs256-jwk": lambda base: hmac_sign(header(alg="HS256"), claims(), dumps(KEY.jwk())),
    "es256-zero-sig": lambda base: unsigned(header(alg="ES256"), claims(), bytes(64)),
    "rs256-lower": _head(alg="rs256"),
    "ps256": _head(alg="PS256"),
    "alg-list": _head(alg=["RS256"]),
    "alg-int": _head(alg=256),
    "alg-missing": _head(alg=None),
    "alg-object": _head(alg={"RS256": True}),
}

_HEADER = {
    "embedded-jwk": _probe("jwk"),
    "jku": _probe("jku"),
    "x5u": _probe("x5u"),
    "x5c": _probe("x5c"),
    "jku-own-key": _probe("jku", signer=KEY),
    "crit": _head(crit=["exp"]),
    "crit-empty": _head(crit=[]),
    "typ-jws": _head(typ="JWS"),
    "typ-lower": _head(typ="jwt"),
    "typ-at-jwt": _head(typ="at+jwt"),
    "typ-int": _head(typ=1),
    "cat-template": _head(cat="cl_B7d4PD222AAA"),
    "kid-traversal": _head(kid="../../../../etc/passwd"),
    "kid-sql": _head(kid="' OR '1'='1' --"),
    "kid-int": _head(kid=1),
    "kid-null": _head(kid=None),
    "kid-list": _head(kid=["conformance"]),
    "kid-64k": _head(kid="k" * 65536),
    "jwe-5-segments": lambda base: ".".join(b64url(b"{}") for _ in range(5)),
    "json-jws": _flattened,
    "dup-header-alg": lambda base: rsa_sign(
        b'{"alg":"RS256","typ":"JWT","kid":"conformance","alg":"none"}', claims()
    ),
    "dup-payload-sub": lambda base: rsa_sign(
        header(), dumps(claims())[:-1] + b',"sub":"user_admin"}'
    ),
    "edited-payload": _edited,
    "other-key-same-kid": lambda base: rsa_sign(header(), claims(), key=FORGER),
    "oct-hs256": lambda base: hmac_sign(header(alg="HS256", kid="oct"), claims(), OCT_SECRET),
    "oct-rs256": lambda base: rsa_sign(header(kid="oct"), claims()),
    "ec-es256": lambda base: es256_sign(header(alg="ES256", kid="ec"), claims()),
    "ec-rs256": lambda base: rsa_sign(header(kid="ec"), claims()),
    "weak-rsa-1024": lambda base: rsa_sign(header(kid="weak"), claims(), key=WEAK),
    "jwk-alg-hs256": lambda base: rsa_sign(header(kid="hs-alg"), claims(), key=HS_ALG_KEY),
    "valid": _ok(),
}

_CLAIMS = {
    "exp-nan": _raw_payload('{"sub":"u","sid":"s","exp":NaN}'),
    "exp-infinity": _raw_payload('{"sub":"u","sid":"s","exp":Infinity}'),
    "exp-1e400": _raw_payload('{"sub":"u","sid":"s","exp":1e400}'),
    "exp-huge-int": _ok(exp=10**400),
    "exp-str": _ok(exp="9999999999"),
    "exp-bool": _ok(exp=True),
    "exp-missing": _ok(exp=None),
    "exp-list": _ok(exp=[9999999999]),
    "nbf-nan": _raw_payload('{"sub":"u","sid":"s","exp":9999999999,"nbf":NaN}'),
    "nbf-str": _ok(nbf="0"),
    "nbf-bool": _ok(nbf=False),
    "nbf-huge": _ok(nbf=1e300),
    "iat-str": _ok(iat="0"),
    "iat-bool": _ok(iat=True),
    "iat-huge": _ok(iat=10**400),
    "sub-missing": _ok(sub=None),
    "sub-empty": _ok(sub=""),
    "sub-int": _ok(sub=1),
    "sub-list": _ok(sub=["user_admin"]),
    "sid-missing": _ok(sid=None),
    "sid-empty": _ok(sid=""),
    "sid-object": _ok(sid={"id": "sess"}),
    "aud-unexpected": _ok(aud="https://api.example"),
    "aud-list": _ok(aud=["https://api.example"]),
    "azp-exact": _ok(azp="http://testserver"),
    "azp-app": _ok(azp="https://app.example"),
    "azp-missing": _ok(),
    "azp-suffix": _ok(azp="http://testserver.evil.example"),
    "azp-slash": _ok(azp="http://testserver/"),
    "azp-case": _ok(azp="HTTP://TESTSERVER"),
    "azp-list": _ok(azp=["http://testserver"]),
    "iss-exact": _ok(iss="https://clerk.example.com"),
    "iss-suffix": _ok(iss="https://clerk.example.com.evil.example"),
    "iss-slash": _ok(iss="https://clerk.example.com/"),
    "iss-case": _ok(iss="https://CLERK.example.com"),
    "iss-missing": _ok(),
}

_SIZE = {
    "token-1mib": lambda base: "a" * (ONE_MIB // 2) + "." + "b" * (ONE_MIB // 2 - 2) + ".c",
    "token-just-over": lambda base: rsa_sign(header(), claims(pad="p" * 13_000)),
    "deep-payload-3000": lambda base: rsa_sign(header(), _nested(3000)),
    "deep-header-3000": lambda base: rsa_sign(_nested(3000), claims()),
}

RECIPES: dict[str, Recipe] = {**_ALG, **_HEADER, **_CLAIMS, **_SIZE}
#: Rows whose token is longer than ``max_token_bytes``: not one byte may be decoded.
OVERSIZED = frozenset({"token-1mib", "token-just-over", "kid-64k"})
