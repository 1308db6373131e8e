"""Organisation memberships and invitations on the dev server.

Roles live in the directory, so a role changed here is in the member's next session token.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from authguard.dev.bapi_http import APIError, backend, body, mapping, not_found, ordered, page, text
from authguard.dev.bapi_orgs import find_org, members_of, org_json
from authguard.dev.bapi_store import _with_memberships, store_for
from authguard.dev.bapi_users import find_user
from authguard.dev.directory import Organization, User
from authguard.dev.routing import DevRequest, DevResponse, Router, json_response

if TYPE_CHECKING:
    from authguard.dev.server import DevContext

BASE = "/v1/organizations/{org_id}"


def register(router: Router) -> None:
    router.route("GET", BASE + "/memberships")(backend(list_members))
    router.route("POST", BASE + "/memberships")(backend(create_member))
    router.route("PATCH", BASE + "/memberships/{user_id}")(backend(update_member))
    router.route("DELETE", BASE + "/memberships/{user_id}")(backend(delete_member))
    router.route("GET", BASE + "/invitations")(backend(list_invitations))
    router.route("POST", BASE + "/invitations")(backend(create_invitation))
    router.route("POST", BASE + "/invitations/{invitation_id}/revoke")(backend(revoke))


def member_json(ctx: DevContext, org: Organization, user: User, role: str) -> dict[str, Any]:
    store = store_for(ctx)
    org_data = org_json(store, org)
    digest = hashlib.sha256(f"{org.id}:{user.id}".encode()).hexdigest()[:24]
    return {
        "object": "organization_membership", "id": "orgmem_" + digest, "role": role,
        "role_name": role.removeprefix("org:").title(),
        "permissions": list(ctx.directory.roles.get(role, ())),
        "public_metadata": {}, "private_metadata": {}, "organization": org_data,
        "public_user_data": {"user_id": user.id, "first_name": user.first_name or None,
                             "last_name": user.last_name or None, "image_url": "",
                             "profile_image_url": "", "has_image": False,
                             "identifier": user.email, "username": None},
        "created_at": org_data["created_at"], "updated_at": org_data["updated_at"],
    }  # fmt: skip


def _role(data: dict[str, Any], ctx: DevContext) -> str:
    role = text(data, "role", required=True) or ""
    if role not in ctx.directory.roles:
        raise APIError(422, "form_param_value_invalid", "is invalid",
                       f"role must be one of {sorted(ctx.directory.roles)}.", "role")  # fmt: skip
    return role


def _set_role(ctx: DevContext, org: Organization, user: User, role: str | None) -> None:
    pairs = [(s, r) for s, r in user.memberships if s != org.slug]
    if role is not None:
        pairs.append((org.slug, role))
    store_for(ctx).writer.put_user(_with_memberships(user, tuple(pairs)))


def add_member(ctx: DevContext, org: Organization, user_id: str, role: str) -> dict[str, Any]:
    user = find_user(ctx, user_id)
    if any(slug == org.slug for slug, _ in user.memberships):
        raise APIError(422, "already_a_member_in_organization", "already a member",
                       "That user is already a member of the organization.")  # fmt: skip
    _set_role(ctx, org, user, role)
    return member_json(ctx, org, user, role)


def _membership(ctx: DevContext, request: DevRequest) -> tuple[Organization, User, str]:
    org = find_org(ctx, request.params["org_id"])
    user = find_user(ctx, request.params["user_id"])
    role = next((r for s, r in user.memberships if s == org.slug), None)
    if role is None:
        raise not_found("organization membership for that user")
    return org, user, role


def list_members(ctx: DevContext, request: DevRequest) -> DevResponse:
    org = find_org(ctx, request.params["org_id"])
    wanted = set(request.query.get("role", []))
    items = []
    for user_id, role in members_of(ctx.directory, org):
        user = ctx.directory.get_user(user_id)
        if user is not None and (not wanted or role in wanted):
            items.append(member_json(ctx, org, user, role))
    return page(request, ordered(request, items), wrapped=True)


def create_member(ctx: DevContext, request: DevRequest) -> DevResponse:
    data = body(request)
    org = find_org(ctx, request.params["org_id"])
    user_id, role = text(data, "user_id", required=True) or "", _role(data, ctx)
    created = add_member(ctx, org, user_id, role)
    ctx.emit("organizationMembership.created", created, request)
    return json_response(200, created)


def update_member(ctx: DevContext, request: DevRequest) -> DevResponse:
    data = body(request)
    org, user, _ = _membership(ctx, request)
    role = _role(data, ctx)
    _set_role(ctx, org, user, role)
    updated = member_json(ctx, org, find_user(ctx, user.id), role)
    ctx.emit("organizationMembership.updated", updated, request)
    return json_response(200, updated)


def delete_member(ctx: DevContext, request: DevRequest) -> DevResponse:
    org, user, role = _membership(ctx, request)
    _set_role(ctx, org, user, None)
    deleted = member_json(ctx, org, user, role)
    ctx.emit("organizationMembership.deleted", deleted, request)
    return json_response(200, deleted)


def list_invitations(ctx: DevContext, request: DevRequest) -> DevResponse:
    org, store = find_org(ctx, request.params["org_id"]), store_for(ctx)
    wanted = set(request.query.get("status", []))
    with store.lock:
        items = [dict(i) for i in store.invitations.get(org.id, [])]
    chosen = [i for i in items if not wanted or i["status"] in wanted]
    return page(request, ordered(request, chosen), wrapped=True)


def create_invitation(ctx: DevContext, request: DevRequest) -> DevResponse:
    data, store = body(request), store_for(ctx)
    org = find_org(ctx, request.params["org_id"])
    email = (text(data, "email_address", required=True) or "").strip().lower()
    if email.count("@") != 1 or "." not in email.partition("@")[2]:
        raise APIError(
            422,
            "form_param_format_invalid",
            "is invalid",
            "email_address must be a valid email address.",
            "email_address",
        )
    role, now = _role(data, ctx), store.now_ms()
    invitation = {"object": "organization_invitation", "id": "orginv_" + secrets.token_hex(12),
                  "email_address": email, "role": role, "role_name": role.removeprefix("org:"),
                  "organization_id": org.id, "status": "pending",
                  "public_metadata": mapping(data, "public_metadata") or {},
                  "private_metadata": {}, "url": None, "expires_at": None,
                  "created_at": now, "updated_at": now}  # fmt: skip
    with store.lock:
        store.invitations.setdefault(org.id, []).append(invitation)
        store.save()
    ctx.emit("organizationInvitation.created", dict(invitation), request)
    return json_response(200, invitation)


def revoke(ctx: DevContext, request: DevRequest) -> DevResponse:
    org, store = find_org(ctx, request.params["org_id"]), store_for(ctx)
    with store.lock:
        for invitation in store.invitations.get(org.id, []):
            if invitation["id"] == request.params["invitation_id"]:
                invitation.update(status="revoked", updated_at=store.now_ms())
                store.save()
                revoked = dict(invitation)
                break
        else:
            raise not_found("organization invitation with that id")
    ctx.emit("organizationInvitation.revoked", revoked, request)
    return json_response(200, revoked)
