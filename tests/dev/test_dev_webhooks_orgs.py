"""Organisation and invitation webhooks from the dev server's Backend API (SPEC §9)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_dev_webhooks import Hooked, backend, events
from webhook_receiver import receiver

from authguard.dev import DevConfig, DevServer
from authguard.dev.webhooks import WebhookOptions


@pytest.fixture
def hooked(data_dir: Path) -> Iterator[Hooked]:
    """A dev server delivering to a loopback receiver (retries never really sleep)."""
    options = WebhookOptions(sleep=lambda _seconds: None)
    with receiver() as (url, received):
        server = DevServer(
            DevConfig(port=0, data_dir=data_dir, webhooks=(url,)), webhook_options=options
        )
        server.start()
        try:
            with httpx.Client(base_url=server.url) as http:
                yield server, received, http
        finally:
            server.stop()


def call(hooked: Hooked, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
    server, _, http = hooked
    response = http.request(method, path, json=payload, headers=backend(server, http))
    assert response.status_code == 200, response.text
    return response.json()


ORG_CALLS: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("POST", "/v1/organizations", {"name": "Initech"}, "organization.created"),
    ("PATCH", "/v1/organizations/org_acme", {"name": "Acme Corp"}, "organization.updated"),
    ("PATCH", "/v1/organizations/org_acme/metadata",
     {"public_metadata": {"plan": "pro"}}, "organization.updated"),
    ("DELETE", "/v1/organizations/org_acme", None, "organization.deleted"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "payload", "event_type"), ORG_CALLS)
def test_organization_changes_send_events_carrying_the_answer(
    hooked: Hooked, method: str, path: str, payload: dict[str, Any] | None, event_type: str
) -> None:
    answer = call(hooked, method, path, payload)
    [event] = events(hooked[0], hooked[1])
    assert (event.type, event.data) == (event_type, answer)
    org = event.organization
    assert org.id == answer["id"]
    assert org.deleted is (event_type == "organization.deleted")
    if not org.deleted:
        assert (org.name, org.slug) == (answer["name"], answer["slug"])
        assert org.public_metadata == answer["public_metadata"]


def test_metadata_update_event_carries_the_merged_metadata(hooked: Hooked) -> None:
    call(hooked, "PATCH", "/v1/organizations/org_acme/metadata", {"public_metadata": {"a": 1}})
    call(hooked, "PATCH", "/v1/organizations/org_acme/metadata", {"public_metadata": {"b": 2}})
    updates = [e.organization for e in events(hooked[0], hooked[1])]
    assert [o.public_metadata for o in updates] == [{"a": 1}, {"a": 1, "b": 2}]


def test_creating_with_a_creator_also_sends_the_admin_membership(hooked: Hooked) -> None:
    answer = call(hooked, "POST", "/v1/organizations", {"name": "Hooli", "created_by": "user_solo"})
    created, joined = events(hooked[0], hooked[1])
    assert (created.type, created.data) == ("organization.created", answer)
    assert created.organization.created_by == "user_solo"
    assert joined.type == "organizationMembership.created"
    membership = joined.membership
    assert (membership.organization_id, membership.user_id, membership.role) == (
        answer["id"], "user_solo", "org:admin"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "payload", "status"),
    [
        ("POST", "/v1/organizations", {"name": "!!!"}, 422),
        ("PATCH", "/v1/organizations/org_nope", {"name": "X"}, 404),
        ("DELETE", "/v1/organizations/org_nope", None, 404),
        ("POST", "/v1/organizations/org_acme/invitations",
         {"email_address": "not-an-email", "role": "org:member"}, 422),
        ("POST", "/v1/organizations/org_acme/invitations/orginv_nope/revoke", None, 404),
    ],
)  # fmt: skip
def test_refused_changes_send_nothing(
    hooked: Hooked, method: str, path: str, payload: dict[str, Any] | None, status: int
) -> None:
    server, received, http = hooked
    response = http.request(method, path, json=payload, headers=backend(server, http))
    assert response.status_code == status
    assert events(server, received) == []


def test_invitation_created_and_revoked(hooked: Hooked) -> None:
    base = "/v1/organizations/org_acme/invitations"
    invite = {"email_address": "Guest@Example.com", "role": "org:member",
              "public_metadata": {"team": "blue"}}  # fmt: skip
    created = call(hooked, "POST", base, invite)
    revoked = call(hooked, "POST", f"{base}/{created['id']}/revoke")
    first, second = events(hooked[0], hooked[1])
    assert [(first.type, first.data), (second.type, second.data)] == [
        ("organizationInvitation.created", created),
        ("organizationInvitation.revoked", revoked),
    ]
    views = [first.invitation, second.invitation]
    assert {v.id for v in views} == {created["id"]}
    assert [v.status for v in views] == ["pending", "revoked"]
    assert {(v.email_address, v.role, v.organization_id) for v in views} == {
        ("guest@example.com", "org:member", "org_acme")
    }
    assert views[0].public_metadata == {"team": "blue"}
