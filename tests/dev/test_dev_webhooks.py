"""Webhooks from the dev server: what is sent, how it is signed, and the deliveries page."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from devkit import APP, form_token, sign_in
from svix.webhooks import Webhook
from webhook_receiver import Received, receiver

from authguard.dev import DevConfig, DevServer
from authguard.dev.cli import add_arguments, config_from_args
from authguard.dev.config import DevConfigError
from authguard.dev.webhooks import SECRET_FILE, WebhookOptions
from authguard.webhooks import WebhookEvent, verify_webhook

Hooked = tuple[DevServer, Received, httpx.Client]


@pytest.fixture
def hooked(data_dir: Path) -> Iterator[Hooked]:
    """A dev server on the real clock (so the svix library accepts the timestamps); its
    retries never really sleep."""
    options = WebhookOptions(sleep=lambda _seconds: None)
    with receiver() as (url, received):
        config = DevConfig(port=0, data_dir=data_dir, webhooks=(url,))
        server = DevServer(config, webhook_options=options)
        server.start()
        try:
            with httpx.Client(base_url=server.url) as http:
                yield server, received, http
        finally:
            server.stop()


def events(server: DevServer, received: Received) -> list[WebhookEvent]:
    """Every delivery so far, verified with the secret the dev server prints."""
    assert server.context is not None
    server.context.webhooks.wait()
    secret = server.context.environment()["CLERK_WEBHOOK_SIGNING_SECRET"]
    return [verify_webhook(body, headers, secret) for headers, body in received.requests]


def sign_up(http: httpx.Client, email: str) -> httpx.Response:
    data = {"email": email, "first_name": "Wen", "redirect_url": f"{APP}/",
            "form_token": form_token(http, "/sign-up")}  # fmt: skip
    return http.post("/sign-up", data=data)


def backend(server: DevServer, http: httpx.Client) -> dict[str, str]:
    assert server.context is not None
    return {"authorization": f"Bearer {server.context.instance.secret_key}"}


def test_sign_up_sends_user_created_in_clerks_envelope(hooked: Hooked) -> None:
    server, received, http = hooked
    assert sign_up(http, "wen@example.com").status_code == 303
    created = [e for e in events(server, received) if e.type == "user.created"]
    assert len(created) == 1
    event = created[0]
    assert event.user.primary_email_address == "wen@example.com"
    assert event.user.first_name == "Wen"
    assert event.object == "event"
    assert event.instance_id == server.context.instance.key.kid  # type: ignore[union-attr]
    assert event.id.startswith("msg_")
    assert isinstance(event.payload["timestamp"], int)
    assert event.payload["timestamp"] > 10**12
    assert event.payload["event_attributes"]["http_request"]["user_agent"].startswith("python-")


def test_deliveries_verify_with_the_svix_library(hooked: Hooked) -> None:
    server, received, http = hooked
    sign_up(http, "svix@example.com")
    events(server, received)
    assert received.requests
    secret = server.context.webhooks.secret  # type: ignore[union-attr]
    for headers, body in received.requests:
        assert headers["svix-signature"].startswith("v1,")
        Webhook(secret).verify(body, headers)  # raises WebhookVerificationError if not
        with pytest.raises(Exception, match="signature"):
            Webhook(secret).verify(body + b" ", headers)


def test_sign_in_and_out_send_session_created_and_ended(hooked: Hooked) -> None:
    server, received, http = hooked
    sign_in(http, "user_member")
    http.get("/sign-out")
    sessions = [e for e in events(server, received) if e.type.startswith("session.")]
    assert [e.type for e in sessions] == ["session.created", "session.ended"]
    assert {e.session.id for e in sessions} == {sessions[0].session.id}
    assert [e.session.status for e in sessions] == ["active", "ended"]
    assert sessions[0].session.user_id == "user_member"


BACKEND_CALLS: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("PATCH", "/v1/users/user_solo", {"first_name": "Solange"}, "user.updated"),
    ("PATCH", "/v1/users/user_solo/metadata", {"public_metadata": {"a": 1}}, "user.updated"),
    ("DELETE", "/v1/users/user_solo", None, "user.deleted"),
    ("POST", "/v1/organizations/org_acme/memberships",
     {"user_id": "user_solo", "role": "org:member"}, "organizationMembership.created"),
    ("PATCH", "/v1/organizations/org_acme/memberships/user_member",
     {"role": "org:admin"}, "organizationMembership.updated"),
    ("DELETE", "/v1/organizations/org_acme/memberships/user_member", None,
     "organizationMembership.deleted"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "payload", "event_type"), BACKEND_CALLS)
def test_backend_api_changes_send_events_carrying_the_answer(
    hooked: Hooked, method: str, path: str, payload: dict[str, Any] | None, event_type: str
) -> None:
    server, received, http = hooked
    response = http.request(method, path, json=payload, headers=backend(server, http))
    assert response.status_code == 200, response.text
    [event] = events(server, received)
    assert event.type == event_type
    assert event.data == response.json()


def test_user_deleted_carries_only_the_id(hooked: Hooked) -> None:
    server, received, http = hooked
    http.delete("/v1/users/user_solo", headers=backend(server, http))
    [event] = events(server, received)
    assert (event.user.id, event.user.deleted, event.user.email_addresses) == (
        "user_solo", True, ()
    )  # fmt: skip


# -- retries --------------------------------------------------------------------------------


def failing(statuses: list[int | None], seen: list[httpx.Request]) -> httpx.MockTransport:
    """Answers ``statuses`` in turn (None = connection refused), then 200."""

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status = statuses.pop(0) if statuses else 200
        if status is None:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(status)

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    ("answers", "attempts", "sleeps", "state", "last"),
    [
        ([500, 500], 3, [1.0, 2.0], "delivered", 200),
        ([None, 503, 429], 4, [1.0, 2.0, 4.0], "delivered", 200),
        ([500] * 9, 5, [1.0, 2.0, 4.0, 8.0], "failed", 500),
        ([None] * 9, 5, [1.0, 2.0, 4.0, 8.0], "failed", 0),
        ([], 1, [], "delivered", 200),
    ],
)
def test_failed_deliveries_are_retried_with_exponential_backoff(
    data_dir: Path,
    answers: list[int | None],
    attempts: int,
    sleeps: list[float],
    state: str,
    last: int,
) -> None:
    seen: list[httpx.Request] = []
    slept: list[float] = []
    options = WebhookOptions(transport=failing(list(answers), seen), sleep=slept.append)
    config = DevConfig(port=0, data_dir=data_dir, webhooks=("http://127.0.0.1:9/hook",))
    server = DevServer(config, webhook_options=options)
    server.bind()
    try:
        assert server.context is not None
        server.context.emit("user.updated", {"id": "user_1", "object": "user"})
        server.context.webhooks.wait()
        [delivery] = server.context.webhooks.deliveries()
    finally:
        server.stop()
    assert (delivery.attempts, delivery.state, delivery.last_status) == (attempts, state, last)
    assert slept == sleeps
    assert len(seen) == attempts
    assert {r.headers["svix-id"] for r in seen} == {delivery.msg_id}
    for request in seen:
        verify_webhook(request.content, request.headers, server.context.webhooks.secret)


def test_every_target_gets_the_same_message(data_dir: Path) -> None:
    seen: list[httpx.Request] = []
    targets = ("http://127.0.0.1:9/a", "https://localhost:9/b")
    options = WebhookOptions(transport=failing([], seen))
    server = DevServer(
        DevConfig(port=0, data_dir=data_dir, webhooks=targets), webhook_options=options
    )
    server.bind()
    try:
        assert server.context is not None
        server.context.emit("user.created", {"id": "user_1"})
        server.context.webhooks.wait()
    finally:
        server.stop()
    assert sorted(str(r.url) for r in seen) == sorted(targets)
    assert len({r.headers["svix-id"] for r in seen}) == 1
    assert len({r.content for r in seen}) == 1


def test_without_targets_nothing_is_queued(server: DevServer) -> None:
    assert server.context is not None
    server.context.emit("user.created", {"id": "user_1"})
    assert server.context.webhooks.deliveries() == []


# -- the page, the secret and the option ----------------------------------------------------


def test_deliveries_page_lists_recent_deliveries(hooked: Hooked) -> None:
    server, received, http = hooked
    received.statuses.extend([500])
    assert server.context is not None
    sign_up(http, "page@example.com")
    server.context.webhooks.wait()
    page = http.get("/webhooks")
    assert page.status_code == 200
    assert "Development instance" in page.text
    for delivery in server.context.webhooks.deliveries():
        assert delivery.msg_id in page.text
        assert f"<td>{delivery.event_type}</td>" in page.text
    assert "<td>user.created</td>" in page.text
    [retried] = [d for d in server.context.webhooks.deliveries() if d.attempts == 2]
    assert retried.event_type == "user.created"
    assert f"<td>{retried.msg_id}</td><td>{retried.target}</td><td>2</td><td>204</td>" in page.text
    assert received.requests[0][0]["svix-id"] == received.requests[1][0]["svix-id"]


def test_deliveries_page_without_targets_explains_the_option(client: httpx.Client) -> None:
    page = client.get("/webhooks")
    assert page.status_code == 200
    assert "--webhook URL" in page.text
    assert "No deliveries yet." in page.text


def test_secret_is_persisted_private_and_printed(start_server: Callable[..., DevServer]) -> None:
    first = start_server()
    assert first.context is not None
    secret = first.context.environment()["CLERK_WEBHOOK_SIGNING_SECRET"]
    assert secret.startswith("whsec_")
    path = first.config.data_dir / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first.stop()
    second = start_server()
    assert second.context is not None
    assert second.context.webhooks.secret == secret
    signature = Webhook(secret).sign("msg_1", datetime.now(tz=UTC), "{}")
    assert signature.startswith("v1,")


@pytest.mark.parametrize(
    "url", ["ftp://localhost/hook", "javascript:alert(1)", "localhost:8000/hook", "http://",
            "http://user:pw@localhost/hook", "file:///etc/passwd"],
)  # fmt: skip
def test_webhook_option_refuses_non_http_urls(url: str) -> None:
    with pytest.raises(DevConfigError, match="--webhook"):
        DevConfig(webhooks=(url,))


def test_webhook_option_is_repeatable() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(
        ["--webhook", "http://localhost:8000/a", "--webhook", "https://127.0.0.1:9/b"]
    )
    assert config_from_args(args).webhooks == ("http://localhost:8000/a", "https://127.0.0.1:9/b")
    assert config_from_args(parser.parse_args([])).webhooks == ()
    assert json.dumps(list(config_from_args(args).webhooks))
