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


def _str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


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
        primary_id = _str(data, "primary_email_address_id")
        primary = next(
            (_str(e, "email_address") for e in emails if e.get("id") == primary_id), None
        )
        return cls(
            id=_str(data, "id"),
            deleted=data.get("deleted") is True,
            email_addresses=tuple(a for e in emails if (a := _str(e, "email_address"))),
            primary_email_address=primary,
            username=_str(data, "username"),
            first_name=_str(data, "first_name"),
            last_name=_str(data, "last_name"),
            image_url=_str(data, "image_url"),
            external_id=_str(data, "external_id"),
            public_metadata=_obj(data, "public_metadata"),
            private_metadata=_obj(data, "private_metadata"),
            unsafe_metadata=_obj(data, "unsafe_metadata"),
            created_at=_int(data, "created_at"),
            updated_at=_int(data, "updated_at"),
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
            id=_str(data, "id"),
            user_id=_str(data, "user_id"),
            status=_str(data, "status"),
            client_id=_str(data, "client_id"),
            last_active_at=_int(data, "last_active_at"),
            expire_at=_int(data, "expire_at"),
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
            id=_str(data, "id"),
            deleted=data.get("deleted") is True,
            name=_str(data, "name"),
            slug=_str(data, "slug"),
            image_url=_str(data, "image_url"),
            created_by=_str(data, "created_by"),
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
            id=_str(data, "id"),
            role=_str(data, "role"),
            organization_id=_str(org, "id"),
            organization_slug=_str(org, "slug"),
            user_id=_str(user, "user_id"),
            identifier=_str(user, "identifier"),
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
            id=_str(data, "id"),
            email_address=_str(data, "email_address"),
            role=_str(data, "role"),
            status=_str(data, "status"),
            organization_id=_str(data, "organization_id"),
            user_id=_str(data, "user_id"),
            public_metadata=_obj(data, "public_metadata"),
        )
