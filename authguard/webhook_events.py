"""Typed views of the common Clerk webhook payloads (SPEC §9).

Each view is read leniently from a payload whose signature already verified: a field
Clerk did not send (or sent with an unexpected type) comes back as ``None``, an empty
tuple or an empty dict rather than raising, because the sender is trusted by then and
Clerk adds fields over time. Asking for the wrong view (``event.user`` on a
``session.created`` event) is a programming error and raises ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from authguard._fields import int_field, str_field

__all__ = [
    "InvitationData",
    "MembershipData",
    "OrganizationData",
    "SessionData",
    "UserData",
    "event_kind",
    "require_kind",
]


def event_kind(event_type: str) -> str:
    """The resource part of an event type: ``user`` for ``user.created``."""
    return event_type.partition(".")[0]


def require_kind(event_type: str, kind: str, accessor: str) -> None:
    """Raise ``ValueError`` unless ``event_type`` is one of the ``kind.*`` events."""
    if event_kind(event_type) != kind:
        raise ValueError(
            f"WebhookEvent.{accessor} applies to {kind}.* events; this event is {event_type!r}"
        )


def _obj(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _list_of_objects(data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


@dataclass(frozen=True)
class UserData:
    """``user.created`` / ``user.updated`` / ``user.deleted`` (Clerk's User JSON).

    A ``user.deleted`` event carries only ``id`` and ``deleted=True``.
    """

    id: str | None
    deleted: bool = False
    # Personal data stays out of repr so logging a view does not log it.
    email_addresses: tuple[str, ...] = field(default=(), repr=False)
    primary_email_address: str | None = field(default=None, repr=False)
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    image_url: str | None = None
    external_id: str | None = None
    public_metadata: dict[str, Any] = field(default_factory=dict, repr=False)
    private_metadata: dict[str, Any] = field(default_factory=dict, repr=False)
    unsafe_metadata: dict[str, Any] = field(default_factory=dict, repr=False)
    created_at: int | None = None
    updated_at: int | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> UserData:
        emails = _list_of_objects(data, "email_addresses")
        primary_id = str_field(data, "primary_email_address_id")
        primary = next(
            (str_field(e, "email_address") for e in emails if e.get("id") == primary_id), None
        )
        return cls(
            id=str_field(data, "id"),
            deleted=data.get("deleted") is True,
            email_addresses=tuple(a for e in emails if (a := str_field(e, "email_address"))),
            primary_email_address=primary,
            username=str_field(data, "username"),
            first_name=str_field(data, "first_name"),
            last_name=str_field(data, "last_name"),
            image_url=str_field(data, "image_url"),
            external_id=str_field(data, "external_id"),
            public_metadata=_obj(data, "public_metadata"),
            private_metadata=_obj(data, "private_metadata"),
            unsafe_metadata=_obj(data, "unsafe_metadata"),
            created_at=int_field(data, "created_at"),
            updated_at=int_field(data, "updated_at"),
        )


@dataclass(frozen=True)
class SessionData:
    """``session.created`` / ``ended`` / ``removed`` / ``revoked`` (Clerk's Session JSON)."""

    id: str | None
    user_id: str | None = None
    status: str | None = None
    client_id: str | None = None
    last_active_at: int | None = None
    expire_at: int | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> SessionData:
        return cls(
            id=str_field(data, "id"),
            user_id=str_field(data, "user_id"),
            status=str_field(data, "status"),
            client_id=str_field(data, "client_id"),
            last_active_at=int_field(data, "last_active_at"),
            expire_at=int_field(data, "expire_at"),
        )


@dataclass(frozen=True)
class OrganizationData:
    """``organization.created`` / ``updated`` / ``deleted`` (Clerk's Organization JSON)."""

    id: str | None
    deleted: bool = False
    name: str | None = None
    slug: str | None = None
    image_url: str | None = None
    created_by: str | None = None
    public_metadata: dict[str, Any] = field(default_factory=dict, repr=False)
    private_metadata: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> OrganizationData:
        return cls(
            id=str_field(data, "id"),
            deleted=data.get("deleted") is True,
            name=str_field(data, "name"),
            slug=str_field(data, "slug"),
            image_url=str_field(data, "image_url"),
            created_by=str_field(data, "created_by"),
            public_metadata=_obj(data, "public_metadata"),
            private_metadata=_obj(data, "private_metadata"),
        )


@dataclass(frozen=True)
class MembershipData:
    """``organizationMembership.*`` (Clerk's OrganizationMembership JSON).

    ``organization_id`` comes from the nested ``organization``, ``user_id`` from
    ``public_user_data.user_id``.
    """

    id: str | None
    role: str | None = None
    organization_id: str | None = None
    organization_slug: str | None = None
    user_id: str | None = None
    identifier: str | None = field(default=None, repr=False)
    permissions: tuple[str, ...] = ()
    public_metadata: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> MembershipData:
        org = _obj(data, "organization")
        user = _obj(data, "public_user_data")
        perms = data.get("permissions")
        return cls(
            id=str_field(data, "id"),
            role=str_field(data, "role"),
            organization_id=str_field(org, "id"),
            organization_slug=str_field(org, "slug"),
            user_id=str_field(user, "user_id"),
            identifier=str_field(user, "identifier"),
            permissions=tuple(p for p in perms if isinstance(p, str))
            if isinstance(perms, list)
            else (),
            public_metadata=_obj(data, "public_metadata"),
        )


@dataclass(frozen=True)
class InvitationData:
    """``organizationInvitation.*`` (Clerk's OrganizationInvitation JSON).

    ``user_id`` is set on ``organizationInvitation.accepted``.
    """

    id: str | None
    email_address: str | None = field(default=None, repr=False)
    role: str | None = None
    status: str | None = None
    organization_id: str | None = None
    user_id: str | None = None
    public_metadata: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> InvitationData:
        return cls(
            id=str_field(data, "id"),
            email_address=str_field(data, "email_address"),
            role=str_field(data, "role"),
            status=str_field(data, "status"),
            organization_id=str_field(data, "organization_id"),
            user_id=str_field(data, "user_id"),
            public_metadata=_obj(data, "public_metadata"),
        )
