"""WebhookEvent fields and its typed views of Clerk's payloads (SPEC §9)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest

from authguard.webhook_events import (
    InvitationData,
    MembershipData,
    OrganizationData,
    SessionData,
    UserData,
)
from authguard.webhooks import WebhookEvent, verify_webhook

NOW = 1_700_000_000
SECRET = "whsec_" + base64.b64encode(b"events-test-signing-key!").decode()

USER = {
    "id": "user_2a",
    "object": "user",
    "username": "ada",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "image_url": "https://img.clerk.com/ada",
    "external_id": None,
    "primary_email_address_id": "idn_2",
    "email_addresses": [
        {"id": "idn_1", "object": "email_address", "email_address": "old@example.com"},
        {"id": "idn_2", "object": "email_address", "email_address": "ada@example.com"},
    ],
    "public_metadata": {"plan": "pro"},
    "private_metadata": {"stripe": "cus_1"},
    "unsafe_metadata": {},
    "created_at": 1654012591514,
    "updated_at": 1654012591835,
}
SESSION = {
    "id": "sess_1",
    "object": "session",
    "user_id": "user_2a",
    "client_id": "client_1",
    "status": "ended",
    "last_active_at": 1700000000000,
    "expire_at": 1700600000000,
}
ORG = {
    "id": "org_1",
    "object": "organization",
    "name": "Acme",
    "slug": "acme",
    "image_url": "https://img.clerk.com/acme",
    "created_by": "user_2a",
    "public_metadata": {"tier": "gold"},
    "private_metadata": {},
}
MEMBERSHIP = {
    "id": "orgmem_1",
    "object": "organization_membership",
    "role": "org:admin",
    "permissions": ["org:sys_memberships:manage", 7],
    "organization": ORG,
    "public_user_data": {"user_id": "user_2a", "identifier": "ada@example.com"},
    "public_metadata": {},
}
INVITATION = {
    "id": "orginv_1",
    "object": "organization_invitation",
    "email_address": "bob@example.com",
    "role": "org:member",
    "status": "accepted",
    "organization_id": "org_1",
    "user_id": "user_3b",
    "public_metadata": {"source": "csv"},
}

ALL_VIEWS = ("user", "session", "organization", "membership", "invitation")
EVENTS: dict[str, tuple[str, dict[str, Any], str, Any]] = {
    "user.created": ("user.created", USER, "user", UserData(
        id="user_2a", email_addresses=("old@example.com", "ada@example.com"),
        primary_email_address="ada@example.com", username="ada", first_name="Ada",
        last_name="Lovelace", image_url="https://img.clerk.com/ada",
        public_metadata={"plan": "pro"}, private_metadata={"stripe": "cus_1"},
        created_at=1654012591514, updated_at=1654012591835,
    )),
    "user.deleted": ("user.deleted", {"id": "user_2a", "object": "user", "deleted": True}, "user",
                     UserData(id="user_2a", deleted=True)),
    "session.ended": ("session.ended", SESSION, "session", SessionData(
        id="sess_1", user_id="user_2a", status="ended", client_id="client_1",
        last_active_at=1700000000000, expire_at=1700600000000,
    )),
    "session.revoked": ("session.revoked", {"id": "sess_2", "user_id": "u", "status": "revoked"},
                        "session", SessionData(id="sess_2", user_id="u", status="revoked")),
    "organization.updated": ("organization.updated", ORG, "organization", OrganizationData(
        id="org_1", name="Acme", slug="acme", image_url="https://img.clerk.com/acme",
        created_by="user_2a", public_metadata={"tier": "gold"},
    )),
    "organization.deleted": ("organization.deleted", {"id": "org_1", "deleted": True},
                             "organization", OrganizationData(id="org_1", deleted=True)),
    "organizationMembership.created": ("organizationMembership.created", MEMBERSHIP,
                                       "membership", MembershipData(
        id="orgmem_1", role="org:admin", organization_id="org_1", organization_slug="acme",
        user_id="user_2a", identifier="ada@example.com",
        permissions=("org:sys_memberships:manage",),
    )),
    "organizationInvitation.accepted": ("organizationInvitation.accepted", INVITATION,
                                        "invitation", InvitationData(
        id="orginv_1", email_address="bob@example.com", role="org:member", status="accepted",
        organization_id="org_1", user_id="user_3b", public_metadata={"source": "csv"},
    )),
    "missing fields read as None": ("user.updated", {"first_name": 5, "email_addresses": "x"},
                                    "user", UserData(id=None)),
}  # fmt: skip


def deliver(payload: Any, msg_id: str = "msg_1") -> WebhookEvent:
    body = json.dumps(payload).encode()
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{NOW}.".encode() + body, hashlib.sha256).digest()
    headers = {"svix-id": msg_id, "svix-timestamp": str(NOW)}
    headers["svix-signature"] = "v1," + base64.b64encode(mac).decode()
    return verify_webhook(body, headers, SECRET, now=NOW)


def envelope(event_type: Any, data: Any) -> dict[str, Any]:
    return {"type": event_type, "object": "event", "data": data, "instance_id": "ins_1"}


@pytest.mark.parametrize(("event_type", "data", "view", "expected"), EVENTS.values(), ids=EVENTS)
def test_typed_view(event_type: str, data: dict[str, Any], view: str, expected: Any) -> None:
    event = deliver(envelope(event_type, data))
    assert getattr(event, view) == expected


@pytest.mark.parametrize(("event_type", "data", "view", "expected"), EVENTS.values(), ids=EVENTS)
def test_other_views_raise_value_error(
    event_type: str, data: dict[str, Any], view: str, expected: Any
) -> None:
    event = deliver(envelope(event_type, data))
    for other in set(ALL_VIEWS) - {view}:
        with pytest.raises(ValueError, match=f"WebhookEvent.{other} applies to"):
            getattr(event, other)


ODD_ENVELOPES: dict[str, tuple[dict[str, Any], tuple[Any, ...]]] = {
    "unknown type": (
        envelope("role.created", {"id": "r"}),
        ("role.created", "event", {"id": "r"}, "ins_1"),
    ),
    "no type": ({"data": {"id": "x"}}, ("", "", {"id": "x"}, None)),
    "non-string type": (envelope(5, {}), ("", "event", {}, "ins_1")),
    "data not an object": (envelope("email.created", [1]), ("email.created", "event", {}, "ins_1")),
    "empty object": ({}, ("", "", {}, None)),
}


@pytest.mark.parametrize(("payload", "expected"), ODD_ENVELOPES.values(), ids=ODD_ENVELOPES)
def test_any_verified_object_becomes_an_event(
    payload: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    event = deliver(payload)
    assert (event.type, event.object, event.data, event.instance_id) == expected
    assert event.payload == payload
    for view in ALL_VIEWS:
        with pytest.raises(ValueError, match=repr(event.type)):
            getattr(event, view)


def test_event_fields_and_privacy() -> None:
    event = deliver(envelope("user.created", USER), msg_id="msg_idem")
    assert (event.id, event.timestamp, event.raw) == (
        "msg_idem",
        NOW,
        json.dumps(envelope("user.created", USER)).encode(),
    )
    assert "ada@example.com" not in repr(event)
    assert "ada@example.com" not in repr(event.user)
    assert "cus_1" not in repr(event.user)
    assert hash(event) == hash(deliver(envelope("user.created", USER), msg_id="msg_idem"))
    with pytest.raises(AttributeError):
        event.id = "other"  # type: ignore[misc]
