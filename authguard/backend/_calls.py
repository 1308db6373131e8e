"""Every Backend API endpoint the client covers, as a :class:`Call` builder (no I/O here).

The sync and async resources are thin shells over these, so both send exactly the same requests.
Path segments are percent-encoded: an id can never reach another endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

from authguard.backend._http import Call
from authguard.backend.models import (
    DeletedObject,
    Model,
    Organization,
    OrganizationInvitation,
    OrganizationMembership,
    Page,
    Session,
    User,
)

M = TypeVar("M", bound=Model)


def seg(value: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("an id must be a non-empty string")
    return quote(value, safe="")


def path(*parts: str) -> str:
    return "/".join(seg(p) for p in parts)


def page_of(model: type[M]) -> Callable[[Any], Page[M]]:
    """Parse a list answer: a bare array, or ``{"data": [...], "total_count": N}``."""

    def parse(data: Any) -> Page[M]:
        total = None
        if isinstance(data, Mapping):
            total, data = data.get("total_count"), data.get("data")
        if not isinstance(data, list):
            raise TypeError("expected a list")
        count = total if isinstance(total, int) and not isinstance(total, bool) else None
        return Page([model.from_json(item) for item in data], count)

    return parse


def _json(data: Any) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise TypeError("expected a JSON object")
    return dict(data)


def _jwt(data: Any) -> str:
    token = _json(data)["jwt"]
    if not isinstance(token, str):
        raise TypeError("jwt is not a string")
    return token


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def metadata_body(
    public: Mapping[str, Any] | None,
    private: Mapping[str, Any] | None,
    unsafe: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    body = {"public_metadata": public, "private_metadata": private, "unsafe_metadata": unsafe}
    return {k: dict(v) for k, v in body.items() if v is not None}


# -- users -----------------------------------------------------------------------------


def user_get(user_id: str) -> Call[User]:
    return Call("GET", path("users", user_id), User.from_json)


def user_list(filters: Mapping[str, Any]) -> Call[Page[User]]:
    return Call("GET", "users", page_of(User), params=_drop_none(filters))


def user_create(fields: Mapping[str, Any]) -> Call[User]:
    return Call("POST", "users", User.from_json, body=_drop_none(fields))


def user_update(user_id: str, fields: Mapping[str, Any]) -> Call[User]:
    return Call("PATCH", path("users", user_id), User.from_json, body=_drop_none(fields))


def user_update_metadata(user_id: str, body: Mapping[str, Any]) -> Call[User]:
    return Call("PATCH", path("users", user_id) + "/metadata", User.from_json, body=dict(body))


def user_delete(user_id: str) -> Call[DeletedObject]:
    return Call("DELETE", path("users", user_id), DeletedObject.from_json)


# -- organizations ---------------------------------------------------------------------


def org_get(id_or_slug: str) -> Call[Organization]:
    return Call("GET", path("organizations", id_or_slug), Organization.from_json)


def org_list(filters: Mapping[str, Any]) -> Call[Page[Organization]]:
    return Call("GET", "organizations", page_of(Organization), params=_drop_none(filters))


def org_create(fields: Mapping[str, Any]) -> Call[Organization]:
    return Call("POST", "organizations", Organization.from_json, body=_drop_none(fields))


def org_update(org_id: str, fields: Mapping[str, Any]) -> Call[Organization]:
    body = _drop_none(fields)
    return Call("PATCH", path("organizations", org_id), Organization.from_json, body=body)


def org_update_metadata(org_id: str, body: Mapping[str, Any]) -> Call[Organization]:
    where = path("organizations", org_id) + "/metadata"
    return Call("PATCH", where, Organization.from_json, body=dict(body))


def org_delete(org_id: str) -> Call[DeletedObject]:
    return Call("DELETE", path("organizations", org_id), DeletedObject.from_json)


# -- memberships -----------------------------------------------------------------------


def membership_list(org_id: str, filters: Mapping[str, Any]) -> Call[Page[OrganizationMembership]]:
    where = path("organizations", org_id) + "/memberships"
    return Call("GET", where, page_of(OrganizationMembership), params=_drop_none(filters))


def membership_create(org_id: str, user_id: str, role: str) -> Call[OrganizationMembership]:
    where = path("organizations", org_id) + "/memberships"
    body = {"user_id": user_id, "role": role}
    return Call("POST", where, OrganizationMembership.from_json, body=body)


def membership_update(org_id: str, user_id: str, role: str) -> Call[OrganizationMembership]:
    where = path("organizations", org_id, "memberships", user_id)
    return Call("PATCH", where, OrganizationMembership.from_json, body={"role": role})


def membership_delete(org_id: str, user_id: str) -> Call[OrganizationMembership]:
    where = path("organizations", org_id, "memberships", user_id)
    return Call("DELETE", where, OrganizationMembership.from_json)


# -- invitations -----------------------------------------------------------------------


def invitation_create(org_id: str, fields: Mapping[str, Any]) -> Call[OrganizationInvitation]:
    where = path("organizations", org_id) + "/invitations"
    return Call("POST", where, OrganizationInvitation.from_json, body=_drop_none(fields))


def invitation_list(org_id: str, filters: Mapping[str, Any]) -> Call[Page[OrganizationInvitation]]:
    where = path("organizations", org_id) + "/invitations"
    return Call("GET", where, page_of(OrganizationInvitation), params=_drop_none(filters))


def invitation_revoke(
    org_id: str, invitation_id: str, requesting_user_id: str | None
) -> Call[OrganizationInvitation]:
    where = path("organizations", org_id, "invitations", invitation_id) + "/revoke"
    body = _drop_none({"requesting_user_id": requesting_user_id})
    return Call("POST", where, OrganizationInvitation.from_json, body=body)


# -- sessions and keys -----------------------------------------------------------------


def session_get(session_id: str) -> Call[Session]:
    return Call("GET", path("sessions", session_id), Session.from_json)


def session_list(filters: Mapping[str, Any]) -> Call[Page[Session]]:
    return Call("GET", "sessions", page_of(Session), params=_drop_none(filters))


def session_revoke(session_id: str) -> Call[Session]:
    return Call("POST", path("sessions", session_id) + "/revoke", Session.from_json)


def session_token(
    session_id: str, template: str | None, expires_in_seconds: int | None
) -> Call[str]:
    where = path("sessions", session_id) + "/tokens"
    if template is not None:
        where += "/" + seg(template)
    body = _drop_none({"expires_in_seconds": expires_in_seconds})
    return Call("POST", where, _jwt, body=body)


def jwks_get() -> Call[dict[str, Any]]:
    return Call("GET", "jwks", _json)
