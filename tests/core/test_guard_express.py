"""``Guard.express``: the repeated-token hot path answers only what ``authenticate`` would.

The rule under test: whenever ``express(value)`` returns a session, ``authenticate`` of a
request whose ``Authorization`` is ``value`` is signed in with that very session at the same
instant; in every other case ``express`` returns None and the adapter takes the full path.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from authguard import Guard, RequestInfo, Settings
from authguard.testing import KeyPair, mint_session_token

NOW = 1_800_000_000.0
KEY = KeyPair.generate(kid="ins_express")


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def guard(clock: Clock | None = None, **overrides: Any) -> Guard:
    return Guard(Settings(jwt_key=KEY.public_pem(), **overrides), clock=clock or Clock())


def token(**claims: Any) -> str:
    claims.setdefault("now", NOW)
    return mint_session_token(KEY, **claims)


def info(authorization: str) -> RequestInfo:
    return RequestInfo("GET", "/x", "http://app.test/x", {"authorization": authorization})


def assert_agrees(g: Guard, authorization: str) -> bool:
    """``express`` agrees with ``authenticate`` for this value; True when it answered."""
    session = g.express(authorization)
    state = g.authenticate(info(authorization))
    if session is not None:
        assert state.is_signed_in
        assert state.auth.token == session.token
        assert state.auth.user_id == session.user_id
    return session is not None


TOK = token(expires_in=600)
SIGNED = TOK.rsplit(".", 1)[0]


@pytest.mark.parametrize(
    ("authorization", "hit"),
    [
        (f"Bearer {TOK}", True),
        (f"bearer {TOK}", False),  # valid (authenticate accepts it), but not the express form
        (f"BEARER {TOK}", False),
        (f"Bearer  {TOK}", False),
        (f"Bearer {TOK} ", False),
        (f" Bearer {TOK}", False),
        (f"Bearer\t{TOK}", False),
        (f"Bearer {TOK}, Bearer {TOK}", False),  # two headers joined: token-invalid
        (f"Bearer {TOK},", False),
        (f"Bearer {TOK}\x85", False),
        (f"Bearer {TOK[:-1]}", False),
        (f"Bearer {SIGNED}.", False),
        (f"Basic {TOK}", False),
        ("Bearer ", False),
        ("", False),
    ],
)
def test_only_the_exact_form_of_a_verified_token_hits(authorization: str, hit: bool) -> None:
    g = guard()
    assert g.authenticate(info(f"Bearer {TOK}")).is_signed_in  # verified once: cached
    assert assert_agrees(g, authorization) is hit


@pytest.mark.parametrize(
    ("offset", "hit"),
    [
        (-5, True),  # nbf/iat within the 5 s skew
        (0, True),
        (599, True),
        (600, False),  # at exp: the cache never answers; authenticate decides (skew)
        (604, False),
        (700, False),  # expired beyond the skew: authenticate rejects
    ],
)
def test_time_is_checked_on_every_hit(offset: float, hit: bool) -> None:
    clock = Clock()
    g = guard(clock)
    assert g.authenticate(info(f"Bearer {TOK}")).is_signed_in
    clock.now = NOW + offset
    assert assert_agrees(g, f"Bearer {TOK}") is hit


def test_not_yet_valid_token_never_hits() -> None:
    clock = Clock(NOW + 100)
    early = token(now=NOW + 100, expires_in=600)  # nbf = iat - 10 = NOW + 90
    g = guard(clock)
    assert g.authenticate(info(f"Bearer {early}")).is_signed_in
    clock.now = NOW + 80  # before nbf - skew
    assert g.express(f"Bearer {early}") is None
    state = g.authenticate(info(f"Bearer {early}"))
    assert (state.status, state.reason) == ("signed-out", "token-not-active-yet")


@pytest.mark.parametrize(
    ("overrides", "claims"),
    [
        ({}, {"sts": "pending"}),  # pending sessions are signed out: never express
        ({"debug": True}, {}),  # debug adds per-request headers: always the full path
    ],
)
def test_never_express(overrides: dict[str, Any], claims: dict[str, Any]) -> None:
    tok = token(**claims)
    g = guard(**overrides)
    g.authenticate(info(f"Bearer {tok}"))
    assert g.express(f"Bearer {tok}") is None


def test_unverified_tokens_never_hit() -> None:
    g = guard()
    assert g.express(f"Bearer {TOK}") is None  # nothing verified yet
    forged = mint_session_token(KeyPair.generate(kid="ins_express"), now=NOW)
    assert not g.authenticate(info(f"Bearer {forged}")).is_signed_in
    assert g.express(f"Bearer {forged}") is None  # a failure is never cached


def test_express_auth_builds_the_request_lazily() -> None:
    g = guard()
    g.authenticate(info(f"Bearer {TOK}"))
    session = g.express(f"Bearer {TOK}")
    assert session is not None
    built: list[RequestInfo] = []

    def factory() -> RequestInfo:
        built.append(info(f"Bearer {TOK}"))
        return built[-1]

    auth = g.express_auth(session, factory)
    assert auth.is_signed_in
    assert auth.user_id == session.user_id
    assert built == []  # nothing built for a request that needs no redirect
    context = auth.context
    assert context is not None
    assert context.request is built[0]
    assert auth.context is context  # built once
    assert len(built) == 1


_JWT_CHARS = st.sampled_from([*"Bb eEaArR\t,.-_=x\x85\xa0", TOK[:10], TOK])


@given(st.lists(_JWT_CHARS, max_size=6).map("".join))
def test_property_express_implies_authenticate(noise: str) -> None:
    g = guard()
    g.authenticate(info(f"Bearer {TOK}"))
    for value in (noise, f"Bearer {noise}", f"Bearer {TOK}{noise}", f"{noise}Bearer {TOK}"):
        assert_agrees(g, value)


def test_express_state_is_what_authenticate_answers() -> None:
    g = guard()
    full = g.authenticate(info(f"Bearer {TOK}"))
    session = g.express(f"Bearer {TOK}")
    assert session is not None
    state = Guard.express_state(g.express_auth(session, info(f"Bearer {TOK}")))
    fields = ("status", "reason", "message", "token", "headers", "is_signed_in")
    assert [getattr(state, f) for f in fields] == [getattr(full, f) for f in fields]
    assert state.auth.to_dict() == full.auth.to_dict()
