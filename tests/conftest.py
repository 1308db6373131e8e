"""Suite-wide settings. Hypothesis profiles: ``ci`` (bounded, the default in tox), ``dev``
(default locally) and ``long`` (``HYPOTHESIS_PROFILE=long`` for a deeper fuzz run)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from authguard.claims import SessionClaims
from authguard.guard import Guard

# No deadline anywhere: timing belongs in benchmarks/, not in assertions.
settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "long", max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def hits(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per ``Guard.express`` call: whether it answered (an adapter's express lane
    was taken). Shared by every adapter's ``test_*_express.py``."""
    answered: list[bool] = []
    original = Guard.express

    def spy(self: Guard, authorization: str) -> SessionClaims | None:
        session = original(self, authorization)
        answered.append(session is not None)
        return session

    monkeypatch.setattr(Guard, "express", spy)
    return answered
