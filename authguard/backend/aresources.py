"""Async resources of :class:`~authguard.backend.AsyncBackendAPI`, twins of resources.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, TypeVar

from authguard.backend import _calls as calls
from authguard.backend._http import Call
from authguard.backend._transport import AsyncTransport
from authguard.backend.models import (
    DeletedObject,
    Organization,
    OrganizationInvitation,
    OrganizationMembership,
    Page,
    Session,
    User,
)
from authguard.backend.resources import DEFAULT_PAGE_SIZE, check_page_size, page_done

T = TypeVar("T")


async def apaginate(
    run: Callable[[Call[Page[T]]], Awaitable[Page[T]]],
    make: Callable[[dict[str, Any]], Call[Page[T]]],
    filters: Mapping[str, Any],
    page_size: int,
) -> AsyncIterator[T]:
    check_page_size(page_size)
    offset = int(filters.get("offset") or 0)
    while True:
        page = await run(make({**filters, "limit": page_size, "offset": offset}))
        for item in page.data:
            yield item
        offset += len(page)
        if page_done(page, page_size, offset):
            return


class _Resource:
    def __init__(self, transport: AsyncTransport) -> None:
        self._t = transport


class AsyncUsers(_Resource):
    """``/users``: a bare JSON array when listed."""

    async def get(self, user_id: str) -> User:
        return await self._t.run(calls.user_get(user_id))

    async def list(self, **filters: Any) -> Page[User]:
        """Filters as Clerk names them: ``email_address``, ``user_id``, ``query``,
        ``order_by``, ``limit``, ``offset``, … (lists repeat the parameter)."""
        return await self._t.run(calls.user_list(filters))

    def iter(self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any) -> AsyncIterator[User]:
        return apaginate(self._t.run, calls.user_list, filters, page_size)

    async def create(self, **fields: Any) -> User:
        """Fields as Clerk names them (``email_address=[...]``, ``first_name``, ``password``…)."""
        return await self._t.run(calls.user_create(fields))

    async def update(self, user_id: str, **fields: Any) -> User:
        return await self._t.run(calls.user_update(user_id, fields))

    async def update_metadata(
        self,
        user_id: str,
        *,
        public_metadata: Mapping[str, Any] | None = None,
        private_metadata: Mapping[str, Any] | None = None,
        unsafe_metadata: Mapping[str, Any] | None = None,
    ) -> User:
        """Deep-merge into the stored metadata; a key set to None is removed."""
        body = calls.metadata_body(public_metadata, private_metadata, unsafe_metadata)
        return await self._t.run(calls.user_update_metadata(user_id, body))

    async def delete(self, user_id: str) -> DeletedObject:
        return await self._t.run(calls.user_delete(user_id))


class AsyncOrganizations(_Resource):
    """``/organizations``."""

    async def get(self, organization_id_or_slug: str) -> Organization:
        return await self._t.run(calls.org_get(organization_id_or_slug))

    async def list(self, **filters: Any) -> Page[Organization]:
        return await self._t.run(calls.org_list(filters))

    def iter(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any
    ) -> AsyncIterator[Organization]:
        return apaginate(self._t.run, calls.org_list, filters, page_size)

    async def create(self, *, name: str, **fields: Any) -> Organization:
        return await self._t.run(calls.org_create({"name": name, **fields}))

    async def update(self, organization_id: str, **fields: Any) -> Organization:
        return await self._t.run(calls.org_update(organization_id, fields))

    async def update_metadata(
        self,
        organization_id: str,
        *,
        public_metadata: Mapping[str, Any] | None = None,
        private_metadata: Mapping[str, Any] | None = None,
    ) -> Organization:
        body = calls.metadata_body(public_metadata, private_metadata)
        return await self._t.run(calls.org_update_metadata(organization_id, body))

    async def delete(self, organization_id: str) -> DeletedObject:
        return await self._t.run(calls.org_delete(organization_id))


class AsyncOrganizationMemberships(_Resource):
    """``/organizations/{id}/memberships``."""

    async def list(self, organization_id: str, **filters: Any) -> Page[OrganizationMembership]:
        return await self._t.run(calls.membership_list(organization_id, filters))

    def iter(
        self, organization_id: str, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any
    ) -> AsyncIterator[OrganizationMembership]:
        def make(f: dict[str, Any]) -> Call[Page[OrganizationMembership]]:
            return calls.membership_list(organization_id, f)

        return apaginate(self._t.run, make, filters, page_size)

    async def create(
        self, organization_id: str, *, user_id: str, role: str
    ) -> OrganizationMembership:
        return await self._t.run(calls.membership_create(organization_id, user_id, role))

    async def update(
        self, organization_id: str, user_id: str, *, role: str
    ) -> OrganizationMembership:
        return await self._t.run(calls.membership_update(organization_id, user_id, role))

    async def delete(self, organization_id: str, user_id: str) -> OrganizationMembership:
        return await self._t.run(calls.membership_delete(organization_id, user_id))


class AsyncOrganizationInvitations(_Resource):
    """``/organizations/{id}/invitations``."""

    async def create(
        self, organization_id: str, *, email_address: str, role: str, **fields: Any
    ) -> OrganizationInvitation:
        body = {"email_address": email_address, "role": role, **fields}
        return await self._t.run(calls.invitation_create(organization_id, body))

    async def list(self, organization_id: str, **filters: Any) -> Page[OrganizationInvitation]:
        return await self._t.run(calls.invitation_list(organization_id, filters))

    async def revoke(
        self, organization_id: str, invitation_id: str, *, requesting_user_id: str | None = None
    ) -> OrganizationInvitation:
        call = calls.invitation_revoke(organization_id, invitation_id, requesting_user_id)
        return await self._t.run(call)


class AsyncSessions(_Resource):
    """``/sessions``, including session and template tokens."""

    async def get(self, session_id: str) -> Session:
        return await self._t.run(calls.session_get(session_id))

    async def list(self, **filters: Any) -> Page[Session]:
        """Filters: ``user_id``, ``client_id``, ``status``, ``limit``, ``offset``."""
        return await self._t.run(calls.session_list(filters))

    def iter(self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any) -> AsyncIterator[Session]:
        return apaginate(self._t.run, calls.session_list, filters, page_size)

    async def revoke(self, session_id: str) -> Session:
        return await self._t.run(calls.session_revoke(session_id))

    async def create_token(
        self,
        session_id: str,
        template: str | None = None,
        expires_in_seconds: int | None = None,
    ) -> str:
        """A fresh session token, or a JWT-template token when ``template`` is given."""
        return await self._t.run(calls.session_token(session_id, template, expires_in_seconds))


class AsyncJwks(_Resource):
    """``/jwks``: the instance's public keys."""

    async def get(self) -> dict[str, Any]:
        return await self._t.run(calls.jwks_get())
