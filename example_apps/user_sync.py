"""Keeping an app's own user table in sync with Clerk from webhooks (SQLite, standard library).

Used by the FastAPI and Flask examples (the Django example does the same with its ORM).
``apply(event)`` is idempotent by the ``svix-id`` header (``event.id``): Svix re-sends a message
with the same id until it gets a 2xx, so a processed id is recorded in the same transaction as
the change, and a second delivery of it changes nothing.
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from authguard import WebhookEvent

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, email TEXT, first_name TEXT, last_name TEXT, updated_at INTEGER
);
CREATE TABLE IF NOT EXISTS processed_webhooks (
    svix_id TEXT PRIMARY KEY, type TEXT NOT NULL, received_at INTEGER NOT NULL
);
"""


def database_path(framework: str) -> Path:
    """``AUTHGUARD_EXAMPLE_DB`` or ``example-users-<framework>.sqlite3`` in the working dir."""
    return Path(os.environ.get("AUTHGUARD_EXAMPLE_DB") or f"example-users-{framework}.sqlite3")


class UserStore:
    """The app's users and the ids of the webhook messages already applied."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with closing(self._connect()) as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        # One connection per call: the servers run handlers on several threads.
        return sqlite3.connect(self.path, timeout=10, isolation_level=None)

    def apply(self, event: WebhookEvent) -> bool:
        """Apply a ``user.*`` event once; False when this message id was already applied."""
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                applied = self._apply(db, event)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return applied

    def _apply(self, db: sqlite3.Connection, event: WebhookEvent) -> bool:
        seen = db.execute(
            "INSERT OR IGNORE INTO processed_webhooks VALUES (?, ?, ?)",
            (event.id, event.type, int(time.time())),
        )
        if seen.rowcount == 0:
            return False
        if event.type in ("user.created", "user.updated"):
            user = event.user
            db.execute(
                "INSERT INTO users VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "email = excluded.email, first_name = excluded.first_name, "
                "last_name = excluded.last_name, updated_at = excluded.updated_at",
                (user.id, user.primary_email_address, user.first_name, user.last_name,
                 user.updated_at),
            )  # fmt: skip
        elif event.type == "user.deleted":
            db.execute("DELETE FROM users WHERE id = ?", (event.user.id,))
        return True

    def user_ids(self) -> list[str]:
        with closing(self._connect()) as db:
            return [row[0] for row in db.execute("SELECT id FROM users ORDER BY id")]
