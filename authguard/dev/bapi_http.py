"""Shared pieces of the dev server's Backend API: secret-key auth, Clerk errors, bodies, paging."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from authguard.dev.routing import DevRequest, DevResponse, clerk_error, json_response

if TYPE_CHECKING:
    from authguard.dev.server import DevContext

BackendHandler = Callable[["DevContext", DevRequest], DevResponse]
MAX_LIMIT = 500


class APIError(Exception):
    """Raised by handlers; becomes Clerk's ``{"errors": [...]}`` body."""

    def __init__(
        self, status: int, code: str, message: str, long_message: str, param: str | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.long_message, self.param = long_message, param

    def response(self) -> DevResponse:
        meta = {"param_name": self.param} if self.param else {}
        error = {"code": self.code, "message": self.message,
                 "long_message": self.long_message, "meta": meta}  # fmt: skip
        return json_response(self.status, {"errors": [error], "clerk_trace_id": "dev"})


def not_found(what: str) -> APIError:
    return APIError(404, "resource_not_found", "not found", f"No {what} was found.")


def missing(param: str) -> APIError:
    return APIError(422, "form_param_missing", "missing data", f"{param} must be included.", param)


def invalid(param: str, why: str) -> APIError:
    return APIError(422, "form_param_format_invalid", "is invalid", f"{param} {why}.", param)


def has_secret_key(ctx: DevContext, request: DevRequest) -> bool:
    """Whether the request carries ``Authorization: Bearer <the instance's secret key>``."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    expected = ctx.instance.secret_key.encode()
    return scheme.lower() == "bearer" and hmac.compare_digest(secret.strip().encode(), expected)


def secret_key_refused() -> DevResponse:
    """The 401 of a Backend API endpoint served outside :func:`backend` (key set, handshake)."""
    return clerk_error(
        401,
        "authentication_invalid",
        "Invalid authentication",
        "The secret key is missing or invalid; send Authorization: Bearer <CLERK_SECRET_KEY>.",
    )


def backend(handler: BackendHandler) -> BackendHandler:
    """Wrap a handler: Bearer secret-key check first, APIError → Clerk's error body."""

    def wrapped(ctx: DevContext, request: DevRequest) -> DevResponse:
        if not has_secret_key(ctx, request):
            hint = "Send Authorization: Bearer <CLERK_SECRET_KEY>."
            return APIError(
                401, "authentication_invalid", "Invalid authentication", hint
            ).response()
        try:
            return handler(ctx, request)
        except APIError as exc:
            return exc.response()

    return wrapped


def body(request: DevRequest) -> dict[str, Any]:
    """The JSON object body (an empty body is ``{}``)."""
    if not request.body.strip():
        return {}
    try:
        data = json.loads(request.body)
    except ValueError:
        raise APIError(400, "malformed_request", "malformed request",
                       "The request body is not valid JSON.") from None  # fmt: skip
    if not isinstance(data, dict):
        raise APIError(400, "malformed_request", "malformed request", "Send a JSON object.")
    return data


def text(data: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise missing(name)
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid(name, "must be a string")
    return value


def mapping(data: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = data.get(name)
    if value is not None and not isinstance(value, dict):
        raise invalid(name, "must be an object")
    return value


def int_arg(request: DevRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.arg(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise invalid(name, f"must be a number between {low} and {high}")
    return int(raw)


def page(request: DevRequest, items: Sequence[dict[str, Any]], *, wrapped: bool) -> DevResponse:
    """``limit``/``offset`` slicing; a bare array or ``{"data", "total_count"}``."""
    limit = int_arg(request, "limit", 10, 1, MAX_LIMIT)
    offset = int_arg(request, "offset", 0, 0, 10**9)
    chunk = list(items[offset : offset + limit])
    return json_response(200, {"data": chunk, "total_count": len(items)} if wrapped else chunk)


def ordered(request: DevRequest, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``order_by`` (``[+-]field``, default ``-created_at``), ties broken by id."""
    order = request.arg("order_by") or "-created_at"
    field = order.lstrip("+-")
    if not field or any(not isinstance(i.get(field, 0), str | int) for i in items[:1]):
        raise invalid("order_by", "is not a field you can sort by")
    by_id = sorted(items, key=lambda i: str(i.get("id")))
    return sorted(by_id, key=lambda i: _sort_key(i.get(field)), reverse=order.startswith("-"))


def _sort_key(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int) else (1, str(value or ""))


def values(request: DevRequest, name: str) -> list[str]:
    return [v for v in request.query.get(name, []) if v]
