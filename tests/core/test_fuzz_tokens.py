"""Property tests: no input makes the token path raise anything but TokenVerificationError."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from authguard.claims import normalize_claims
from authguard.exceptions import TokenVerificationError
from authguard.request import RequestInfo
from authguard.settings import Settings
from authguard.testing import b64url
from authguard.tokens import check_claims, extract_token, parse_cookies, parse_token

SETTINGS = Settings(authorized_parties=("https://app.example.com",), audience="api")
NOW = 1_700_000_000.0

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
CLAIM_NAMES = st.sampled_from(
    ["sub", "sid", "exp", "nbf", "iat", "azp", "iss", "aud", "v", "o", "fea", "pla", "fva", "act"]
)
CLAIMS = st.dictionaries(CLAIM_NAMES | st.text(max_size=5), JSON, max_size=10)
HEADERS = st.dictionaries(
    st.sampled_from(["alg", "typ", "kid", "cat", "crit", "jku"]) | st.text(max_size=5),
    JSON | st.sampled_from(["RS256", "JWT", "cl_B7d4PD111AAA"]),
    max_size=6,
)


def run(token: Any) -> str:
    """Drive the whole token path; return the reason, or "ok" when it got through."""
    try:
        parsed = parse_token(token, SETTINGS, requires_kid=True)
        check_claims(parsed.payload, SETTINGS, NOW)
        normalize_claims(parsed.payload, token)
    except TokenVerificationError as error:
        return error.reason
    return "ok"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.from_regex(r"[A-Za-z0-9_\-]{0,40}(\.[A-Za-z0-9_\-]{0,40}){2}"))
def test_arbitrary_strings(token: str) -> None:
    assert run(token) in {"token-invalid", "token-invalid-algorithm"}


@settings(max_examples=300, deadline=None)
@given(HEADERS, JSON | CLAIMS, st.binary(min_size=1, max_size=16))
def test_arbitrary_json_segments(header: dict[str, Any], payload: Any, signature: bytes) -> None:
    token = ".".join(
        [
            b64url(json.dumps(header).encode()),
            b64url(json.dumps(payload).encode()),
            b64url(signature),
        ]
    )
    reason = run(token)
    assert reason in {
        "ok",
        "token-invalid",
        "token-invalid-algorithm",
        "token-verification-failed",
        "token-expired",
        "token-not-active-yet",
        "token-iat-in-the-future",
        "token-invalid-authorized-parties",
    }


@settings(max_examples=300, deadline=None)
@given(CLAIMS)
def test_normalize_never_raises(payload: dict[str, Any]) -> None:
    claims = normalize_claims(payload, "t")
    assert isinstance(claims.org_permissions, tuple)
    assert all(isinstance(p, str) for p in claims.org_permissions)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_parse_cookies_never_raises(header: str) -> None:
    cookies = parse_cookies(header)
    assert all(isinstance(v, list) and v for v in cookies.values())


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["GET", "POST", "delete", ""]),
    st.text(max_size=60),
    st.text(max_size=60),
    st.text(max_size=40),
)
def test_extract_never_raises(method: str, authorization: str, cookie: str, origin: str) -> None:
    info = RequestInfo(
        method=method,
        path="/",
        url="https://app.example.com/",
        headers={"authorization": authorization, "origin": origin},
        cookie_header=cookie,
    )
    result = extract_token(info, SETTINGS)
    assert result.reason is None or result.token is None
