"""Typed, frozen views of Clerk's Backend API objects, read leniently.

Each model is built from Clerk's JSON with ``from_json``: unknown fields are ignored, missing ones
take a neutral default, and the whole object stays available as ``.raw``. Timestamps are Clerk's
milliseconds since the epoch.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Generic, TypeVar

from authguard._fields import int_field, str_field

T = TypeVar("T")
M = TypeVar("M", bound="Model")


def _dict(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return dict(value) if isinstance(value, Mapping) else {}


def _obj(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError("expected a JSON object")
    return value


_READERS: dict[str, Any] = {
    "str | None": str_field,
    "int | None": int_field,
    "dict[str, Any]": _dict,
    "bool": lambda d, k: d.get(k) is True,
    "str": lambda d, k: str_field(d, k) or "",
}


@dataclass(frozen=True)
class Model:
    """Base of the models: ``from_json`` fills scalar fields by their annotation."""

    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def _scalars(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for f in fields(cls):
            reader = _READERS.get(str(f.type))
            if reader is not None:
                values[f.name] = reader(data, f.name)
        return values

    @classmethod
    def from_json(cls: type[M], data: Any) -> M:
        obj = _obj(data)
        return cls(raw=obj, **cls._scalars(obj), **cls._nested(obj))

    @classmethod
    def _nested(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        return {}


@dataclass(frozen=True)
class EmailAddress(Model):
    """One of a user's email addresses."""

    id: str = ""
    email_address: str = ""

    @property
    def verified(self) -> bool:
        verification = self.raw.get("verification")
        return isinstance(verification, Mapping) and verification.get("status") == "verified"


@dataclass(frozen=True)
class User(Model):
    """A Clerk user (``object: "user"``)."""

    id: str = ""
    external_id: str | None = None
    primary_email_address_id: str | None = None
    email_addresses: tuple[EmailAddress, ...] = ()
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    image_url: str | None = None
    public_metadata: dict[str, Any] = field(default_factory=dict)
    private_metadata: dict[str, Any] = field(default_factory=dict, repr=False)
    unsafe_metadata: dict[str, Any] = field(default_factory=dict, repr=False)
    created_at: int | None = None
    updated_at: int | None = None
    last_sign_in_at: int | None = None
    last_active_at: int | None = None
    banned: bool = False
    locked: bool = False

    @classmethod
    def _nested(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        items = data.get("email_addresses")
        emails = [EmailAddress.from_json(e) for e in items or () if isinstance(e, Mapping)]
        return {"email_addresses": tuple(emails)}

    @property
    def primary_email(self) -> str | None:
        """The primary email address, else the first one, else None."""
        for email in self.email_addresses:
            if email.id == self.primary_email_address_id:
                return email.email_address
        return self.email_addresses[0].email_address if self.email_addresses else None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class Organization(Model):
    """A Clerk organization (``object: "organization"``)."""

    id: str = ""
    name: str = ""
    slug: str | None = None
    image_url: str | None = None
    members_count: int | None = None
    max_allowed_memberships: int | None = None
    created_by: str | None = None
    public_metadata: dict[str, Any] = field(default_factory=dict)
    private_metadata: dict[str, Any] = field(default_factory=dict, repr=False)
    created_at: int | None = None
    updated_at: int | None = None


@dataclass(frozen=True)
class PublicUserData(Model):
    """The member's public profile inside a membership."""

    user_id: str = ""
    identifier: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    image_url: str | None = None


@dataclass(frozen=True)
class OrganizationMembership(Model):
    """A user's membership of an organization, with its role (``org:admin``, ``org:member``…)."""

    id: str = ""
    role: str = ""
    organization: Organization = field(default_factory=Organization)
    public_user_data: PublicUserData = field(default_factory=PublicUserData)
    public_metadata: dict[str, Any] = field(default_factory=dict)
    private_metadata: dict[str, Any] = field(default_factory=dict)
    created_at: int | None = None
    updated_at: int | None = None

    @classmethod
    def _nested(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        org, user = data.get("organization"), data.get("public_user_data")
        return {
            "organization": Organization.from_json(org if isinstance(org, Mapping) else {}),
            "public_user_data": PublicUserData.from_json(user if isinstance(user, Mapping) else {}),
        }

    @property
    def user_id(self) -> str:
        return self.public_user_data.user_id


@dataclass(frozen=True)
class OrganizationInvitation(Model):
    """An invitation to join an organization."""

    id: str = ""
    email_address: str = ""
    role: str = ""
    status: str = ""
    organization_id: str | None = None
    public_metadata: dict[str, Any] = field(default_factory=dict)
    created_at: int | None = None
    updated_at: int | None = None


@dataclass(frozen=True)
class Session(Model):
    """A session (``active``, ``revoked``, ``ended``, ``expired``…)."""

    id: str = ""
    user_id: str = ""
    client_id: str | None = None
    status: str = ""
    last_active_at: int | None = None
    last_active_organization_id: str | None = None
    expire_at: int | None = None
    abandon_at: int | None = None
    created_at: int | None = None
    updated_at: int | None = None


@dataclass(frozen=True)
class DeletedObject(Model):
    """What a DELETE answers: ``{"object", "id", "deleted": true}``."""

    id: str | None = None
    object: str | None = None
    slug: str | None = None
    deleted: bool = False


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list endpoint; ``total_count`` is None where Clerk gives a bare array."""

    data: Sequence[T]
    total_count: int | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)
