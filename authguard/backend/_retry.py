"""When a Backend API call may be repeated, and how long to wait first (SPEC §13).

Pure decisions, no I/O: the sync and async transports share them. Repeating is safe for
idempotent methods after a 5xx, a 429 or a transport failure; for any method after a 429 (Clerk
did not process the request) or after a failure to connect (the request never left).
"""

from __future__ import annotations

import email.utils
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds on retrying: how many times, backoff shape, and a cap on the total wait.

    ``jitter`` maps the exponential delay to the one actually waited (full jitter by default);
    tests pass ``lambda d: d`` to make it deterministic.
    """

    max_retries: int = 3
    base_delay: float = 0.25
    max_delay: float = 4.0
    max_total_wait: float = 10.0
    jitter: Callable[[float], float] = field(default=lambda d: random.uniform(0, d))

    def backoff(self, retry_index: int) -> float:
        """The jittered delay before retry number ``retry_index`` (0-based)."""
        return self.jitter(min(self.max_delay, self.base_delay * (2**retry_index)))


NO_RETRIES = RetryPolicy(max_retries=0)


def retryable_status(method: str, status: int) -> bool:
    if status == 429:
        return True
    return status >= 500 and method.upper() in IDEMPOTENT_METHODS


def retryable_failure(method: str, *, connected: bool) -> bool:
    """A transport failure: repeat if idempotent, or if the request never reached the server."""
    return method.upper() in IDEMPOTENT_METHODS or not connected


def retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds asked for by ``Retry-After`` (delta-seconds or an HTTP date); None if absent/bad."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


def next_delay(
    policy: RetryPolicy,
    retry_index: int,
    waited: float,
    server_asked: float | None,
) -> float | None:
    """The wait before the next attempt, or None when the bound says stop."""
    if retry_index >= policy.max_retries:
        return None
    delay = server_asked if server_asked is not None else policy.backoff(retry_index)
    if waited + delay > policy.max_total_wait:
        return None
    return delay
