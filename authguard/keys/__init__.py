"""The key set (SPEC §1, §3 step 4): which RSA key verifies a token with a given ``kid``.

``build_key_set`` picks the source in SPEC order — ``jwt_key`` (static, no network), then
``jwks_url`` (no credentials), then the Backend API's ``/jwks`` with the secret key as a Bearer
token. The URL always comes from settings, never from a token.
"""

from __future__ import annotations

import httpx

from authguard.exceptions import ConfigurationError
from authguard.keys.keyset import Clock, KeySet, RemoteKeySet, StaticKeySet
from authguard.keys.state import KeyCacheState
from authguard.settings import Settings

__all__ = [
    "MAX_FAILURE_BACKOFF",
    "KeyCacheState",
    "KeySet",
    "RemoteKeySet",
    "StaticKeySet",
    "build_key_set",
]

# After a failed fetch, wait this long (or the miss cooldown, if shorter) before trying again.
MAX_FAILURE_BACKOFF = 5.0


def build_key_set(
    settings: Settings,
    *,
    clock: Clock,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
) -> KeySet:
    """The key set ``settings`` call for; ``clock`` drives TTL, cooldown and backoff."""
    if settings.jwt_key:
        key = settings.public_key
        if key is None:  # pragma: no cover - public_key raises for a bad jwt_key instead
            raise ConfigurationError("jwt_key could not be parsed", setting="jwt_key")
        return StaticKeySet(key)
    headers: dict[str, str] = {}
    if settings.jwks_url:
        url = settings.jwks_url
    elif settings.secret_key:
        url = settings.backend_jwks_url
        headers["Authorization"] = f"Bearer {settings.secret_key}"
    else:
        raise ConfigurationError(
            "no key source: set secret_key, jwt_key or jwks_url", setting="secret_key"
        )
    state = KeyCacheState(
        ttl=settings.jwks_cache_ttl,
        miss_cooldown=settings.jwks_miss_cooldown,
        failure_backoff=min(settings.jwks_miss_cooldown, MAX_FAILURE_BACKOFF),
    )
    return RemoteKeySet(
        url,
        state,
        clock=clock,
        http_timeout=settings.http_timeout,
        headers=headers,
        transport=transport,
        async_transport=async_transport,
    )
