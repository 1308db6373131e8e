"""``TokenCache``: the verified-token cache behind ``Guard`` (token → ``SessionClaims``).

A plain ``dict`` bounded to ``maxsize`` entries. A hit is one ``dict.get`` (atomic under the
GIL) plus the expiry test; mutations take the cache's own lock. Entries never outlive the
token: a hit at or after ``exp`` is evicted and reported as a miss, so the token is verified
again (and rejected if it is expired beyond the clock skew). Callers still re-check exp/nbf
with skew on every hit (``check_fresh``). When full, the oldest insertion is dropped (``dict``
keeps insertion order), together with any expired entries next to it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from authguard.claims import SessionClaims

__all__ = ["TokenCache"]


class TokenCache:
    """A bounded token → ``SessionClaims`` map whose entries expire at the token's ``exp``."""

    __slots__ = ("_data", "_lock", "_timer", "maxsize", "peek")

    def __init__(self, maxsize: int, timer: Callable[[], float]) -> None:
        self.maxsize = maxsize  # 0 or less: nothing is ever cached
        self._timer = timer
        self._data: dict[str, SessionClaims] = {}
        self._lock = threading.Lock()
        #: ``peek(token)``: the entry as stored, expired or not (the caller checks ``exp``).
        #: The dict's own ``get``: no Python frame on the express lane.
        self.peek: Callable[[str], SessionClaims | None] = self._data.get

    def __len__(self) -> int:
        return len(self._data)

    def get(self, token: str) -> SessionClaims | None:
        """The cached session of ``token``, or None (never one whose ``exp`` has passed)."""
        session = self._data.get(token)
        if session is None or self._timer() < session.expires_at:
            return session
        with self._lock:
            if self._data.get(token) is session:
                del self._data[token]
        return None

    def __setitem__(self, token: str, session: SessionClaims) -> None:
        if self.maxsize < 1:
            return
        with self._lock:
            data = self._data
            if token not in data and len(data) >= self.maxsize:
                self._make_room()
            data[token] = session

    def _make_room(self) -> None:
        """Free one slot (under the lock, when full): the oldest insertion goes, and with it
        every expired entry at the old end. Each entry is removed once: amortised O(1)."""
        data = self._data
        now = self._timer()
        del data[next(iter(data))]
        while data:
            oldest = next(iter(data))
            if now < data[oldest].expires_at:
                break
            del data[oldest]

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
