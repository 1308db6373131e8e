"""Users, organisations and roles of the dev instance, persisted in ``state.json``.

The users file (``--users FILE``, ``.json`` or ``.toml``) and ``state.json`` share one format::

    [roles]                       # role -> permissions (defaults below when absent)
    "org:admin" = ["org:memberships:manage", "org:memberships:read"]
    "org:member" = ["org:memberships:read"]

    [[organizations]]
    slug = "acme"                 # required, unique
    name = "Acme"                 # default: the slug
    id = "org_acme"               # default: "org_" + slug

    [[users]]
    email = "admin@example.com"   # required, unique
    first_name = "Ada"            # optional, like last_name
    id = "user_admin"             # default: derived from the email (stable across restarts)
    pending = false               # true: tokens carry sts="pending" (a pending session task)
    memberships = [{ org = "acme", role = "org:admin" }]   # the first is the active org

Without ``--users`` the first start seeds the defaults below; ``state.json`` is then the source
of truth (sign-ups are added to it). With ``--users`` the file's entries replace the stored ones
with the same slug/email on every start; other stored entries (sign-ups) are kept.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from authguard.dev.config import DevConfigError
from authguard.dev.instance import write_private

STATE_FILE = "state.json"

DEFAULT_STATE: dict[str, Any] = {
    "roles": {
        "org:admin": ["org:memberships:manage", "org:memberships:read"],
        "org:member": ["org:memberships:read"],
    },
    "organizations": [
        {"id": "org_acme", "slug": "acme", "name": "Acme"},
        {"id": "org_globex", "slug": "globex", "name": "Globex"},
    ],
    "users": [
        {"id": "user_admin", "email": "admin@example.com", "first_name": "Ada",
         "last_name": "Admin", "memberships": [{"org": "acme", "role": "org:admin"}]},
        {"id": "user_member", "email": "member@example.com", "first_name": "Max",
         "last_name": "Member", "memberships": [{"org": "acme", "role": "org:member"}]},
        {"id": "user_other", "email": "other@example.com", "first_name": "Otto",
         "last_name": "Other", "memberships": [{"org": "globex", "role": "org:admin"}]},
        {"id": "user_solo", "email": "solo@example.com", "first_name": "Sol",
         "last_name": "Solo"},
        {"id": "user_pending", "email": "pending@example.com", "first_name": "Pat",
         "last_name": "Pending", "pending": True},
    ],
}  # fmt: skip


@dataclass(frozen=True)
class Organization:
    """An organisation: ``id`` (``org_…``), ``slug`` and display ``name``."""

    id: str
    slug: str
    name: str


@dataclass(frozen=True)
class Membership:
    """The active organisation of a user as a token carries it."""

    org: Organization
    role: str
    permissions: tuple[str, ...]


@dataclass(frozen=True)
class User:
    """A user who can sign in; ``memberships`` pairs (org slug, role), the first is active."""

    id: str
    email: str
    first_name: str = ""
    last_name: str = ""
    pending: bool = False
    memberships: tuple[tuple[str, str], ...] = ()

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email


class Directory:
    """The users, organisations and roles; thread-safe; every change is saved at once."""

    def __init__(self, path: Path, state: dict[str, Any]) -> None:
        self._path = path
        self._lock = threading.Lock()
        self.roles: dict[str, tuple[str, ...]] = {}
        self.organizations: dict[str, Organization] = {}
        self._users: dict[str, User] = {}
        self._apply(state)

    @classmethod
    def load(cls, data_dir: Path, users_file: Path | None) -> Directory:
        path = data_dir / STATE_FILE
        state = read_state_file(path) if path.exists() else None
        if users_file is not None:
            state = merge_states(state or {}, read_state_file(users_file))
        directory = cls(path, state if state is not None else DEFAULT_STATE)
        directory.save()
        return directory

    def users(self) -> list[User]:
        with self._lock:
            return list(self._users.values())

    def get_user(self, user_id: str) -> User | None:
        with self._lock:
            return self._users.get(user_id)

    def add_user(self, email: str, first_name: str) -> User:
        """Create a user without organisation (sign-up); refuses a known email."""
        email = _check_email(email)
        with self._lock:
            if any(u.email == email for u in self._users.values()):
                raise DevConfigError(f"a user with the email {email} already exists")
            user = User(id="user_" + secrets.token_hex(12), email=email, first_name=first_name)
            self._users[user.id] = user
        self.save()
        return user

    def active_membership(self, user: User) -> Membership | None:
        for slug, role in user.memberships:
            org = self.organizations.get(slug)
            if org is not None:
                return Membership(org, role, self.roles.get(role, ()))
        return None

    def save(self) -> None:
        with self._lock:
            text = json.dumps(self._dump(), indent=2)
        write_private(self._path, text + "\n")

    def _apply(self, state: dict[str, Any]) -> None:
        roles = state.get("roles", DEFAULT_STATE["roles"])
        if not isinstance(roles, dict):
            raise DevConfigError("users file: [roles] must map role names to permission lists")
        self.roles = {_role(name): tuple(map(str, perms)) for name, perms in roles.items()}
        for entry in _entries(state, "organizations"):
            org = _parse_org(entry)
            self.organizations[org.slug] = org
        for entry in _entries(state, "users"):
            user = _parse_user(entry, self.organizations)
            if any(u.email == user.email for u in self._users.values()):
                raise DevConfigError(f"users file: the email {user.email} appears twice")
            self._users[user.id] = user

    def _dump(self) -> dict[str, Any]:
        return {
            "roles": {name: list(perms) for name, perms in self.roles.items()},
            "organizations": [vars(org) for org in self.organizations.values()],
            "users": [_dump_user(user) for user in self._users.values()],
        }


def read_state_file(path: Path) -> dict[str, Any]:
    """Parse a users/state file (TOML when it ends in ``.toml``, else JSON)."""
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode()) if path.suffix == ".toml" else json.loads(raw)
    except (OSError, ValueError) as exc:
        raise DevConfigError(f"cannot read the users file {path}: {exc}") from None
    if not isinstance(data, dict):
        raise DevConfigError(f"the users file {path} must hold a table/object at the top")
    return data


def merge_states(stored: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """``given`` entries replace stored ones with the same slug (orgs) or email (users)."""
    merged: dict[str, Any] = {"roles": given.get("roles", stored.get("roles", {}))}
    for name, key in (("organizations", "slug"), ("users", "email")):
        fresh = _entries(given, name)
        known = {str(entry.get(key)) for entry in fresh}
        kept = [e for e in _entries(stored, name) if str(e.get(key)) not in known]
        merged[name] = kept + fresh
    if "roles" not in given and "roles" not in stored:
        merged["roles"] = DEFAULT_STATE["roles"]
    return merged


def _entries(state: dict[str, Any], name: str) -> list[dict[str, Any]]:
    entries = state.get(name, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise DevConfigError(f"users file: {name} must be a list of tables/objects")
    return entries


def _parse_org(entry: dict[str, Any]) -> Organization:
    slug = entry.get("slug")
    if not isinstance(slug, str) or not slug:
        raise DevConfigError("users file: every organization needs a slug")
    return Organization(id=str(entry.get("id") or f"org_{slug}"), slug=slug,
                        name=str(entry.get("name") or slug))  # fmt: skip


def _parse_user(entry: dict[str, Any], orgs: dict[str, Organization]) -> User:
    email = _check_email(entry.get("email"))
    memberships = []
    for item in entry.get("memberships", []):
        if not isinstance(item, dict) or item.get("org") not in orgs:
            raise DevConfigError(f"users file: {email} has a membership of an unknown org")
        memberships.append((str(item["org"]), _role(str(item.get("role", "org:member")))))
    digest = hashlib.sha256(email.encode()).hexdigest()[:24]
    return User(
        id=str(entry.get("id") or f"user_{digest}"),
        email=email,
        first_name=str(entry.get("first_name", "")),
        last_name=str(entry.get("last_name", "")),
        pending=bool(entry.get("pending", False)),
        memberships=tuple(memberships),
    )


def _dump_user(user: User) -> dict[str, Any]:
    out: dict[str, Any] = {"id": user.id, "email": user.email, "first_name": user.first_name,
                           "last_name": user.last_name}  # fmt: skip
    if user.pending:
        out["pending"] = True
    if user.memberships:
        out["memberships"] = [{"org": slug, "role": role} for slug, role in user.memberships]
    return out


def _check_email(value: object) -> str:
    if not isinstance(value, str) or value.count("@") != 1 or len(value) > 254:
        raise DevConfigError(f"not an email address: {value!r}")
    local, _, domain = value.strip().partition("@")
    if not local or "." not in domain or any(c.isspace() or c in "<>\"'" for c in value):
        raise DevConfigError(f"not an email address: {value!r}")
    return value.strip().lower()


def _role(name: str) -> str:
    return name if name.startswith("org:") else f"org:{name}"
