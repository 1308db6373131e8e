"""The client against the running dev server (real HTTP on loopback), sync and async."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from clerk_backend_api import Clerk

from authguard.backend import AsyncBackendAPI, BackendAPI, BackendAPIError
from authguard.dev.config import DevConfig
from authguard.dev.server import DevServer
from authguard.settings import Settings

SEEDED = ["user_admin", "user_member", "user_other", "user_pending", "user_solo"]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[DevServer]:
    with DevServer(DevConfig(data_dir=tmp_path, port=0)) as srv:
        yield srv


@pytest.fixture
def settings(server: DevServer) -> Settings:
    assert server.context is not None
    return Settings(secret_key=server.context.instance.secret_key, api_url=server.url)


@pytest.fixture
def sid(server: DevServer) -> str:
    assert server.context is not None
    user = server.context.directory.get_user("user_member")
    assert user is not None
    _, session = server.context.sessions.sign_in(None, user, "http://localhost:8000")
    return session.id


async def run(api: Any, result: Any) -> Any:
    return await result if inspect.isawaitable(result) else result


# (id, call(api, sid), check(result))
CASES = [
    ("users.get", lambda a, s: a.users.get("user_admin"),
     lambda r: (r.first_name, r.primary_email) == ("Ada", "admin@example.com")),
    ("users.list email", lambda a, s: a.users.list(email_address=["member@example.com"]),
     lambda r: [u.id for u in r] == ["user_member"] and r.total_count is None),
    ("users.list query", lambda a, s: a.users.list(query="OTTO"),
     lambda r: [u.id for u in r] == ["user_other"]),
    ("users.list ids", lambda a, s: a.users.list(user_id=["user_solo", "user_admin"],
                                                 order_by="+created_at"),
     lambda r: sorted(u.id for u in r) == ["user_admin", "user_solo"]),
    ("users.create", lambda a, s: a.users.create(email_address=["new@example.org"],
                                                 first_name="Nia", last_name="New",
                                                 public_metadata={"role": "viewer"}),
     lambda r: (r.primary_email, r.last_name, r.public_metadata) ==
     ("new@example.org", "New", {"role": "viewer"})),
    ("users.update", lambda a, s: a.users.update("user_solo", last_name="Solitaire",
                                                 private_metadata={"tier": 2}),
     lambda r: (r.first_name, r.last_name, r.private_metadata) == ("Sol", "Solitaire",
                                                                   {"tier": 2})),
    ("users.update_metadata", lambda a, s: a.users.update_metadata(
        "user_solo", public_metadata={"role": "admin", "gone": None}),
     lambda r: r.public_metadata == {"role": "admin"}),
    ("users.delete", lambda a, s: a.users.delete("user_solo"),
     lambda r: (r.id, r.deleted) == ("user_solo", True)),
    ("orgs.get by slug", lambda a, s: a.organizations.get("acme"),
     lambda r: (r.id, r.name, r.members_count) == ("org_acme", "Acme", 2)),
    ("orgs.get by id", lambda a, s: a.organizations.get("org_globex"),
     lambda r: r.slug == "globex"),
    ("orgs.list", lambda a, s: a.organizations.list(query="glob"),
     lambda r: [o.slug for o in r] == ["globex"] and r.total_count == 1),
    ("orgs.create", lambda a, s: a.organizations.create(name="Initech Labs",
                                                        created_by="user_solo"),
     lambda r: (r.slug, r.members_count) == ("initech-labs", 1)),
    ("orgs.update", lambda a, s: a.organizations.update("org_acme", name="Acme Corp"),
     lambda r: (r.name, r.slug) == ("Acme Corp", "acme")),
    ("orgs.update_metadata", lambda a, s: a.organizations.update_metadata(
        "org_acme", private_metadata={"plan": {"tier": "pro"}}),
     lambda r: r.private_metadata == {"plan": {"tier": "pro"}}),
    ("orgs.delete", lambda a, s: a.organizations.delete("org_globex"),
     lambda r: r.deleted),
    ("memberships.list", lambda a, s: a.organization_memberships.list("org_acme",
                                                                       role="org:admin"),
     lambda r: [(m.user_id, m.role) for m in r] == [("user_admin", "org:admin")]),
    ("memberships.create", lambda a, s: a.organization_memberships.create(
        "org_acme", user_id="user_solo", role="org:member"),
     lambda r: (r.user_id, r.role, r.organization.slug) == ("user_solo", "org:member", "acme")),
    ("memberships.update", lambda a, s: a.organization_memberships.update(
        "org_acme", "user_member", role="org:admin"), lambda r: r.role == "org:admin"),
    ("memberships.delete", lambda a, s: a.organization_memberships.delete(
        "org_acme", "user_member"), lambda r: r.user_id == "user_member"),
    ("invitations.create", lambda a, s: a.organization_invitations.create(
        "org_acme", email_address="Guest@Example.com", role="org:member"),
     lambda r: (r.email_address, r.status, r.organization_id) ==
     ("guest@example.com", "pending", "org_acme")),
    ("invitations.list", lambda a, s: a.organization_invitations.list("org_acme"),
     lambda r: r.total_count == 0),
    ("sessions.get", lambda a, s: a.sessions.get(s),
     lambda r: (r.user_id, r.status) == ("user_member", "active")),
    ("sessions.list", lambda a, s: a.sessions.list(user_id="user_member"),
     lambda r: [x.user_id for x in r] == ["user_member"]),
    ("sessions.revoke", lambda a, s: a.sessions.revoke(s), lambda r: r.status == "revoked"),
    ("sessions.create_token", lambda a, s: a.sessions.create_token(s),
     lambda r: jwt.decode(r, options={"verify_signature": False})["sub"] == "user_member"),
    ("jwks.get", lambda a, s: a.jwks.get(), lambda r: r["keys"][0]["kty"] == "RSA"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "check"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_sync_against_dev_server(settings: Settings, sid: str, call, check) -> None:
    with BackendAPI(settings) as api:
        assert check(call(api, sid))


@pytest.mark.parametrize(("call", "check"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
async def test_async_against_dev_server(settings: Settings, sid: str, call, check) -> None:
    async with AsyncBackendAPI(settings) as api:
        assert check(await call(api, sid))


# (id, call, status, code, long_message fragment)
ERRORS = [
    ("404 user", lambda a, s: a.users.get("user_nope"), 404, "resource_not_found", "No user"),
    ("404 org", lambda a, s: a.organizations.update("nope", name="x"), 404,
     "resource_not_found", "organization"),
    ("422 missing email", lambda a, s: a.users.create(first_name="Nobody"), 422,
     "form_param_missing", "email_address must be included"),
    ("422 bad email", lambda a, s: a.users.create(email_address=["not-an-email"]), 422,
     "form_param_format_invalid", "not an email address"),
    ("422 taken email", lambda a, s: a.users.create(email_address=["admin@example.com"]), 422,
     "form_identifier_exists", "already exists"),
    ("422 bad role", lambda a, s: a.organization_memberships.create(
        "org_acme", user_id="user_solo", role="org:owner"), 422, "form_param_value_invalid",
     "role must be one of"),
    ("422 already member", lambda a, s: a.organization_memberships.create(
        "org_acme", user_id="user_admin", role="org:member"), 422,
     "already_a_member_in_organization", "already a member"),
    ("422 bad limit", lambda a, s: a.users.list(limit=501), 422, "form_param_format_invalid",
     "limit must be"),
    ("404 template", lambda a, s: a.sessions.create_token(s, "supabase"), 404,
     "resource_not_found", "JWT template"),
    ("404 session", lambda a, s: a.sessions.get("sess_nope"), 404, "resource_not_found",
     "session"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "status", "code", "fragment"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS]
)
async def test_errors_from_dev_server(settings, sid, call, status, code, fragment) -> None:
    for api in (BackendAPI(settings), AsyncBackendAPI(settings)):
        with pytest.raises(BackendAPIError) as info:
            await run(api, call(api, sid))
        assert (info.value.status, info.value.codes) == (status, [code])
        assert fragment in info.value.errors[0]["long_message"]


def test_wrong_secret_is_401(settings: Settings) -> None:
    with pytest.raises(BackendAPIError) as info:
        BackendAPI(settings.merged(secret_key="sk_test_wrong")).users.list()
    assert (info.value.status, info.value.codes) == (401, ["authentication_invalid"])


def test_pagination_across_pages(settings: Settings) -> None:
    with BackendAPI(settings) as api:
        for i in range(6):
            api.organizations.create(name=f"Team {i}")
        users = [u.id for u in api.users.iter(page_size=2)]
        orgs = [o.slug for o in api.organizations.iter(page_size=3)]
        first = api.organizations.list(limit=3, offset=6)
    assert sorted(users) == SEEDED
    assert len(set(users)) == 5
    assert len(orgs) == 8
    assert len(set(orgs)) == 8
    assert (len(first), first.total_count) == (2, 8)


async def test_async_pagination_and_invitation_flow(settings: Settings) -> None:
    async with AsyncBackendAPI(settings) as api:
        users = [u.id async for u in api.users.iter(page_size=2)]
        made = await api.organization_invitations.create(
            "acme", email_address="guest@example.com", role="org:member"
        )
        revoked = await api.organization_invitations.revoke("acme", made.id)
        pending = await api.organization_invitations.list("acme", status="pending")
    assert sorted(users) == SEEDED
    assert (revoked.id, revoked.status, pending.total_count) == (made.id, "revoked", 0)


def test_async_client_on_two_event_loops(settings: Settings) -> None:
    api = AsyncBackendAPI(settings)
    names = [asyncio.run(api.users.get("user_admin")).first_name for _ in range(2)]
    assert names == ["Ada", "Ada"]


def test_changes_show_up_in_new_session_tokens(settings: Settings, sid: str) -> None:
    with BackendAPI(settings) as api:
        before = jwt.decode(api.sessions.create_token(sid), options={"verify_signature": False})
        api.organization_memberships.update("acme", "user_member", role="org:admin")
        after = jwt.decode(api.sessions.create_token(sid), options={"verify_signature": False})
        api.sessions.revoke(sid)
        with pytest.raises(BackendAPIError):
            api.sessions.create_token(sid)
    assert _role(before) == "member"
    assert _role(after) == "admin"


def _role(claims: dict[str, Any]) -> str:
    if "o" in claims:  # v2
        return str(claims["o"]["rol"])
    return str(claims["org_role"]).removeprefix("org:")


def test_metadata_merge_persists_across_restart(tmp_path: Path) -> None:
    for _ in range(2):
        with DevServer(DevConfig(data_dir=tmp_path, port=0)) as srv:
            assert srv.context is not None
            s = Settings(secret_key=srv.context.instance.secret_key, api_url=srv.url)
            with BackendAPI(s) as api:
                user = api.users.update_metadata("user_admin", public_metadata={"n": {"x": 1}})
    assert user.public_metadata == {"n": {"x": 1}}


def test_official_sdk_reads_users_and_organizations(settings: Settings) -> None:
    with Clerk(bearer_auth=settings.secret_key, server_url=settings.api_url + "/v1") as clerk:
        users = clerk.users.list(request={})
        orgs = clerk.organizations.list()
        org = clerk.organizations.get(organization_id="acme")
        members = clerk.organization_memberships.list(organization_id="org_acme")
        one = clerk.users.get(user_id="user_admin")
    assert sorted(u.id for u in users) == SEEDED
    assert (orgs.total_count, org.name, members.total_count) == (2, "Acme", 2)
    assert one.email_addresses[0].email_address == "admin@example.com"
