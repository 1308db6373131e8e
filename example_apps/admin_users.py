"""``/admin/users``: list users and change ``public_metadata.role`` through the Backend API.

Framework-free like ``common``: each app maps ``GET /admin/users`` and
``POST /admin/users/<user_id>/role`` (both ``org:admin``) onto these functions. With
``authguard dev --claims`` mapping ``metadata.role`` from ``{{user.public_metadata.role}}``, the
user's next session token carries the new role.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from urllib.parse import parse_qs

from authguard import Auth
from authguard.backend import User
from example_apps import common

#: the roles the form offers; "" removes the role.
ROLES = ("", "admin", "editor", "viewer")


class BadForm(ValueError):
    """The POST is not one this page sent (wrong origin, unknown role)."""


def users_page(auth: Auth, site: common.Site, users: Iterable[User], csrf: str = "") -> str:
    """The table of users with one role form per user; ``csrf`` is a hidden input, if any."""
    rows = "".join(_row(user, csrf) for user in users)
    body = (
        "<h1>Users</h1><p>Roles live in <code>public_metadata.role</code>, changed through "
        "<code>authguard.backend</code>; a user sees a new role with their next session token."
        '</p><div class="card"><table><tr><th>user</th><th>email</th><th>role</th></tr>'
        f"{rows}</table></div>"
    )
    return common.page("Users", body, auth, site, path="/admin/users")


def _row(user: User, csrf: str) -> str:
    role = str(user.public_metadata.get("role") or "")
    options = "".join(
        f'<option value="{escape(r)}"{" selected" if r == role else ""}>{escape(r or "—")}</option>'
        for r in ROLES
    )
    uid = escape(user.id)
    form = (
        f'<form method="post" action="/admin/users/{uid}/role">{csrf}'
        f'<select name="role">{options}</select> <button type="submit">Save</button></form>'
    )
    email = escape(user.primary_email or "")
    return f'<tr data-user="{uid}"><td><code>{uid}</code></td><td>{email}</td><td>{form}</td></tr>'


def parse_role(
    body: bytes | Mapping[str, str], origin: str | None, site: common.Site
) -> str | None:
    """The role posted (None removes it). Only same-origin posts count (no CSRF token needed)."""
    if origin is None or origin.rstrip("/") != site.app_origin:
        raise BadForm("cross-origin form post")
    if isinstance(body, bytes):
        values = parse_qs(body.decode("utf-8", "replace"))
        role = values.get("role", [""])[0]
    else:
        role = body.get("role", "")
    if role not in ROLES:
        raise BadForm(f"unknown role {role!r}")
    return role or None
