"""Key sets: a static one (``jwt_key``) and a remote one (JWKS over HTTP) with sync/async shells.

Both shells of :class:`RemoteKeySet` drive the same :class:`KeyCacheState`; only the I/O differs.
Single flight: a fetch happens under a lock (a ``threading.Lock`` for threads, an
``asyncio.Lock`` per event loop for coroutines) and every waiter re-checks the state once it gets
the lock, so a crowd of cold requests costs one fetch, not one each. Threads share one flight;
coroutines share one flight per event loop (loops running at the same time in different threads
may each fetch once).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from authguard._http import IDENTITY_HEADERS, PerLoop, fresh_async_client, fresh_client
from authguard.exceptions import TokenVerificationError
from authguard.keys.fetch import FetchError, afetch_keys, fetch_keys
from authguard.keys.state import KID_MISMATCH, KeyCacheState

logger = logging.getLogger("authguard.keys")

Clock = Callable[[], float]


class KeySet(ABC):
    """Resolves a token's ``kid`` to an RSA public key (SPEC §3 step 4)."""

    @abstractmethod
    def get_key(self, kid: str | None) -> RSAPublicKey:
        """The key for ``kid``; raises TokenVerificationError (``jwk-*`` reasons)."""

    @abstractmethod
    async def aget_key(self, kid: str | None) -> RSAPublicKey:
        """Async :meth:`get_key`; never blocks the event loop."""

    @property
    @abstractmethod
    def fetch_count(self) -> int:
        """Fetch attempts made so far, successful or not (for tests and benchmarks)."""

    def close(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release the sync HTTP client, if any."""

    async def aclose(self) -> None:
        """Release HTTP clients, including the current event loop's async client."""
        self.close()


class StaticKeySet(KeySet):
    """The networkless key set of ``jwt_key``: one key whatever the token's ``kid``."""

    def __init__(self, key: RSAPublicKey) -> None:
        self._key = key

    def get_key(self, kid: str | None) -> RSAPublicKey:
        return self._key

    async def aget_key(self, kid: str | None) -> RSAPublicKey:
        return self._key

    @property
    def fetch_count(self) -> int:
        return 0


@dataclass
class _LoopResources:
    client: httpx.AsyncClient
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class RemoteKeySet(KeySet):
    """A JWKS fetched from ``url`` and cached per :class:`KeyCacheState`'s rules.

    ``headers`` go on every fetch (the Backend API's Bearer secret key); they are never logged.
    """

    def __init__(
        self,
        url: str,
        state: KeyCacheState,
        *,
        clock: Clock,
        http_timeout: float,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._url = url
        self._state = state
        self._clock = clock
        self._timeout = http_timeout
        self._headers = {**IDENTITY_HEADERS, **(headers or {})}
        self._transport = transport
        self._async_transport = async_transport
        self._client: httpx.Client | None = None
        self._fetch_lock = threading.Lock()
        self._loops = PerLoop(self._new_loop_resources)

    @property
    def fetch_count(self) -> int:
        return self._state.attempts

    # -- sync -----------------------------------------------------------------------

    def get_key(self, kid: str | None) -> RSAPublicKey:
        if kid is None:
            raise _no_kid()
        if not self._state.needs_fetch(kid, self._clock()):
            return self._state.resolve(kid)
        with self._fetch_lock:
            now = self._clock()
            if self._state.needs_fetch(kid, now):
                self._state.record_attempt(now)
                try:
                    keys = fetch_keys(self._sync_client(), self._url, self._headers, self._timeout)
                except FetchError as exc:
                    self._failed(exc)
                else:
                    self._state.record_success(keys, self._clock())
        return self._state.resolve(kid)

    def _sync_client(self) -> httpx.Client:
        if self._client is None:
            # No idle connections: each fetch connects afresh so the deadline watchdog sees it.
            self._client = fresh_client(self._transport)
        return self._client

    # -- async ----------------------------------------------------------------------

    async def aget_key(self, kid: str | None) -> RSAPublicKey:
        if kid is None:
            raise _no_kid()
        if not self._state.needs_fetch(kid, self._clock()):
            return self._state.resolve(kid)
        resources = self._loops.get()
        async with resources.lock:
            now = self._clock()
            if self._state.needs_fetch(kid, now):
                self._state.record_attempt(now)
                try:
                    keys = await afetch_keys(
                        resources.client, self._url, self._headers, self._timeout
                    )
                except FetchError as exc:
                    self._failed(exc)
                else:
                    self._state.record_success(keys, self._clock())
        return self._state.resolve(kid)

    def _new_loop_resources(self) -> _LoopResources:
        return _LoopResources(fresh_async_client(self._async_transport))

    # -- shared ---------------------------------------------------------------------

    def _failed(self, exc: FetchError) -> None:
        self._state.record_failure(str(exc), self._clock())
        logger.warning("authguard: fetching the JWKS from %s failed: %s", _safe_url(self._url), exc)

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()
        self._loops.clear()

    async def aclose(self) -> None:
        resources = self._loops.pop_current()
        if resources is not None:
            await resources.client.aclose()
        self.close()


def _no_kid() -> TokenVerificationError:
    return TokenVerificationError(KID_MISMATCH, "the token has no kid to look up in the key set")


def _safe_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}"
