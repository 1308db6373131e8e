"""SPEC §3 step 6: claim checks in order, with their reason codes and boundaries."""

from __future__ import annotations

import math
from typing import Any

import pytest

from authguard.claims import SessionClaims, normalize_claims
from authguard.exceptions import TokenVerificationError
from authguard.settings import Settings
from authguard.tokens import check_claims, check_fresh

NOW = 1_700_000_000.0
BASE: dict[str, Any] = {"sub": "user_1", "sid": "sess_1", "exp": NOW + 60, "iat": NOW, "nbf": NOW}
APP = "https://app.example.com"


def payload(**changes: Any) -> dict[str, Any]:
    result = dict(BASE)
    for name, value in changes.items():
        if value is ...:
            result.pop(name, None)
        else:
            result[name] = value
    return result


def outcome(claims: dict[str, Any], settings: Settings, now: float = NOW) -> str:
    try:
        check_claims(claims, settings, now)
    except TokenVerificationError as error:
        return error.reason
    return "ok"


FAILED = "token-verification-failed"

SUBJECT_CASES = [
    ("sub missing", payload(sub=...), FAILED),
    ("sub empty", payload(sub=""), FAILED),
    ("sub number", payload(sub=1), FAILED),
    ("sub null", payload(sub=None), FAILED),
    ("sid missing", payload(sid=...), FAILED),
    ("sid empty", payload(sid=""), FAILED),
    ("sid list", payload(sid=["sess_1"]), FAILED),
    ("sub checked before exp", payload(sub=..., exp=0), FAILED),
]

EXP_CASES = [
    ("exp missing", payload(exp=...), FAILED),
    ("exp null", payload(exp=None), FAILED),
    ("exp string", payload(exp=str(NOW + 60)), FAILED),
    ("exp true", payload(exp=True), FAILED),
    ("exp NaN", payload(exp=math.nan), FAILED),
    ("exp inf", payload(exp=math.inf), FAILED),
    ("exp huge int", payload(exp=10**400), "ok"),
    ("exp huge float", payload(exp=1e300), "ok"),
    ("exp negative huge int", payload(exp=-(10**400)), "token-expired"),
    ("exp float fraction", payload(exp=NOW + 0.5), "ok"),
    ("exp zero", payload(exp=0), "token-expired"),
    ("exp expired before nbf checked", payload(exp=0, nbf="x"), "token-expired"),
]


@pytest.mark.parametrize(
    ("claims", "expected"),
    [c[1:] for c in SUBJECT_CASES + EXP_CASES],
    ids=[c[0] for c in SUBJECT_CASES + EXP_CASES],
)
def test_subject_and_expiry_types(claims: dict[str, Any], expected: str) -> None:
    assert outcome(claims, Settings()) == expected


# (claim, offset from NOW, skew, expected) — the boundaries are exact.
BOUNDARY_CASES = [
    ("exp", 1, 0, "ok"),
    ("exp", 0, 0, "token-expired"),
    ("exp", -1, 0, "token-expired"),
    ("exp", -4.999, 5, "ok"),
    ("exp", -5, 5, "token-expired"),
    ("exp", -6, 5, "token-expired"),
    ("nbf", 0, 0, "ok"),
    ("nbf", 0.001, 0, "token-not-active-yet"),
    ("nbf", 5, 5, "ok"),
    ("nbf", 5.001, 5, "token-not-active-yet"),
    ("nbf", -1000, 5, "ok"),
    ("iat", 0, 0, "ok"),
    ("iat", 1, 0, "token-iat-in-the-future"),
    ("iat", 5, 5, "ok"),
    ("iat", 6, 5, "token-iat-in-the-future"),
]


@pytest.mark.parametrize(("claim", "offset", "skew", "expected"), BOUNDARY_CASES)
def test_time_boundaries(claim: str, offset: float, skew: float, expected: str) -> None:
    claims = payload(exp=NOW + 3600, nbf=NOW - 3600, iat=NOW - 3600)
    claims[claim] = NOW + offset
    assert outcome(claims, Settings(clock_skew=skew)) == expected


OPTIONAL_TIME_CASES = [
    ("nbf absent", payload(nbf=...), "ok"),
    ("iat absent", payload(iat=...), "ok"),
    ("nbf null", payload(nbf=None), FAILED),
    ("nbf string", payload(nbf="0"), FAILED),
    ("nbf bool", payload(nbf=False), FAILED),
    ("iat list", payload(iat=[NOW]), FAILED),
    ("iat NaN", payload(iat=math.nan), FAILED),
    ("nbf checked before iat", payload(nbf=NOW + 100, iat=NOW + 100), "token-not-active-yet"),
]


@pytest.mark.parametrize(
    ("claims", "expected"),
    [c[1:] for c in OPTIONAL_TIME_CASES],
    ids=[c[0] for c in OPTIONAL_TIME_CASES],
)
def test_optional_times(claims: dict[str, Any], expected: str) -> None:
    assert outcome(claims, Settings()) == expected


