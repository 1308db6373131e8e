"""Framework-free request/response types and the router the endpoint modules register on.

Endpoint modules (``accounts``, ``api``; later the Frontend API handshake and the Backend API)
each expose ``register(router)`` and add handlers with ``router.route(method, pattern)``.
Patterns are literal paths with optional ``{name}`` segments (``/v1/users/{user_id}``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from authguard.dev.server import DevContext


@dataclass(frozen=True)
class DevRequest:
    """One request as handlers see it; ``headers`` has lower-case names."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes = b""
    params: Mapping[str, str] = field(default_factory=dict)

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def form(self) -> dict[str, str]:
        """The first value of each field of an urlencoded body."""
        try:
            parsed = parse_qs(self.body.decode("utf-8"), max_num_fields=50)
        except (UnicodeDecodeError, ValueError):
            return {}
        return {name: values[0] for name, values in parsed.items()}

    def cookie(self, name: str) -> str | None:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.headers.get("cookie", ""))
        except Exception:  # http.cookies raises CookieError and others on garbage
            return None
        morsel = jar.get(name)
        return morsel.value if morsel is not None else None


@dataclass
class DevResponse:
    """Status, headers (repeatable, e.g. ``Set-Cookie``) and body."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    def header(self, name: str, value: str) -> DevResponse:
        self.headers.append((name, value))
        return self


Handler = Callable[["DevContext", DevRequest], DevResponse]


def json_response(status: int, payload: Any) -> DevResponse:
    body = json.dumps(payload).encode()
    response = DevResponse(status, body)
    return response.header("Content-Type", "application/json").header("Cache-Control", "no-store")


def clerk_error(status: int, code: str, message: str, long_message: str) -> DevResponse:
    """Clerk's Backend/Frontend API error body."""
    error = {"code": code, "message": message, "long_message": long_message}
    return json_response(status, {"errors": [error]})


def redirect(location: str, status: int = 303) -> DevResponse:
    return DevResponse(status).header("Location", location).header("Cache-Control", "no-store")


def set_cookie(
    name: str, value: str, *, max_age: int | None = None, http_only: bool = False
) -> str:
    """A ``Set-Cookie`` value on the dev server's host (no Domain): ``Path=/; SameSite=Lax``."""
    parts = [f"{name}={value}", "Path=/", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
        if max_age == 0:
            parts.append("Expires=Thu, 01 Jan 1970 00:00:00 GMT")
    if http_only:
        parts.append("HttpOnly")
    return "; ".join(parts)


class Router:
    """Method + path pattern → handler."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        regex = re.compile(
            "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(pattern)) + "$"
        )

        def add(handler: Handler) -> Handler:
            self._routes.append((method.upper(), regex, handler))
            return handler

        return add

    def resolve(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | int:
        """The handler and path params, or 404/405."""
        allowed = False
        for route_method, regex, handler in self._routes:
            match = regex.match(path)
            if match is None:
                continue
            if route_method == method or (route_method == "GET" and method == "HEAD"):
                return handler, match.groupdict()
            allowed = True
        return 405 if allowed else 404
