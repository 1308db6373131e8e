"""Every endpoint sends the method, path, query and body Clerk expects (sync and async)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from _backend_fakes import SECRET, SETTINGS, Recorder, async_api, ok, sync_api

from authguard.backend import (
    BackendAPI,
    DeletedObject,
    Organization,
    OrganizationInvitation,
    OrganizationMembership,
    Page,
    Session,
    User,
)

USER = {"object": "user", "id": "user_1", "first_name": "Ada"}
ORG = {"object": "organization", "id": "org_1", "name": "Acme", "slug": "acme"}
MEMBER = {"id": "orgmem_1", "role": "org:admin", "organization": ORG,
          "public_user_data": {"user_id": "user_1"}}  # fmt: skip
INVITE = {"id": "orginv_1", "email_address": "x@y.z", "role": "org:member", "status": "pending"}
SESSION = {"object": "session", "id": "sess_1", "user_id": "user_1", "status": "active"}
DELETED = {"object": "user", "id": "user_1", "deleted": True}


def wrap(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"data": items, "total_count": len(items)}


# (id, call, method, path, query, body, reply, result check)
CASES: list[tuple[str, Callable[[Any], Any], str, str, str, Any, Any, Callable[[Any], bool]]] = [
    ("users.get", lambda a: a.users.get("user_1"), "GET", "/v1/users/user_1", "", None, USER,
     lambda r: isinstance(r, User) and r.first_name == "Ada"),
    ("users.list", lambda a: a.users.list(email_address=["a@x.y", "b@x.y"], query="ad",
                                          order_by="-created_at", limit=10, offset=20),
     "GET", "/v1/users",
     "email_address=a%40x.y&email_address=b%40x.y&query=ad&order_by=-created_at&limit=10&offset=20",
     None, [USER], lambda r: isinstance(r, Page) and r.total_count is None and len(r) == 1),
    ("users.list by id", lambda a: a.users.list(user_id=["user_1"]), "GET", "/v1/users",
     "user_id=user_1", None, [USER], lambda r: r.data[0].id == "user_1"),
    ("users.create", lambda a: a.users.create(email_address=["a@x.y"], first_name="Ada",
                                              public_metadata={"role": "admin"}),
     "POST", "/v1/users", "",
     {"email_address": ["a@x.y"], "first_name": "Ada", "public_metadata": {"role": "admin"}},
     USER, lambda r: r.id == "user_1"),
    ("users.update", lambda a: a.users.update("user_1", last_name="Lovelace"), "PATCH",
     "/v1/users/user_1", "", {"last_name": "Lovelace"}, USER, lambda r: r.id == "user_1"),
    ("users.update_metadata", lambda a: a.users.update_metadata(
        "user_1", public_metadata={"role": "admin", "old": None}),
     "PATCH", "/v1/users/user_1/metadata", "",
     {"public_metadata": {"role": "admin", "old": None}}, USER, lambda r: r.id == "user_1"),
    ("users.delete", lambda a: a.users.delete("user_1"), "DELETE", "/v1/users/user_1", "", None,
     DELETED, lambda r: isinstance(r, DeletedObject) and r.deleted),
    ("users.get escapes", lambda a: a.users.get("../jwks"), "GET", "/v1/users/..%2Fjwks", "",
     None, USER, lambda r: r.id == "user_1"),
    ("orgs.get", lambda a: a.organizations.get("acme"), "GET", "/v1/organizations/acme", "",
     None, ORG, lambda r: isinstance(r, Organization) and r.slug == "acme"),
    ("orgs.list", lambda a: a.organizations.list(query="ac", limit=5), "GET",
     "/v1/organizations", "query=ac&limit=5", None, wrap([ORG]),
     lambda r: r.total_count == 1 and r.data[0].name == "Acme"),
    ("orgs.create", lambda a: a.organizations.create(name="Acme", created_by="user_1",
                                                     slug=None),
     "POST", "/v1/organizations", "", {"name": "Acme", "created_by": "user_1"}, ORG,
     lambda r: r.id == "org_1"),
    ("orgs.update", lambda a: a.organizations.update("org_1", name="Acme 2"), "PATCH",
     "/v1/organizations/org_1", "", {"name": "Acme 2"}, ORG, lambda r: r.id == "org_1"),
    ("orgs.update_metadata", lambda a: a.organizations.update_metadata(
        "org_1", private_metadata={"plan": "pro"}),
     "PATCH", "/v1/organizations/org_1/metadata", "", {"private_metadata": {"plan": "pro"}},
     ORG, lambda r: r.id == "org_1"),
    ("orgs.delete", lambda a: a.organizations.delete("org_1"), "DELETE",
     "/v1/organizations/org_1", "", None, {"object": "organization", "id": "org_1",
                                           "deleted": True}, lambda r: r.deleted),
    ("memberships.list", lambda a: a.organization_memberships.list("org_1", role="org:admin"),
     "GET", "/v1/organizations/org_1/memberships", "role=org%3Aadmin", None, wrap([MEMBER]),
     lambda r: isinstance(r.data[0], OrganizationMembership) and r.data[0].user_id == "user_1"),
    ("memberships.create", lambda a: a.organization_memberships.create(
        "org_1", user_id="user_1", role="org:admin"),
     "POST", "/v1/organizations/org_1/memberships", "",
     {"user_id": "user_1", "role": "org:admin"}, MEMBER,
     lambda r: r.organization.slug == "acme"),
    ("memberships.update", lambda a: a.organization_memberships.update(
        "org_1", "user_1", role="org:member"),
     "PATCH", "/v1/organizations/org_1/memberships/user_1", "", {"role": "org:member"}, MEMBER,
     lambda r: r.role == "org:admin"),
    ("memberships.delete", lambda a: a.organization_memberships.delete("org_1", "user_1"),
     "DELETE", "/v1/organizations/org_1/memberships/user_1", "", None, MEMBER,
     lambda r: r.id == "orgmem_1"),
    ("invitations.create", lambda a: a.organization_invitations.create(
        "org_1", email_address="x@y.z", role="org:member", inviter_user_id="user_1"),
     "POST", "/v1/organizations/org_1/invitations", "",
     {"email_address": "x@y.z", "role": "org:member", "inviter_user_id": "user_1"}, INVITE,
     lambda r: isinstance(r, OrganizationInvitation) and r.status == "pending"),
    ("invitations.list", lambda a: a.organization_invitations.list("org_1", status="pending"),
     "GET", "/v1/organizations/org_1/invitations", "status=pending", None, wrap([INVITE]),
     lambda r: r.data[0].email_address == "x@y.z"),
    ("invitations.revoke", lambda a: a.organization_invitations.revoke(
        "org_1", "orginv_1", requesting_user_id="user_1"),
     "POST", "/v1/organizations/org_1/invitations/orginv_1/revoke", "",
     {"requesting_user_id": "user_1"}, {**INVITE, "status": "revoked"},
     lambda r: r.status == "revoked"),
    ("sessions.get", lambda a: a.sessions.get("sess_1"), "GET", "/v1/sessions/sess_1", "",
     None, SESSION, lambda r: isinstance(r, Session) and r.status == "active"),
    ("sessions.list", lambda a: a.sessions.list(user_id="user_1", status="active"), "GET",
     "/v1/sessions", "user_id=user_1&status=active", None, [SESSION],
     lambda r: r.data[0].user_id == "user_1"),
    ("sessions.revoke", lambda a: a.sessions.revoke("sess_1"), "POST",
     "/v1/sessions/sess_1/revoke", "", None, {**SESSION, "status": "revoked"},
     lambda r: r.status == "revoked"),
    ("sessions.create_token", lambda a: a.sessions.create_token("sess_1"), "POST",
     "/v1/sessions/sess_1/tokens", "", {}, {"object": "token", "jwt": "a.b.c"},
     lambda r: r == "a.b.c"),
    ("sessions.template token", lambda a: a.sessions.create_token(
        "sess_1", "supabase", expires_in_seconds=120),
     "POST", "/v1/sessions/sess_1/tokens/supabase", "", {"expires_in_seconds": 120},
     {"object": "token", "jwt": "t.e.mp"}, lambda r: r == "t.e.mp"),
    ("jwks.get", lambda a: a.jwks.get(), "GET", "/v1/jwks", "", None, {"keys": []},
     lambda r: r == {"keys": []}),
]  # fmt: skip


def check_request(rec: Recorder, method: str, path: str, query: str, body: Any) -> None:
    request = rec.last
    assert request.method == method
    assert request.url.host == "api.example.test"
    assert request.url.raw_path.split(b"?")[0].decode() == path
    assert request.url.query.decode() == query
    assert rec.body() == body
    assert request.headers["authorization"] == f"Bearer {SECRET}"
    assert request.headers["user-agent"].startswith("authguard/")


@pytest.mark.parametrize(
    ("call", "method", "path", "query", "body", "reply", "check"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_sync_endpoint(call, method, path, query, body, reply, check) -> None:
    rec = Recorder([ok(reply)])
    with sync_api(rec) as api:
        result = call(api)
    check_request(rec, method, path, query, body)
    assert check(result)


@pytest.mark.parametrize(
    ("call", "method", "path", "query", "body", "reply", "check"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
async def test_async_endpoint(call, method, path, query, body, reply, check) -> None:
    rec = Recorder([ok(reply)])
    async with async_api(rec) as api:
        pending = call(api)
        assert inspect.isawaitable(pending)
        result = await pending
    check_request(rec, method, path, query, body)
    assert check(result)


def test_one_client_reused_and_redirects_not_followed() -> None:
    rec = Recorder([httpx.Response(307, headers={"Location": "https://evil.test/v1/users"})])
    api = sync_api(rec)
    client = api._transport._client
    with pytest.raises(Exception) as info:
        api.users.get("user_1")
    assert getattr(info.value, "status", None) == 307
    assert [r.url.host for r in rec.requests] == ["api.example.test"]
    assert api._transport._client is client
    api.close()


def test_api_version_and_trailing_slash() -> None:
    rec = Recorder([ok({"keys": []})])
    settings = SETTINGS.merged(api_url="http://127.0.0.1:4000/", api_version="v9")
    with BackendAPI(settings, transport=httpx.MockTransport(rec)) as api:
        api.jwks.get()
    assert str(rec.last.url) == "http://127.0.0.1:4000/v9/jwks"


def test_async_client_works_on_two_event_loops() -> None:
    rec = Recorder([ok(USER)])
    api = async_api(rec)
    for _ in range(2):
        user = asyncio.run(api.users.get("user_1"))
        assert user.id == "user_1"
    assert len(rec.requests) == 2
    assert len(api._transport._clients) <= 1  # the closed loop's client was let go
