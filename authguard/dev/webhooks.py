"""Webhook delivery from the dev server: Clerk's event envelope, signed the Svix way.

``authguard dev --webhook URL`` (repeatable) sends every event (sign-up, profile and metadata
changes, deletions, memberships, sessions) to each URL, signed with the instance's persisted
``whsec_`` secret (printed as ``CLERK_WEBHOOK_SIGNING_SECRET``). A background thread delivers
from a queue; a non-2xx answer or a connection error is retried with exponential backoff, a
bounded number of times, re-signed at each attempt. ``GET /webhooks`` lists recent deliveries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import queue
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from authguard.dev.instance import write_private

logger = logging.getLogger("authguard.dev")

SECRET_FILE = "webhook-secret.txt"
HISTORY = 50


def load_or_create_secret(data_dir: Path) -> str:
    """The instance's ``whsec_`` signing secret, created (mode 0600) on first use."""
    path = data_dir / SECRET_FILE
    if path.exists():
        text = path.read_text(encoding="ascii").strip()
        if text.startswith("whsec_"):
            return text
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode("ascii")
    data_dir.mkdir(parents=True, exist_ok=True)
    write_private(path, secret + "\n")
    return secret


def http_request_attributes(headers: Mapping[str, str] | None) -> dict[str, str]:
    """Clerk's ``event_attributes.http_request``: who caused the event (always loopback here)."""
    if headers is None:
        return {}
    return {"client_ip": "127.0.0.1", "user_agent": headers.get("user-agent", "")}


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three ``svix-*`` headers for one attempt."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "svix-id": msg_id,
        "svix-timestamp": str(timestamp),
        "svix-signature": "v1," + base64.b64encode(digest).decode("ascii"),
    }


@dataclass
class Delivery:
    """One event to one target, and how its attempts went (``last_status`` 0 = no answer)."""

    msg_id: str
    event_type: str
    target: str
    body: bytes = field(repr=False)
    attempts: int = 0
    last_status: int | None = None
    state: str = "pending"


@dataclass(frozen=True)
class WebhookOptions:
    """Delivery knobs; tests inject ``transport`` (failures), ``sleep`` and ``clock``."""

    max_attempts: int = 5
    base_delay: float = 1.0
    timeout: float = 5.0
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time


class WebhookDispatcher:
    """Queues events for every target and delivers them on one background thread."""

    def __init__(
        self,
        targets: Sequence[str],
        secret: str,
        instance_id: str,
        options: WebhookOptions | None = None,
    ) -> None:
        self.targets = tuple(targets)
        self.secret = secret
        self.instance_id = instance_id
        self.options = options or WebhookOptions()
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._lock = threading.Lock()
        self._history: deque[Delivery] = deque(maxlen=HISTORY)
        self._thread: threading.Thread | None = None

    def emit(
        self,
        event_type: str,
        data: Mapping[str, Any],
        http_request: Mapping[str, str] | None = None,
    ) -> list[Delivery]:
        """Queue ``event_type`` with ``data`` for every target; returns the queued deliveries."""
        if not self.targets:
            return []
        envelope = {
            "data": dict(data),
            "event_attributes": {"http_request": dict(http_request or {})},
            "instance_id": self.instance_id,
            "object": "event",
            "timestamp": int(self.options.clock() * 1000),
            "type": event_type,
        }
        body = json.dumps(envelope, separators=(",", ":")).encode()
        msg_id = "msg_" + secrets.token_hex(13)
        queued = [Delivery(msg_id, event_type, target, body) for target in self.targets]
        self._ensure_thread()
        for delivery in queued:
            with self._lock:
                self._history.appendleft(delivery)
            self._queue.put(delivery)
        return queued

    def deliveries(self) -> list[Delivery]:
        """Recent deliveries, newest first (copies, safe to read while delivering)."""
        with self._lock:
            return [replace(d) for d in self._history]

    def wait(self) -> None:
        """Block until every queued delivery has finished (tests; no polling)."""
        self._queue.join()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join()

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="authguard-dev-webhooks", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        with httpx.Client(
            transport=self.options.transport, timeout=self.options.timeout, trust_env=False
        ) as client:
            while (delivery := self._queue.get()) is not None:
                try:
                    self._deliver(client, delivery)
                finally:
                    self._queue.task_done()
            self._queue.task_done()

    def _deliver(self, client: httpx.Client, delivery: Delivery) -> None:
        for attempt in range(1, self.options.max_attempts + 1):
            status = self._attempt(client, delivery)
            with self._lock:
                delivery.attempts, delivery.last_status = attempt, status
                delivery.state = "delivered" if 200 <= status < 300 else "retrying"
            if 200 <= status < 300:
                return
            if attempt < self.options.max_attempts:
                self.options.sleep(self.options.base_delay * 2 ** (attempt - 1))
        with self._lock:
            delivery.state = "failed"
        logger.warning("webhook %s to %s failed", delivery.event_type, delivery.target)

    def _attempt(self, client: httpx.Client, delivery: Delivery) -> int:
        headers = sign(self.secret, delivery.msg_id, int(self.options.clock()), delivery.body)
        headers["content-type"] = "application/json"
        headers["user-agent"] = "authguard-dev-webhooks"
        try:
            return client.post(delivery.target, content=delivery.body, headers=headers).status_code
        except httpx.HTTPError:
            return 0
