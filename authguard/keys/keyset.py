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
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from authguard.exceptions import TokenVerificationError
from authguard.keys.fetch import BASE_HEADERS, FetchError, afetch_keys, fetch_keys
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
        self._headers = {**BASE_HEADERS, **(headers or {})}
        self._transport = transport
        self._async_transport = async_transport
        self._client: httpx.Client | None = None
        self._fetch_lock = threading.Lock()
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopResources] = (
            weakref.WeakKeyDictionary()
        )
        self._loops_lock = threading.Lock()

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
            self._client = httpx.Client(
                transport=self._transport,
                follow_redirects=False,
                limits=httpx.Limits(max_keepalive_connections=0),
            )
        return self._client

    # -- async ----------------------------------------------------------------------

    async def aget_key(self, kid: str | None) -> RSAPublicKey:
        if kid is None:
            raise _no_kid()
        if not self._state.needs_fetch(kid, self._clock()):
            return self._state.resolve(kid)
        resources = self._loop_resources()
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

    def _loop_resources(self) -> _LoopResources:
        # A client and a lock belong to the loop that made them (Django runs async views on
        # fresh loops; test runners make one per test), so each running loop gets its own.
        loop = asyncio.get_running_loop()
        with self._loops_lock:
            # A lock that saw contention holds its loop, so weak keys alone may never let go.
            for closed in [other for other in self._loops if other.is_closed()]:
                del self._loops[closed]
            resources = self._loops.get(loop)
            if resources is None:
                resources = _LoopResources(self._new_async_client())
                self._loops[loop] = resources
            return resources

    def _new_async_client(self) -> httpx.AsyncClient:
        # No keep-alive: fetches are minutes apart, and an idle pooled socket would outlive a
        # loop that has already been closed.
        return httpx.AsyncClient(
            transport=self._async_transport,
            follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    # -- shared ---------------------------------------------------------------------

    def _failed(self, exc: FetchError) -> None:
        self._state.record_failure(str(exc), self._clock())
        logger.warning("authguard: fetching the JWKS from %s failed: %s", _safe_url(self._url), exc)

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()
        with self._loops_lock:
            self._loops.clear()

    async def aclose(self) -> None:
        with self._loops_lock:
            resources = self._loops.pop(asyncio.get_running_loop(), None)
        if resources is not None:
            await resources.client.aclose()
        self.close()


def _no_kid() -> TokenVerificationError:
    return TokenVerificationError(KID_MISMATCH, "the token has no kid to look up in the key set")


def _safe_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}"
