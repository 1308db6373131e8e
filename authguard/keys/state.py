"""The key-set cache as pure state: no I/O and no clock of its own; both shells share it.

Every decision takes ``now`` (seconds since the epoch, from the injected clock):

- *TTL*: keys fetched more than ``ttl`` seconds ago are refreshed on the next lookup.
- *Stale-if-error*: a failed refresh keeps the keys we had; only a successful fetch replaces them.
- *Failure backoff*: after a failed attempt no new attempt is made for ``failure_backoff``
  seconds. During that window lookups are answered from what is cached — an uncached ``kid``
  fails fast (``jwk-remote-failed-to-load`` when nothing was ever loaded, else
  ``jwk-kid-mismatch``) rather than queueing another request to an upstream that just failed.
- *Unknown-kid cooldown*: an unknown ``kid`` may trigger a refetch only when no attempt was made
  in the last ``miss_cooldown`` seconds, so a flood of random kids costs at most one fetch per
  cooldown while known kids keep resolving from the cache.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from authguard.exceptions import TokenVerificationError

KID_MISMATCH = "jwk-kid-mismatch"
FAILED_TO_LOAD = "jwk-remote-failed-to-load"


@dataclass
class KeyCacheState:
    """What is cached, when it was fetched, and whether a fetch is due, allowed or backing off."""

    ttl: float
    miss_cooldown: float
    failure_backoff: float
    keys: Mapping[str, RSAPublicKey] = field(default_factory=dict)
    loaded_at: float | None = None
    attempted_at: float | None = None
    failed_at: float | None = None
    last_error: str | None = None
    attempts: int = 0
    _mutex: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    # -- decisions ------------------------------------------------------------------

    def is_fresh(self, now: float) -> bool:
        return self.loaded_at is not None and 0 <= now - self.loaded_at < self.ttl

    def in_backoff(self, now: float) -> bool:
        return self.failed_at is not None and 0 <= now - self.failed_at < self.failure_backoff

    def miss_refetch_allowed(self, now: float) -> bool:
        return self.attempted_at is None or not 0 <= now - self.attempted_at < self.miss_cooldown

    def needs_fetch(self, kid: str, now: float) -> bool:
        """Whether resolving ``kid`` at ``now`` should first (re)fetch the key set."""
        if self.in_backoff(now):
            return False
        if not self.is_fresh(now):
            return True
        return kid not in self.keys and self.miss_refetch_allowed(now)

    def resolve(self, kid: str | None) -> RSAPublicKey:
        """The cached key for ``kid``, or the documented error. Never asks for a fetch."""
        keys = self.keys
        if kid is not None and kid in keys:
            return keys[kid]
        if not keys:
            detail = f": {self.last_error}" if self.last_error else ""
            raise TokenVerificationError(FAILED_TO_LOAD, f"the JWKS could not be loaded{detail}")
        raise TokenVerificationError(
            KID_MISMATCH, "the token's kid is not in the instance's key set"
        )

    # -- transitions ----------------------------------------------------------------

    def record_attempt(self, now: float) -> None:
        with self._mutex:
            self.attempted_at = now
            self.attempts += 1

    def record_success(self, keys: Mapping[str, RSAPublicKey], now: float) -> None:
        """Replace the whole set: keys the upstream dropped are revoked, not kept."""
        with self._mutex:
            self.keys = dict(keys)
            self.loaded_at = now
            self.failed_at = None
            self.last_error = None

    def record_failure(self, error: str, now: float) -> None:
        """Keep the keys we had (stale-if-error); start the backoff window."""
        with self._mutex:
            self.failed_at = now
            self.last_error = error
