"""Suite-wide settings. Hypothesis profiles: ``ci`` (bounded, the default in tox), ``dev``
(default locally) and ``long`` (``HYPOTHESIS_PROFILE=long`` for a deeper fuzz run)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# No deadline anywhere: timing belongs in benchmarks/, not in assertions.
settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "long", max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
