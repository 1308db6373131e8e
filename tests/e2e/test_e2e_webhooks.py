"""End to end: the dev server's webhooks keep each example app's own user table in sync.

Real servers on loopback: the dev server (in this process, delivering on its own thread) and
one example app per test (a subprocess with its ``/webhooks/clerk`` endpoint and a SQLite
database). No browser: the sign-up form is posted with httpx.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from e2ekit import Process, child_env, free_port

from authguard.dev import DevConfig, DevServer
from authguard.dev.webhooks import Delivery, sign

pytestmark = pytest.mark.e2e

TABLES = {
    "fastapi": ("users", "processed_webhooks"),
    "flask": ("users", "processed_webhooks"),
    "django": ("django_app_synceduser", "django_app_processedwebhook"),
}


@dataclass
class Stack:
    """The dev server, the app's webhook URL and its database."""

    dev: DevServer
    http: httpx.Client
    target: str
    db: Path
    app: str

    def settle(self) -> list[Delivery]:
        assert self.dev.context is not None
        self.dev.context.webhooks.wait()
        return self.dev.context.webhooks.deliveries()

    def rows(self) -> list[str]:
        return [str(row[0]) for row in self._query(f"SELECT id FROM {TABLES[self.app][0]}")]

    def processed(self) -> int:
        return len(self._query(f"SELECT svix_id FROM {TABLES[self.app][1]}"))

    def _query(self, sql: str) -> list[tuple[object, ...]]:
        with closing(sqlite3.connect(self.db)) as db:
            return db.execute(sql).fetchall()


@pytest.fixture(params=sorted(TABLES))
def stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    app: str = request.param
    port = free_port()
    target = f"http://127.0.0.1:{port}/webhooks/clerk"
    config = DevConfig(port=0, data_dir=tmp_path / "dev", webhooks=(target,),
                       app_origins=(f"http://localhost:{port}",))  # fmt: skip
    dev = DevServer(config)
    dev.start()
    assert dev.context is not None
    db = tmp_path / "users.sqlite3"
    env = child_env(dict(dev.context.environment(), AUTHGUARD_EXAMPLE_DB=str(db)))
    command = [sys.executable, "-m", "example_apps.serve", "--app", app, "--port", str(port)]
    process = Process(command, env)
    try:
        process.expect(lambda line: line.startswith("listening on "))
        with httpx.Client(base_url=dev.url) as http:
            yield Stack(dev, http, target, db, app)
    finally:
        process.stop()
        dev.stop()


def sign_up(stack: Stack, email: str) -> str:
    """Post the dev server's sign-up form; returns the new user's id (from its webhook)."""
    page = stack.http.get("/sign-up").text
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    form = {"email": email, "first_name": "Ines", "form_token": token}
    assert stack.http.post("/sign-up", data=form).status_code == 303
    created = [d for d in stack.settle() if d.event_type == "user.created"]
    assert len(created) == 1
    return str(json.loads(created[0].body)["data"]["id"])


def replay(stack: Stack, delivery: Delivery, body: bytes | None = None) -> httpx.Response:
    """Send ``delivery`` again as Svix retries do: same id and body, freshly signed."""
    assert stack.dev.context is not None
    payload = delivery.body if body is None else body
    headers = sign(stack.dev.context.webhooks.secret, delivery.msg_id, int(time.time()),
                   delivery.body)  # fmt: skip
    return httpx.post(stack.target, content=payload, headers=headers)


def test_sign_up_then_delete_syncs_the_apps_table_and_replays_change_nothing(
    stack: Stack,
) -> None:
    user_id = sign_up(stack, f"ines-{stack.app}@example.com")
    assert stack.rows() == [user_id]
    assert all((d.state, d.last_status) == ("delivered", 200) for d in stack.settle())

    assert stack.dev.context is not None
    secret_key = stack.dev.context.instance.secret_key
    deleted = stack.http.delete(
        f"/v1/users/{user_id}", headers={"authorization": f"Bearer {secret_key}"}
    )
    assert deleted.status_code == 200
    deliveries = stack.settle()
    assert deliveries[0].event_type == "user.deleted"
    assert (deliveries[0].state, deliveries[0].last_status) == ("delivered", 200)
    assert stack.rows() == []

    processed = stack.processed()
    created = next(d for d in deliveries if d.event_type == "user.created")
    again = replay(stack, created)
    assert (again.status_code, again.json()) == (200, {"applied": False})
    assert stack.rows() == []  # the replayed user.created did not bring the user back
    assert stack.processed() == processed

    tampered = replay(stack, created, created.body.replace(b"Ines", b"Eve!"))
    assert tampered.status_code == 400
    assert (stack.rows(), stack.processed()) == ([], processed)
