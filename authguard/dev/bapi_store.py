"""What the Backend API adds to the dev directory: metadata, timestamps, invitations.

Identity (users, organisations, memberships) stays in :class:`~authguard.dev.directory.Directory`
so the token minter sees every change at once; the rest lives in ``backend.json`` next to
``state.json``. One store per directory, created on first use.

The Directory has no public mutation methods yet, so :class:`DirectoryWriter` reaches into its
``_users``/``_lock``; see the report on issue 8 for the methods that should replace this.
"""

from __future__ import annotations

import json
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from authguard.dev.directory import Directory, Organization, User
from authguard.dev.instance import write_private

if TYPE_CHECKING:
    from authguard.dev.server import DevContext

STORE_FILE = "backend.json"
_stores: weakref.WeakKeyDictionary[Directory, BackendStore] = weakref.WeakKeyDictionary()
_stores_lock = threading.Lock()


def store_for(ctx: DevContext) -> BackendStore:
    with _stores_lock:
        store = _stores.get(ctx.directory)
        if store is None:
            store = BackendStore(ctx.directory, ctx.config.data_dir / STORE_FILE)
            _stores[ctx.directory] = store
        return store


def deep_merge(base: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """Clerk's metadata merge: objects merge recursively, ``null`` removes a key."""
    out = dict(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


class BackendStore:
    """Extras per user / organisation id, invitations per organisation id; saved on change."""

    def __init__(
        self, directory: Directory, path: Path, clock: Callable[[], float] = time.time
    ) -> None:
        self.directory = directory
        self.writer = DirectoryWriter(directory)
        self._path = path
        self._clock = clock
        self.lock = threading.RLock()
        data: dict[str, Any] = {}
        if path.exists():
            try:
                data = json.loads(path.read_text())
            except (OSError, ValueError):
                data = {}
        self.users: dict[str, dict[str, Any]] = dict(data.get("users", {}))
        self.orgs: dict[str, dict[str, Any]] = dict(data.get("organizations", {}))
        self.invitations: dict[str, list[dict[str, Any]]] = dict(data.get("invitations", {}))

    def now_ms(self) -> int:
        return int(self._clock() * 1000)

    def extras(self, table: dict[str, dict[str, Any]], key: str) -> dict[str, Any]:
        """The extras of one object, created (with timestamps) on first sight."""
        with self.lock:
            entry = table.get(key)
            if entry is None:
                now = self.now_ms()
                entry = {"created_at": now, "updated_at": now, "public_metadata": {},
                         "private_metadata": {}, "unsafe_metadata": {}}  # fmt: skip
                table[key] = entry
            return entry

    def touch(self, table: dict[str, dict[str, Any]], key: str, **changes: Any) -> None:
        with self.lock:
            entry = self.extras(table, key)
            entry.update(changes)
            entry["updated_at"] = max(self.now_ms(), int(entry.get("created_at", 0)))
            self.save()

    def merge(
        self, table: dict[str, dict[str, Any]], key: str, patch: Mapping[str, Any | None]
    ) -> None:
        """Deep-merge each given (not None) mapping of ``patch`` into the same-named extra."""
        with self.lock:
            extra = self.extras(table, key)
            merged = {
                n: deep_merge(extra.get(n) or {}, p) for n, p in patch.items() if p is not None
            }
            self.touch(table, key, **merged)

    def save(self) -> None:
        with self.lock:
            data = {"users": self.users, "organizations": self.orgs,
                    "invitations": self.invitations}  # fmt: skip
            write_private(self._path, json.dumps(data, indent=2) + "\n")


class DirectoryWriter:
    """Changes to the directory's users and organisations, saved to ``state.json`` at once."""

    def __init__(self, directory: Directory) -> None:
        self._d = directory

    def put_user(self, user: User) -> None:
        with self._d._lock:
            self._d._users[user.id] = user
        self._d.save()

    def drop_user(self, user_id: str) -> None:
        with self._d._lock:
            self._d._users.pop(user_id, None)
        self._d.save()

    def put_org(self, org: Organization, *, old_slug: str | None = None) -> None:
        with self._d._lock:
            if old_slug is not None and old_slug != org.slug:
                self._d.organizations.pop(old_slug, None)
                self._rename_memberships(old_slug, org.slug)
            self._d.organizations[org.slug] = org
        self._d.save()

    def drop_org(self, slug: str) -> None:
        with self._d._lock:
            self._d.organizations.pop(slug, None)
            self._rename_memberships(slug, None)
        self._d.save()

    def _rename_memberships(self, old: str, new: str | None) -> None:
        for user in list(self._d._users.values()):
            pairs = [(new if s == old else s, r) for s, r in user.memberships]
            kept = tuple((s, r) for s, r in pairs if s is not None)
            if kept != user.memberships:
                self._d._users[user.id] = _with_memberships(user, kept)


def _with_memberships(user: User, memberships: tuple[tuple[str, str], ...]) -> User:
    return User(id=user.id, email=user.email, first_name=user.first_name,
                last_name=user.last_name, pending=user.pending,
                memberships=memberships)  # fmt: skip


def org_by_id(directory: Directory, org_id: str) -> Organization | None:
    """An organisation by id or by slug (Clerk's ``GET /organizations/{id_or_slug}``)."""
    for org in list(directory.organizations.values()):
        if org_id in (org.id, org.slug):
            return org
    return None
