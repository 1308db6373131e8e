"""``current_user()`` without a framework: a per-request memo, a shared cache, shared clients.

The adapters keep a mutable mapping per request (the ASGI scope, Django's request, Flask's
``g``) and call :func:`load_current_user` / :func:`aload_current_user` with it: the signed-in
user is fetched from the Backend API at most once per request, however often it is asked for.
An optional :class:`UserCache` shares users across requests for a short time (off by default):
:class:`TTLUserCache` in the process, or :class:`RedisUserCache` across many workers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Protocol, cast, runtime_checkable

import cachetools

from authguard.auth import Auth
from authguard.backend.client import AsyncBackendAPI, BackendAPI
from authguard.backend.models import User
from authguard.exceptions import BackendAPIError
from authguard.settings import Settings

__all__ = [
    "MEMO_KEY",
    "RedisLike",
    "RedisUserCache",
    "TTLUserCache",
    "UserCache",
    "aload_current_user",
    "asession_token",
    "async_client_for",
    "client_for",
    "load_current_user",
    "resolve_cache",
    "session_token",
]

logger = logging.getLogger("authguard.backend")

#: the key under which the per-request memo is kept in the adapter's mapping.
MEMO_KEY = "authguard.current_user"


@runtime_checkable
class UserCache(Protocol):
    """Where users are kept between requests; a miss (None) means "ask the Backend API"."""

    def get(self, user_id: str) -> User | None: ...

    def set(self, user_id: str, user: User) -> None: ...


class TTLUserCache:
    """In-process cache (``cachetools.TTLCache``): each worker process has its own copy.

    ``timer`` is monotonic seconds; tests inject one to move time.
    """

    def __init__(
        self, ttl: float, *, maxsize: int = 1024, timer: Callable[[], float] = time.monotonic
    ) -> None:
        if ttl <= 0:
            raise ValueError(f"ttl must be positive, got {ttl!r}")
        self.ttl = ttl
        self._lock = threading.Lock()
        self._cache: cachetools.TTLCache[str, User] = cachetools.TTLCache(
            maxsize=maxsize, ttl=ttl, timer=timer
        )

    def get(self, user_id: str) -> User | None:
        with self._lock:
            return self._cache.get(user_id)

    def set(self, user_id: str, user: User) -> None:
        with self._lock:
            self._cache[user_id] = user

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


class RedisLike(Protocol):
    """The two methods of ``redis.Redis`` that :class:`RedisUserCache` uses."""

    def get(self, name: str) -> Any: ...

    def setex(self, name: str, time: int, value: str) -> Any: ...


class RedisUserCache:
    """A cache shared by many workers: the user's JSON under ``prefix + user_id`` with a TTL.

    ``client`` is a ``redis.Redis`` (or anything with ``get``/``setex``); authguard does not
    depend on redis. A failing cache is a miss (logged), never a failed request.
    """

    def __init__(self, client: RedisLike, ttl: int = 30, *, prefix: str = "authguard:user:"):
        if ttl <= 0:
            raise ValueError(f"ttl must be a positive number of seconds, got {ttl!r}")
        self.client = client
        self.ttl = int(ttl)
        self.prefix = prefix

    def get(self, user_id: str) -> User | None:
        try:
            raw = self.client.get(self.prefix + user_id)
            return None if raw is None else User.from_json(json.loads(raw))
        except Exception as exc:  # any cache failure is a miss
            logger.warning("authguard: user cache read failed (%s)", type(exc).__name__)
            return None

    def set(self, user_id: str, user: User) -> None:
        try:
            self.client.setex(self.prefix + user_id, self.ttl, json.dumps(dict(user.raw)))
        except Exception as exc:  # the user was fetched; caching is a bonus
            logger.warning("authguard: user cache write failed (%s)", type(exc).__name__)


_lock = threading.Lock()
_ttl_caches: dict[float, TTLUserCache] = {}
_sync_clients: dict[Settings, BackendAPI] = {}
_async_clients: dict[Settings, AsyncBackendAPI] = {}


def resolve_cache(ttl: float | None = None, cache: UserCache | None = None) -> UserCache | None:
    """``cache`` as given, else the process-wide ``TTLUserCache`` for ``ttl``, else None."""
    if cache is not None and ttl is not None:
        raise TypeError("pass either ttl= or cache=, not both (a cache has its own TTL)")
    if cache is not None or not ttl:
        return cache
    with _lock:
        shared = _ttl_caches.get(ttl)
        if shared is None:
            shared = _ttl_caches[ttl] = TTLUserCache(ttl)
        return shared


def client_for(settings: Settings) -> BackendAPI:
    """The ``BackendAPI`` shared by every request of an app with these settings."""
    with _lock:
        client = _sync_clients.get(settings)
        if client is None:
            client = _sync_clients[settings] = BackendAPI(settings)
        return client


def async_client_for(settings: Settings) -> AsyncBackendAPI:
    """The ``AsyncBackendAPI`` shared by every request of an app with these settings."""
    with _lock:
        client = _async_clients.get(settings)
        if client is None:
            client = _async_clients[settings] = AsyncBackendAPI(settings)
        return client


@dataclass
class _Memo:
    user_id: str
    value: User | asyncio.Task[User | None] | None


def _signed_in_user_id(auth: Auth) -> str | None:
    return auth.user_id if auth.is_signed_in and auth.user_id else None


def _fetch(client: BackendAPI, user_id: str) -> User | None:
    try:
        return client.users.get(user_id)
    except BackendAPIError as exc:
        if exc.status == 404:  # deleted since the token was minted
            return None
        raise


async def _afetch(client: AsyncBackendAPI, user_id: str, cache: UserCache | None) -> User | None:
    user = cache.get(user_id) if cache is not None else None
    if user is not None:
        return user
    try:
        user = await client.users.get(user_id)
    except BackendAPIError as exc:
        if exc.status == 404:
            return None
        raise
    if cache is not None:
        cache.set(user_id, user)
    return user


def _memoised(memo: MutableMapping[str, Any], user_id: str) -> _Memo | None:
    found = memo.get(MEMO_KEY)
    return found if isinstance(found, _Memo) and found.user_id == user_id else None


def load_current_user(
    memo: MutableMapping[str, Any],
    auth: Auth,
    client: BackendAPI,
    cache: UserCache | None = None,
) -> User | None:
    """The signed-in user (None when signed out or deleted), fetched once per ``memo``.

    Raises :class:`~authguard.exceptions.BackendAPIError` when the API fails (not memoised).
    """
    user_id = _signed_in_user_id(auth)
    if user_id is None:
        return None
    found = _memoised(memo, user_id)
    if found is not None:
        value = found.value
        if not isinstance(value, asyncio.Task):
            return value
        if value.done() and not value.cancelled() and value.exception() is None:
            return value.result()
    user = cache.get(user_id) if cache is not None else None
    if user is None:
        user = _fetch(client, user_id)
        if user is not None and cache is not None:
            cache.set(user_id, user)
    memo[MEMO_KEY] = _Memo(user_id, user)
    return user


async def aload_current_user(
    memo: MutableMapping[str, Any],
    auth: Auth,
    client: AsyncBackendAPI,
    cache: UserCache | None = None,
) -> User | None:
    """Async :func:`load_current_user`; concurrent calls in one request share one fetch."""
    user_id = _signed_in_user_id(auth)
    if user_id is None:
        return None
    found = _memoised(memo, user_id)
    if found is not None and not isinstance(found.value, asyncio.Task):
        return found.value
    if found is None:
        task = asyncio.ensure_future(_afetch(client, user_id, cache))
        found = _Memo(user_id, task)
        memo[MEMO_KEY] = found
    task = cast("asyncio.Task[User | None]", found.value)
    try:
        return await asyncio.shield(task)
    except BackendAPIError:
        if memo.get(MEMO_KEY) is found:
            del memo[MEMO_KEY]  # a failure is not remembered: the next call tries again
        raise


def session_token(auth: Auth, client: BackendAPI, template: str | None = None) -> str | None:
    """``auth.token`` for ``template=None``, else a JWT-template token for the session."""
    if not auth.is_signed_in:
        return None
    if template is None:
        return auth.token
    if not auth.session_id:
        return None
    return client.sessions.create_token(auth.session_id, template)


async def asession_token(
    auth: Auth, client: AsyncBackendAPI, template: str | None = None
) -> str | None:
    """Async :func:`session_token`."""
    if not auth.is_signed_in:
        return None
    if template is None:
        return auth.token
    if not auth.session_id:
        return None
    return await client.sessions.create_token(auth.session_id, template)
