"""Frontend API state: dev browsers (``dvb_…`` tokens) and single-use handshake nonces.

A *dev browser* is how a development instance recognises a browser without third-party
cookies: the token travels as ``__clerk_db_jwt`` (query or cookie on the app's host) and maps to
the browser's client (``__dev_client``), or to nobody while it is signed out. A *nonce* holds the
``Set-Cookie`` directives of one handshake until the app's backend fetches them, once.
Both live in memory, bounded, like the sessions.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_ENTRIES = 10_000
NONCE_TTL = 60


class DevBrowsers:
    """Thread-safe map dev-browser token ↔ client id (``None`` = anonymous browser)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._client_of: dict[str, str | None] = {}
        self._token_of: dict[str, str] = {}

    def issue(self, client_id: str | None = None) -> str:
        """A new token, bound to ``client_id``."""
        token = "dvb_" + secrets.token_urlsafe(24)
        with self._lock:
            self._evict()
            self._client_of[token] = None
            self._bind(token, client_id)
        return token

    def known(self, token: str | None) -> bool:
        with self._lock:
            return token is not None and token in self._client_of

    def client_of(self, token: str | None) -> str | None:
        """The client a token belongs to; ``None`` when unknown or anonymous."""
        if token is None:
            return None
        with self._lock:
            return self._client_of.get(token)

    def for_client(self, client_id: str) -> str:
        """The client's token, issuing one when it has none."""
        with self._lock:
            token = self._token_of.get(client_id)
        return token if token is not None else self.issue(client_id)

    def rebind(self, token: str, client_id: str) -> None:
        """Move a known token to a new client (the same browser signed in again)."""
        with self._lock:
            if token in self._client_of:
                self._bind(token, client_id)

    def _bind(self, token: str, client_id: str | None) -> None:
        previous = self._client_of.get(token)
        if previous is not None:
            self._token_of.pop(previous, None)
        self._client_of[token] = client_id
        if client_id is not None:
            self._token_of[client_id] = token

    def _evict(self) -> None:
        while len(self._client_of) >= MAX_ENTRIES:
            oldest = next(iter(self._client_of))
            self._bind(oldest, None)
            del self._client_of[oldest]


@dataclass
class NonceStore:
    """Directives by nonce; ``take`` returns them once, within ``ttl`` seconds."""

    clock: Callable[[], float] = time.time
    ttl: float = NONCE_TTL
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _entries: dict[str, tuple[float, list[str]]] = field(default_factory=dict)

    def put(self, directives: list[str]) -> str:
        nonce = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            self._entries = {key: entry for key, entry in self._entries.items() if entry[0] > now}
            while len(self._entries) >= MAX_ENTRIES:
                del self._entries[next(iter(self._entries))]
            self._entries[nonce] = (now + self.ttl, list(directives))
        return nonce

    def take(self, nonce: str) -> list[str] | None:
        """The directives, or ``None`` when unknown, already taken or expired."""
        with self._lock:
            entry = self._entries.pop(nonce, None)
        if entry is None or entry[0] <= self.clock():
            return None
        return entry[1]


@dataclass
class FrontendState:
    """The Frontend API's in-memory state, shared by the handshake and the sign-in pages."""

    clock: Callable[[], float] = time.time
    browsers: DevBrowsers = field(default_factory=DevBrowsers)
    nonces: NonceStore = field(init=False)

    def __post_init__(self) -> None:
        self.nonces = NonceStore(self.clock)
