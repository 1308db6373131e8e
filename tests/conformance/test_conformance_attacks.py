"""Run the attack rows (``cases_attacks*.py``) against every adapter, through the shared harness.

On top of each row's expected answer, every response is checked for what must never happen: an
unexpected 5xx, a traceback, the token or a claim echoed back, more bytes decoded than
``max_token_bytes`` (none at all for an oversized token), or a request to a URL a token named.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest
from attack_server import server
from attack_tokens import OVERSIZED, RECIPES
from cases import Case
from cases_attacks import TOKEN_CASES
from cases_attacks_requests import REQUEST_CASES
from harness import TOKENS, Response
from test_conformance import ADAPTERS, check, client_for, send

import authguard._jws as jws

ATTACK_CASES = TOKEN_CASES + REQUEST_CASES
MAX_TOKEN_BYTES = 16384
# Three segments, decoded at most a few times (the cookie path peeks at iat/iss, SPEC §12).
MAX_DECODES = 12


@dataclass
class DecodeCounter:
    calls: int = 0
    longest: int = 0


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> DecodeCounter:
    counter = DecodeCounter()
    real = jws.b64url_decode

    def counting(segment: str) -> bytes:
        counter.calls += 1
        counter.longest = max(counter.longest, len(segment))
        return real(segment)

    monkeypatch.setattr(jws, "b64url_decode", counting)
    return counter


def _resolve(value: Any, base: str) -> Any:
    return value.replace("{base}", base) if isinstance(value, str) else value


def _mint(name: str | None, base: str) -> str | None:
    if name is None:
        return None
    recipe = RECIPES.get(name)
    return recipe(base) if recipe is not None else TOKENS[name]()


def assert_nothing_leaks(response: Response, case: Case, token: str | None) -> None:
    """No unexpected 5xx, no traceback, no token or claim echoed, anywhere in the response."""
    assert response.status < 500 or case.expect_status == 503, response.body[:300]
    everything = response.body + b"".join(f"{k}: {v}".encode() for k, v in response.headers)
    assert b"Traceback" not in everything
    assert b'File "' not in everything
    if token is None:
        return
    pieces = [token, *(piece for piece in token.split(".") if len(piece) >= 16)]
    for piece in pieces:
        assert piece.encode() not in everything
    if response.status != 200:
        assert b"user_attack" not in everything
        assert b"sess_attack" not in everything


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize("case", ATTACK_CASES, ids=lambda c: c.id)
def test_attack(adapter: str, case: Case, decoded: DecodeCounter) -> None:
    live = server()
    hits_before = len(live.probe_hits)
    settings = {name: _resolve(value, live.base) for name, value in case.settings.items()}
    client = client_for(adapter, case.mode, tuple(sorted(settings.items())))
    token = _mint(case.token, live.base)
    response = send(client, case, token)
    check(response, replace(case, token=None), None)
    assert_nothing_leaks(response, case, token)
    assert decoded.longest <= MAX_TOKEN_BYTES
    assert decoded.calls <= MAX_DECODES
    if case.token in OVERSIZED:
        assert decoded.calls == 0
    assert live.probe_hits[hits_before:] == []
    if response.header("set-cookie") is None:
        # Again on the same app (the test client keeps no cookie here): whatever the first
        # request cached, the second (express lane or not) answers exactly the same.
        again = send(client, case, token)
        assert (again.status, again.headers, again.body) == (
            response.status,
            response.headers,
            response.body,
        )
        assert live.probe_hits[hits_before:] == []


def test_attack_ids_are_unique() -> None:
    ids = [case.id for case in ATTACK_CASES]
    assert len(ids) == len(set(ids))


def test_every_recipe_is_used() -> None:
    used = {case.token for case in ATTACK_CASES}
    assert set(RECIPES) - used == set()