AZP = "token-invalid-authorized-parties"
PARTY_CASES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("no parties configured, azp anything", {}, {"azp": "https://evil.com"}, "ok"),
    ("no parties configured, no azp", {}, {}, "ok"),
    ("exact match", {"authorized_parties": (APP,)}, {"azp": APP}, "ok"),
    ("second entry", {"authorized_parties": ("https://a.com", APP)}, {"azp": APP}, "ok"),
    ("azp missing", {"authorized_parties": (APP,)}, {}, AZP),
    ("azp null", {"authorized_parties": (APP,)}, {"azp": None}, AZP),
    ("azp list", {"authorized_parties": (APP,)}, {"azp": [APP]}, AZP),
    ("suffix look-alike", {"authorized_parties": (APP,)}, {"azp": APP + ".evil.com"}, AZP),
    ("trailing slash", {"authorized_parties": (APP,)}, {"azp": APP + "/"}, AZP),
    ("case", {"authorized_parties": (APP,)}, {"azp": APP.upper()}, AZP),
    ("scheme", {"authorized_parties": (APP,)}, {"azp": "http://app.example.com"}, AZP),
    ("explicit port", {"authorized_parties": (APP,)}, {"azp": APP + ":443"}, AZP),
    (
        "iss exact",
        {"issuer": "https://clerk.example.com"},
        {"iss": "https://clerk.example.com"},
        "ok",
    ),
    ("iss missing", {"issuer": "https://clerk.example.com"}, {}, FAILED),
    (
        "iss other",
        {"issuer": "https://clerk.example.com"},
        {"iss": "https://clerk.evil.com"},
        FAILED,
    ),
    (
        "iss trailing slash",
        {"issuer": "https://clerk.example.com"},
        {"iss": "https://clerk.example.com/"},
        FAILED,
    ),
    (
        "iss list",
        {"issuer": "https://clerk.example.com"},
        {"iss": ["https://clerk.example.com"]},
        FAILED,
    ),
    ("iss unset ignores iss", {}, {"iss": "https://anything"}, "ok"),
    ("aud string", {"audience": "api"}, {"aud": "api"}, "ok"),
    ("aud list containing", {"audience": "api"}, {"aud": ["web", "api"]}, "ok"),
    ("aud list lacking", {"audience": "api"}, {"aud": ["web"]}, FAILED),
    ("aud other", {"audience": "api"}, {"aud": "apix"}, FAILED),
    ("aud missing", {"audience": "api"}, {}, FAILED),
    ("aud list with non-string", {"audience": "api"}, {"aud": ["api", 1]}, FAILED),
    ("aud object", {"audience": "api"}, {"aud": {"api": True}}, FAILED),
    ("aud unset but present", {}, {"aud": "api"}, FAILED),
    ("aud unset but null", {}, {"aud": None}, FAILED),
    ("aud unset but empty list", {}, {"aud": []}, FAILED),
    ("azp before iss", {"authorized_parties": (APP,), "issuer": "x"}, {}, AZP),
]


@pytest.mark.parametrize(
    ("config", "claims", "expected"), [c[1:] for c in PARTY_CASES], ids=[c[0] for c in PARTY_CASES]
)
def test_parties_issuer_audience(
    config: dict[str, Any], claims: dict[str, Any], expected: str
) -> None:
    assert outcome({**BASE, **claims}, Settings(**config)) == expected


def test_expired_message_names_dates_but_not_claims() -> None:
    with pytest.raises(TokenVerificationError) as info:
        check_claims(payload(exp=NOW - 100), Settings(), NOW)
    message = str(info.value)
    assert message.startswith("JWT is expired. Expiry date: ")
    assert "Current date: Tue, 14 Nov 2023 22:13:20 GMT" in message
    assert "user_1" not in message
    assert "sess_1" not in message


@pytest.mark.parametrize("bad", [None, [], "x"])
def test_non_mapping_payload_is_rejected(bad: Any) -> None:
    assert outcome(bad, Settings()) == FAILED


FRESH_CASES = [
    ({"exp": NOW + 10}, NOW, 0, "ok"),
    ({"exp": NOW}, NOW, 0, "token-expired"),
    ({"exp": NOW - 4}, NOW, 5, "ok"),
    ({"exp": NOW - 5}, NOW, 5, "token-expired"),
    ({"nbf": NOW + 5}, NOW, 5, "ok"),
    ({"nbf": NOW + 6}, NOW, 5, "token-not-active-yet"),
    ({"nbf": ...}, NOW, 0, "ok"),
    ({"exp": 10**400}, NOW, 0, "ok"),
]


@pytest.mark.parametrize(("changes", "now", "skew", "expected"), FRESH_CASES)
def test_check_fresh_rechecks_exp_and_nbf(
    changes: dict[str, Any], now: float, skew: float, expected: str
) -> None:
    session = normalize_claims(payload(**changes), "token")
    assert fresh_outcome(session, Settings(clock_skew=skew), now) == expected


def fresh_outcome(session: SessionClaims, settings: Settings, now: float) -> str:
    try:
        check_fresh(session, settings, now)
    except TokenVerificationError as error:
        return error.reason
    return "ok"
