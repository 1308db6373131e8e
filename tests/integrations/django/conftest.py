"""Configure Django for these tests only (``djt_settings``), and shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from djt_support import ensure_django

ensure_django()

from authguard.integrations.django.conf import reset_runtime  # noqa: E402 -- after setup


@pytest.fixture(autouse=True)
def _fresh_runtime() -> Iterator[None]:
    reset_runtime()
    yield
    reset_runtime()
