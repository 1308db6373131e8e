"""Iteration across pages (bare arrays and {data,total_count}) and lenient models."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from _backend_fakes import Recorder, async_api, sync_api

from authguard.backend import Organization, OrganizationMembership, User

USERS = [{"id": f"user_{i}"} for i in range(7)]
ORGS = [{"id": f"org_{i}", "name": f"Org {i}"} for i in range(7)]


def paged(items: list[dict[str, Any]], *, wrapped: bool):
    def reply(request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params["limit"])
        offset = int(request.url.params.get("offset", "0"))
        chunk = items[offset : offset + limit]
        body: Any = {"data": chunk, "total_count": len(items)} if wrapped else chunk
        return httpx.Response(200, json=body)

    return reply


# (id, items, wrapped, page size, start offset, expected offsets asked, iterate)
PAGE_CASES = [
    ("users bare array", USERS, False, 3, 0, [0, 3, 6], lambda a, **k: a.users.iter(**k)),
    ("users exact multiple", USERS[:6], False, 3, 0, [0, 3, 6],
     lambda a, **k: a.users.iter(**k)),
    ("orgs with total", ORGS, True, 3, 0, [0, 3, 6], lambda a, **k: a.organizations.iter(**k)),
    ("orgs total stops early", ORGS[:6], True, 3, 0, [0, 3],
     lambda a, **k: a.organizations.iter(**k)),
    ("orgs from an offset", ORGS, True, 4, 2, [2, 6],
     lambda a, **k: a.organizations.iter(**k)),
    ("memberships", ORGS, True, 5, 0, [0, 5],
     lambda a, **k: a.organization_memberships.iter("org_1", **k)),
    ("sessions bare", USERS, False, 7, 0, [0, 7], lambda a, **k: a.sessions.iter(**k)),
]  # fmt: skip


def offsets(rec: Recorder) -> list[int]:
    return [int(r.url.params["offset"]) for r in rec.requests]


@pytest.mark.parametrize(
    ("items", "wrapped", "size", "start", "asked", "iterate"),
    [c[1:] for c in PAGE_CASES],
    ids=[c[0] for c in PAGE_CASES],
)
def test_sync_iteration(items, wrapped, size, start, asked, iterate) -> None:
    rec = Recorder([paged(items, wrapped=wrapped)])
    got = list(iterate(sync_api(rec), page_size=size, offset=start))
    assert [g.id for g in got] == [i["id"] for i in items[start:]]
    assert offsets(rec) == asked


@pytest.mark.parametrize(
    ("items", "wrapped", "size", "start", "asked", "iterate"),
    [c[1:] for c in PAGE_CASES],
    ids=[c[0] for c in PAGE_CASES],
)
async def test_async_iteration(items, wrapped, size, start, asked, iterate) -> None:
    rec = Recorder([paged(items, wrapped=wrapped)])
    got = [g async for g in iterate(async_api(rec), page_size=size, offset=start)]
    assert [g.id for g in got] == [i["id"] for i in items[start:]]
    assert offsets(rec) == asked


def test_filters_travel_with_every_page() -> None:
    rec = Recorder([paged(USERS, wrapped=False)])
    list(sync_api(rec).users.iter(page_size=4, query="ada", order_by="-created_at"))
    assert [r.url.params["query"] for r in rec.requests] == ["ada", "ada"]
    assert {r.url.params["order_by"] for r in rec.requests} == {"-created_at"}


@pytest.mark.parametrize("size", [0, 501, -1])
def test_page_size_bounds(size: int) -> None:
    rec = Recorder([paged(USERS, wrapped=False)])
    with pytest.raises(ValueError, match="page_size"):
        list(sync_api(rec).users.iter(page_size=size))
    assert rec.requests == []


def test_user_model_is_lenient() -> None:
    raw = {
        "id": "user_1",
        "primary_email_address_id": "idn_2",
        "email_addresses": [
            {"id": "idn_1", "email_address": "old@x.y"},
            {"id": "idn_2", "email_address": "ada@x.y", "verification": {"status": "verified"}},
            "garbage",
        ],
        "first_name": 42,
        "public_metadata": {"role": "admin"},
        "private_metadata": None,
        "banned": "yes",
        "created_at": 1700000000000,
        "brand_new_field": {"x": 1},
    }
    user = User.from_json(raw)
    assert user.primary_email == "ada@x.y"
    assert user.email_addresses[1].verified
    assert not user.email_addresses[0].verified
    assert user.first_name is None
    assert user.private_metadata == {}
    assert user.banned is False
    assert user.created_at == 1700000000000
    assert user.raw["brand_new_field"] == {"x": 1}
    assert "private_metadata" not in repr(user)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [({"email_addresses": [{"id": "a", "email_address": "a@x"}]}, "a@x"), ({}, None)],
)
def test_primary_email_fallbacks(raw: dict[str, Any], expected: str | None) -> None:
    assert User.from_json(raw).primary_email == expected


def test_membership_nested_objects() -> None:
    member = OrganizationMembership.from_json(
        {"id": "m", "role": "org:admin", "organization": {"id": "org_1", "slug": "acme",
         "name": "Acme"}, "public_user_data": {"user_id": "user_1", "identifier": "a@x"}}
    )  # fmt: skip
    assert member.organization == Organization.from_json({"id": "org_1", "slug": "acme",
                                                          "name": "Acme"})  # fmt: skip
    assert (member.user_id, member.public_user_data.identifier) == ("user_1", "a@x")
    assert OrganizationMembership.from_json({"organization": "nope"}).organization.id == ""
