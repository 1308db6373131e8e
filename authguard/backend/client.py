"""``BackendAPI`` and ``AsyncBackendAPI``: Clerk's Backend API from Python (SPEC §13)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import TracebackType

import httpx

from authguard.backend import aresources, resources
from authguard.backend._retry import RetryPolicy
from authguard.backend._transport import AsyncTransport, SyncTransport
from authguard.settings import Settings


class BackendAPI:
    """Synchronous client: one ``httpx.Client`` reused for every call until :meth:`close`.

    ``settings=None`` reads the environment (``Settings.from_env()``); a missing secret key is a
    ConfigurationError naming ``secret_key``. ``transport``, ``retry``, ``sleep`` and ``clock``
    are for tests and tuning (``clock`` is seconds since the epoch, used for ``Retry-After`` dates).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings if settings is not None else Settings.from_env()
        self._transport = SyncTransport(
            self.settings,
            transport=transport,
            policy=retry or RetryPolicy(),
            sleep=sleep,
            clock=clock,
        )
        self.users = resources.Users(self._transport)
        self.organizations = resources.Organizations(self._transport)
        self.organization_memberships = resources.OrganizationMemberships(self._transport)
        self.organization_invitations = resources.OrganizationInvitations(self._transport)
        self.sessions = resources.Sessions(self._transport)
        self.jwks = resources.Jwks(self._transport)

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> BackendAPI:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncBackendAPI:
    """Asynchronous client: an ``httpx.AsyncClient`` per event loop, reused within it.

    Safe to share across event loops (Django's async views under WSGI, a loop per test);
    :meth:`aclose` releases the current loop's client.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings if settings is not None else Settings.from_env()
        self._transport = AsyncTransport(
            self.settings,
            transport=transport,
            policy=retry or RetryPolicy(),
            sleep=sleep,
            clock=clock,
        )
        self.users = aresources.AsyncUsers(self._transport)
        self.organizations = aresources.AsyncOrganizations(self._transport)
        self.organization_memberships = aresources.AsyncOrganizationMemberships(self._transport)
        self.organization_invitations = aresources.AsyncOrganizationInvitations(self._transport)
        self.sessions = aresources.AsyncSessions(self._transport)
        self.jwks = aresources.AsyncJwks(self._transport)

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def __aenter__(self) -> AsyncBackendAPI:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
