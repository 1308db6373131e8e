"""``/v1/organizations`` on the dev server (lists are ``{"data", "total_count"}``)."""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any

from authguard.dev.bapi_http import (
    APIError,
    backend,
    body,
    invalid,
    mapping,
    not_found,
    ordered,
    page,
    text,
)
from authguard.dev.bapi_store import BackendStore, org_by_id, store_for
from authguard.dev.directory import Directory, Organization
from authguard.dev.routing import DevRequest, DevResponse, Router, json_response

if TYPE_CHECKING:
    from authguard.dev.server import DevContext

ORG_METADATA = ("public_metadata", "private_metadata")


def register(router: Router) -> None:
    router.route("GET", "/v1/organizations")(backend(list_orgs))
    router.route("POST", "/v1/organizations")(backend(create_org))
    router.route("GET", "/v1/organizations/{org_id}")(backend(get_org))
    router.route("PATCH", "/v1/organizations/{org_id}")(backend(update_org))
    router.route("DELETE", "/v1/organizations/{org_id}")(backend(delete_org))
    router.route("PATCH", "/v1/organizations/{org_id}/metadata")(backend(merge_metadata))


def members_of(directory: Directory, org: Organization) -> list[tuple[str, str]]:
    """(user id, role) of the organisation's members."""
    return [(u.id, role) for u in directory.users() for slug, role in u.memberships
            if slug == org.slug]  # fmt: skip


def org_json(store: BackendStore, org: Organization) -> dict[str, Any]:
    extra = store.extras(store.orgs, org.id)
    pending = [i for i in store.invitations.get(org.id, []) if i.get("status") == "pending"]
    return {
        "object": "organization", "id": org.id, "name": org.name, "slug": org.slug,
        "has_image": False, "image_url": "",
        "max_allowed_memberships": int(extra.get("max_allowed_memberships") or 0),
        "admin_delete_enabled": True,
        **{name: dict(extra.get(name) or {}) for name in ORG_METADATA},
        "members_count": len(members_of(store.directory, org)),
        "pending_invitations_count": len(pending),
        "created_by": extra.get("created_by") or "",
        "created_at": extra["created_at"], "updated_at": extra["updated_at"],
    }  # fmt: skip


def find_org(ctx: DevContext, org_id: str) -> Organization:
    org = org_by_id(ctx.directory, org_id)
    if org is None:
        raise not_found(f"organization with id or slug {org_id}")
    return org


def list_orgs(ctx: DevContext, request: DevRequest) -> DevResponse:
    store = store_for(ctx)
    query = (request.arg("query") or "").lower()
    items = [org_json(store, o) for o in list(ctx.directory.organizations.values())]
    chosen = [i for i in items if not query or any(query in i[k].lower() for k in
                                                   ("id", "name", "slug"))]  # fmt: skip
    return page(request, ordered(request, chosen), wrapped=True)


def get_org(ctx: DevContext, request: DevRequest) -> DevResponse:
    return json_response(200, org_json(store_for(ctx), find_org(ctx, request.params["org_id"])))


def create_org(ctx: DevContext, request: DevRequest) -> DevResponse:
    data, store = body(request), store_for(ctx)
    name = text(data, "name", required=True) or ""
    slug = _slug(text(data, "slug") or name)
    creator = text(data, "created_by")
    _check(data)
    if org_by_id(ctx.directory, slug) is not None:
        raise APIError(422, "form_identifier_exists", "already exists",
                       "That slug is taken. Please try another.", "slug")  # fmt: skip
    if creator is not None and ctx.directory.get_user(creator) is None:
        raise not_found(f"user with id {creator}")
    org = Organization(id="org_" + secrets.token_hex(12), slug=slug, name=name)
    store.writer.put_org(org)
    _apply(store, org, data)
    membership = None
    if creator is not None:
        from authguard.dev.bapi_members import add_member

        membership = add_member(ctx, org, creator, "org:admin")
    answer = _emitted(ctx, request, "organization.created", org_json(store, org))
    if membership is not None:  # Clerk announces the creator's admin membership too
        ctx.emit("organizationMembership.created", membership, request)
    return answer


def update_org(ctx: DevContext, request: DevRequest) -> DevResponse:
    data, store = body(request), store_for(ctx)
    org = find_org(ctx, request.params["org_id"])
    _check(data)
    name, slug = text(data, "name"), text(data, "slug")
    if slug is not None:
        slug = _slug(slug)
        other = org_by_id(ctx.directory, slug)
        if other is not None and other.id != org.id:
            raise APIError(422, "form_identifier_exists", "already exists",
                           "That slug is taken. Please try another.", "slug")  # fmt: skip
    fresh = Organization(id=org.id, slug=slug or org.slug, name=name or org.name)
    if fresh != org:
        store.writer.put_org(fresh, old_slug=org.slug)
    _apply(store, fresh, data)
    return _emitted(ctx, request, "organization.updated", org_json(store, fresh))


def merge_metadata(ctx: DevContext, request: DevRequest) -> DevResponse:
    data, store = body(request), store_for(ctx)
    org = find_org(ctx, request.params["org_id"])
    patch = {name: mapping(data, name) for name in ORG_METADATA}
    store.merge(store.orgs, org.id, patch)
    return _emitted(ctx, request, "organization.updated", org_json(store, org))


def delete_org(ctx: DevContext, request: DevRequest) -> DevResponse:
    org, store = find_org(ctx, request.params["org_id"]), store_for(ctx)
    store.writer.drop_org(org.slug)
    with store.lock:
        store.orgs.pop(org.id, None)
        store.invitations.pop(org.id, None)
        store.save()
    deleted = {"object": "organization", "id": org.id, "deleted": True}
    return _emitted(ctx, request, "organization.deleted", deleted)


def _emitted(ctx: DevContext, request: DevRequest, event: str, data: dict[str, Any]) -> DevResponse:
    ctx.emit(event, data, request)  # the webhook (SPEC §9) carries the same JSON as the answer
    return json_response(200, data)


def _check(data: dict[str, Any]) -> None:
    for name in ORG_METADATA:
        mapping(data, name)
    limit = data.get("max_allowed_memberships")
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise invalid("max_allowed_memberships", "must be a number of 0 or more")


def _apply(store: BackendStore, org: Organization, data: dict[str, Any]) -> None:
    keys = (*ORG_METADATA, "max_allowed_memberships", "created_by")
    store.touch(store.orgs, org.id, **{k: data[k] for k in keys if data.get(k) is not None})


def _slug(raw: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", raw.strip().lower()).strip("-")
    if not slug:
        raise invalid("slug", "must contain letters or digits")
    return slug
