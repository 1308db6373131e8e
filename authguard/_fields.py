"""Lenient readers for JSON received from Clerk (Backend API answers, webhook payloads):
a field of the wrong type reads as absent instead of raising."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def str_field(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def int_field(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
