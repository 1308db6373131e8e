"""The synchronous resources of :class:`~authguard.backend.BackendAPI` (SPEC §13)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from authguard.backend import _calls as calls
from authguard.backend._http import Call
from authguard.backend._transport import SyncTransport
from authguard.backend.models import (
    DeletedObject,
    Organization,
    OrganizationInvitation,
    OrganizationMembership,
    Page,
    Session,
    User,
)

T = TypeVar("T")
Filters = Mapping[str, Any]
DEFAULT_PAGE_SIZE = 100


def check_page_size(page_size: int) -> None:
    if not 1 <= page_size <= 500:
        raise ValueError("page_size must be between 1 and 500 (Clerk's limit)")


def page_done(page: Page[Any], page_size: int, offset: int) -> bool:
    """The last page: short, empty, or reaching the announced total."""
    short = len(page) < page_size or not page
    return short or (page.total_count is not None and offset >= page.total_count)


def paginate(
    run: Callable[[Call[Page[T]]], Page[T]],
    make: Callable[[dict[str, Any]], Call[Page[T]]],
    filters: Filters,
    page_size: int,
) -> Iterator[T]:
    check_page_size(page_size)
    offset = int(filters.get("offset") or 0)
    while True:
        page = run(make({**filters, "limit": page_size, "offset": offset}))
        yield from page.data
        offset += len(page)
        if page_done(page, page_size, offset):
            return


class _Resource:
    def __init__(self, transport: SyncTransport) -> None:
        self._t = transport


class Users(_Resource):
    """``/users``: a bare JSON array when listed."""

    def get(self, user_id: str) -> User:
        return self._t.run(calls.user_get(user_id))

    def list(self, **filters: Any) -> Page[User]:
        """Filters as Clerk names them: ``email_address``, ``user_id``, ``query``,
        ``order_by``, ``limit``, ``offset``, … (lists repeat the parameter)."""
        return self._t.run(calls.user_list(filters))

    def iter(self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any) -> Iterator[User]:
        return paginate(self._t.run, calls.user_list, filters, page_size)

    def create(self, **fields: Any) -> User:
        """Fields as Clerk names them (``email_address=[...]``, ``first_name``, ``password``…)."""
        return self._t.run(calls.user_create(fields))

    def update(self, user_id: str, **fields: Any) -> User:
        return self._t.run(calls.user_update(user_id, fields))

    def update_metadata(
        self,
        user_id: str,
        *,
        public_metadata: Mapping[str, Any] | None = None,
        private_metadata: Mapping[str, Any] | None = None,
        unsafe_metadata: Mapping[str, Any] | None = None,
    ) -> User:
        """Deep-merge into the stored metadata; a key set to None is removed."""
        body = calls.metadata_body(public_metadata, private_metadata, unsafe_metadata)
        return self._t.run(calls.user_update_metadata(user_id, body))

    def delete(self, user_id: str) -> DeletedObject:
        return self._t.run(calls.user_delete(user_id))


class Organizations(_Resource):
    """``/organizations``."""

    def get(self, organization_id_or_slug: str) -> Organization:
        return self._t.run(calls.org_get(organization_id_or_slug))

    def list(self, **filters: Any) -> Page[Organization]:
        return self._t.run(calls.org_list(filters))

    def iter(self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any) -> Iterator[Organization]:
        return paginate(self._t.run, calls.org_list, filters, page_size)

    def create(self, *, name: str, **fields: Any) -> Organization:
        return self._t.run(calls.org_create({"name": name, **fields}))

    def update(self, organization_id: str, **fields: Any) -> Organization:
        return self._t.run(calls.org_update(organization_id, fields))

    def update_metadata(
        self,
        organization_id: str,
        *,
        public_metadata: Mapping[str, Any] | None = None,
        private_metadata: Mapping[str, Any] | None = None,
    ) -> Organization:
        body = calls.metadata_body(public_metadata, private_metadata)
        return self._t.run(calls.org_update_metadata(organization_id, body))

    def delete(self, organization_id: str) -> DeletedObject:
        return self._t.run(calls.org_delete(organization_id))


class OrganizationMemberships(_Resource):
    """``/organizations/{id}/memberships``."""

    def list(self, organization_id: str, **filters: Any) -> Page[OrganizationMembership]:
        return self._t.run(calls.membership_list(organization_id, filters))

    def iter(
        self, organization_id: str, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any
    ) -> Iterator[OrganizationMembership]:
        def make(f: dict[str, Any]) -> Call[Page[OrganizationMembership]]:
            return calls.membership_list(organization_id, f)

        return paginate(self._t.run, make, filters, page_size)

    def create(self, organization_id: str, *, user_id: str, role: str) -> OrganizationMembership:
        return self._t.run(calls.membership_create(organization_id, user_id, role))

    def update(self, organization_id: str, user_id: str, *, role: str) -> OrganizationMembership:
        return self._t.run(calls.membership_update(organization_id, user_id, role))

    def delete(self, organization_id: str, user_id: str) -> OrganizationMembership:
        return self._t.run(calls.membership_delete(organization_id, user_id))


class OrganizationInvitations(_Resource):
    """``/organizations/{id}/invitations``."""

    def create(
        self, organization_id: str, *, email_address: str, role: str, **fields: Any
    ) -> OrganizationInvitation:
        body = {"email_address": email_address, "role": role, **fields}
        return self._t.run(calls.invitation_create(organization_id, body))

    def list(self, organization_id: str, **filters: Any) -> Page[OrganizationInvitation]:
        return self._t.run(calls.invitation_list(organization_id, filters))

    def revoke(
        self, organization_id: str, invitation_id: str, *, requesting_user_id: str | None = None
    ) -> OrganizationInvitation:
        call = calls.invitation_revoke(organization_id, invitation_id, requesting_user_id)
        return self._t.run(call)


class Sessions(_Resource):
    """``/sessions``, including session and template tokens."""

    def get(self, session_id: str) -> Session:
        return self._t.run(calls.session_get(session_id))

    def list(self, **filters: Any) -> Page[Session]:
        """Filters: ``user_id``, ``client_id``, ``status``, ``limit``, ``offset``."""
        return self._t.run(calls.session_list(filters))

    def iter(self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Any) -> Iterator[Session]:
        return paginate(self._t.run, calls.session_list, filters, page_size)

    def revoke(self, session_id: str) -> Session:
        return self._t.run(calls.session_revoke(session_id))

    def create_token(
        self,
        session_id: str,
        template: str | None = None,
        expires_in_seconds: int | None = None,
    ) -> str:
        """A fresh session token, or a JWT-template token when ``template`` is given."""
        return self._t.run(calls.session_token(session_id, template, expires_in_seconds))


class Jwks(_Resource):
    """``/jwks``: the instance's public keys."""

    def get(self) -> dict[str, Any]:
        return self._t.run(calls.jwks_get())
