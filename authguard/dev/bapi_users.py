"""``/v1/users`` on the dev server, in Clerk's JSON shapes (a list is a bare array)."""

from __future__ import annotations

import dataclasses
import hashlib
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
    values,
)
from authguard.dev.bapi_store import BackendStore, store_for
from authguard.dev.config import DevConfigError
from authguard.dev.directory import User
from authguard.dev.routing import DevRequest, DevResponse, Router, json_response

if TYPE_CHECKING:
    from authguard.dev.server import DevContext

METADATA = ("public_metadata", "private_metadata", "unsafe_metadata")


def register(router: Router) -> None:
    router.route("GET", "/v1/users")(backend(list_users))
    router.route("POST", "/v1/users")(backend(create_user))
    router.route("GET", "/v1/users/{user_id}")(backend(get_user))
    router.route("PATCH", "/v1/users/{user_id}")(backend(update_user))
    router.route("DELETE", "/v1/users/{user_id}")(backend(delete_user))
    router.route("PATCH", "/v1/users/{user_id}/metadata")(backend(merge_metadata))


def email_id(email: str) -> str:
    return "idn_" + hashlib.sha256(email.encode()).hexdigest()[:24]


def user_json(store: BackendStore, user: User) -> dict[str, Any]:
    extra = store.extras(store.users, user.id)
    created, updated = extra["created_at"], extra["updated_at"]
    email = {"object": "email_address", "id": email_id(user.email),
             "email_address": user.email, "reserved": False, "verification": None,
             "linked_to": [], "created_at": created, "updated_at": created}  # fmt: skip
    empty: list[Any] = []
    return {
        "object": "user", "id": user.id, "external_id": None,
        "primary_email_address_id": email["id"], "primary_phone_number_id": None,
        "primary_web3_wallet_id": None, "username": extra.get("username"),
        "first_name": user.first_name or None, "last_name": user.last_name or None,
        "has_image": False, "image_url": "", "profile_image_url": "",
        **{name: dict(extra.get(name) or {}) for name in METADATA},
        "email_addresses": [email], "phone_numbers": empty, "web3_wallets": empty,
        "passkeys": empty, "external_accounts": empty, "saml_accounts": empty,
        "enterprise_accounts": empty, "password_enabled": False, "two_factor_enabled": False,
        "totp_enabled": False, "backup_code_enabled": False, "mfa_enabled_at": None,
        "mfa_disabled_at": None, "last_sign_in_at": extra.get("last_sign_in_at"),
        "banned": bool(extra.get("banned")), "locked": False,
        "lockout_expires_in_seconds": None, "verification_attempts_remaining": None,
        "created_at": created, "updated_at": updated, "delete_self_enabled": True,
        "create_organization_enabled": True, "last_active_at": None, "legal_accepted_at": None,
    }  # fmt: skip


def find_user(ctx: DevContext, user_id: str) -> User:
    user = ctx.directory.get_user(user_id)
    if user is None:
        raise not_found(f"user with id {user_id}")
    return user


def _matches(request: DevRequest, item: dict[str, Any]) -> bool:
    emails = set(values(request, "email_address"))
    ids = set(values(request, "user_id"))
    query = (request.arg("query") or "").lower()
    address = item["email_addresses"][0]["email_address"]
    if (emails and address not in emails) or (ids and item["id"] not in ids):
        return False
    haystack = [item["id"], address, item["first_name"], item["last_name"], item["username"]]
    return not query or any(query in str(v or "").lower() for v in haystack)


def list_users(ctx: DevContext, request: DevRequest) -> DevResponse:
    store = store_for(ctx)
    items = [user_json(store, u) for u in ctx.directory.users()]
    chosen = [i for i in items if _matches(request, i)]
    return page(request, ordered(request, chosen), wrapped=False)


def get_user(ctx: DevContext, request: DevRequest) -> DevResponse:
    return json_response(200, user_json(store_for(ctx), find_user(ctx, request.params["user_id"])))


def create_user(ctx: DevContext, request: DevRequest) -> DevResponse:
    data, store = body(request), store_for(ctx)
    emails = data.get("email_address")
    if not emails:
        raise APIError(422, "form_param_missing", "missing data",
                       "email_address must be included.", "email_address")  # fmt: skip
    if isinstance(emails, str):
        emails = [emails]
    if not isinstance(emails, list) or not all(isinstance(e, str) for e in emails):
        raise invalid("email_address", "must be a list of email addresses")
    _check_fields(data)
    try:
        user = ctx.directory.add_user(emails[0], text(data, "first_name") or "")
    except DevConfigError as exc:
        code = "form_identifier_exists" if "exists" in str(exc) else "form_param_format_invalid"
        raise APIError(422, code, "is invalid", str(exc), "email_address") from None
    _apply(ctx, store, user, data)
    return _emitted(ctx, request, "user.created", user_json(store, find_user(ctx, user.id)))


def update_user(ctx: DevContext, request: DevRequest) -> DevResponse:
    data, store = body(request), store_for(ctx)
    user = find_user(ctx, request.params["user_id"])
    _check_fields(data)
    _apply(ctx, store, user, data)
    return _emitted(ctx, request, "user.updated", user_json(store, find_user(ctx, user.id)))


def merge_metadata(ctx: DevContext, request: DevRequest) -> DevResponse:
    data, store = body(request), store_for(ctx)
    user = find_user(ctx, request.params["user_id"])
    patch = {name: mapping(data, name) for name in METADATA}
    store.merge(store.users, user.id, patch)
    return _emitted(ctx, request, "user.updated", user_json(store, user))


def delete_user(ctx: DevContext, request: DevRequest) -> DevResponse:
    user = find_user(ctx, request.params["user_id"])
    store = store_for(ctx)
    store.writer.drop_user(user.id)
    with store.lock:
        store.users.pop(user.id, None)
        store.save()
    return _emitted(
        ctx, request, "user.deleted", {"object": "user", "id": user.id, "deleted": True}
    )


def _emitted(ctx: DevContext, request: DevRequest, event: str, data: dict[str, Any]) -> DevResponse:
    ctx.emit(event, data, request)  # the webhook (SPEC §9) carries the same JSON as the answer
    return json_response(200, data)


def _check_fields(data: dict[str, Any]) -> None:
    for name in ("first_name", "last_name", "username"):
        text(data, name)
    for name in METADATA:
        mapping(data, name)


def _apply(ctx: DevContext, store: BackendStore, user: User, data: dict[str, Any]) -> None:
    if "first_name" in data or "last_name" in data:
        first = data.get("first_name", user.first_name) or ""
        last = data.get("last_name", user.last_name) or ""
        store.writer.put_user(dataclasses.replace(user, first_name=first, last_name=last))
    changes = {k: data[k] for k in (*METADATA, "username") if data.get(k) is not None}
    store.touch(store.users, user.id, **changes)
