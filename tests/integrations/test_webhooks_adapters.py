"""The webhook helpers of every adapter (SPEC §9): only verified deliveries reach the view.

Deliveries are signed with the ``svix`` library, so the adapters are checked against an
independent signer. Each refused delivery must be a 400 with the fixed body, and the view's
call counter proves it never ran.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.urls import path
from fastapi import Depends, FastAPI
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from svix.webhooks import Webhook

from authguard.exceptions import ConfigurationError
from authguard.fastapi import VerifiedWebhook, webhook_event
from authguard.flask import verified_webhook
from authguard.integrations.django.webhooks import webhook_view
from authguard.starlette import webhook_endpoint
from authguard.webhooks import WebhookEvent

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "django"))
from djt_support import ensure_django  # type: ignore[import-not-found]  # Django test settings

ensure_django()

SECRET = "whsec_" + base64.b64encode(b"adapter-tests-signing-key!").decode()
OLD_SECRET = "whsec_" + base64.b64encode(b"the-previous-signing-key!!").decode()
BODY = b'{"type": "user.created", "object": "event", "data": {"id": "user_1"}}'
INVALID = {"error": "invalid_webhook", "message": "webhook verification failed"}

Post = Callable[[bytes, dict[str, str]], tuple[int, Any]]


def sign(body: bytes = BODY, secret: str = SECRET, msg_id: str = "msg_1") -> dict[str, str]:
    now = datetime.now(tz=UTC)
    signature = Webhook(secret).sign(msg_id, now, body.decode())
    return {"svix-id": msg_id, "svix-timestamp": str(int(now.timestamp())),
            "svix-signature": signature, "content-type": "application/json"}  # fmt: skip


def _echo(event: WebhookEvent) -> dict[str, str]:
    return {"id": event.id, "type": event.type, "user": event.user.id or ""}


# -- one "post" per adapter: build the app, return (post, calls) ---------------------------


def starlette_app(secret: Any, calls: list[WebhookEvent]) -> Post:
    @webhook_endpoint(secret=secret)
    async def hook(request: Request, event: WebhookEvent) -> Response:
        calls.append(event)
        return JSONResponse(_echo(event))

    return _asgi_post(Starlette(routes=[Route("/hook", hook, methods=["POST"])]))


def fastapi_app(secret: Any, calls: list[WebhookEvent]) -> Post:
    app = FastAPI()

    @app.post("/hook")
    async def hook(event: WebhookEvent = Depends(webhook_event(secret=secret))) -> Any:
        calls.append(event)
        return _echo(event)

    return _asgi_post(app)


def _asgi_post(app: Any) -> Post:
    client = TestClient(app, raise_server_exceptions=False)

    def post(body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        response = client.post("/hook", content=body, headers=headers)
        return response.status_code, response.json()

    return post


def flask_app(secret: Any, calls: list[WebhookEvent], is_async: bool = False) -> Post:
    app = Flask(__name__)
    if is_async:

        @app.post("/hook")
        @verified_webhook(secret=secret)
        async def hook(event: WebhookEvent) -> Any:
            calls.append(event)
            return _echo(event)
    else:

        @app.post("/hook")
        @verified_webhook(secret=secret)
        def hook(event: WebhookEvent) -> Any:
            calls.append(event)
            return _echo(event)

    client = app.test_client()

    def post(body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        response = client.post("/hook", data=body, headers=headers)
        return response.status_code, response.get_json()

    return post


def flask_async_app(secret: Any, calls: list[WebhookEvent]) -> Post:
    return flask_app(secret, calls, is_async=True)


def _django_urls(secret: Any, calls: list[WebhookEvent]) -> ModuleType:
    from django.http import HttpRequest, JsonResponse

    @webhook_view(secret=secret)
    def hook(request: HttpRequest, event: WebhookEvent) -> JsonResponse:
        assert request.webhook_event is event  # type: ignore[attr-defined]
        calls.append(event)
        return JsonResponse(_echo(event))

    @webhook_view(secret=secret)
    async def ahook(request: HttpRequest, event: WebhookEvent) -> JsonResponse:
        calls.append(event)
        return JsonResponse(_echo(event))

    urls = ModuleType("webhook_test_urls")
    urls.urlpatterns = [path("hook", hook), path("ahook", ahook)]  # type: ignore[attr-defined]
    return urls


def django_post(secret: Any, calls: list[WebhookEvent], target: str = "/hook") -> Post:
    urls = _django_urls(secret, calls)

    def post(body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        with override_settings(
            ROOT_URLCONF=urls, MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"]
        ):
            client = Client(enforce_csrf_checks=True)
            response = client.post(target, body, content_type="application/json", headers=headers)
        return response.status_code, json.loads(response.content)

    return post


def django_async_post(secret: Any, calls: list[WebhookEvent]) -> Post:
    return django_post(secret, calls, "/ahook")


ADAPTERS = {
    "starlette": starlette_app,
    "fastapi": fastapi_app,
    "flask": flask_app,
    "flask-async": flask_async_app,
    "django": django_post,
    "django-async": django_async_post,
}


@pytest.fixture(params=sorted(ADAPTERS))
def adapter(request: pytest.FixtureRequest) -> Callable[..., Post]:
    return ADAPTERS[request.param]


# -- the cases ------------------------------------------------------------------------------


def _drop(name: str) -> Callable[[bytes, dict[str, str]], tuple[bytes, dict[str, str]]]:
    return lambda body, headers: (body, {k: v for k, v in headers.items() if k != name})


REFUSED: dict[str, Callable[[bytes, dict[str, str]], tuple[bytes, dict[str, str]]]] = {
    "tampered body": lambda b, h: (b.replace(b"user_1", b"user_2"), h),
    "re-serialised body": lambda b, h: (
        json.dumps(json.loads(b), separators=(",", ":")).encode(),
        h,
    ),
    "missing svix-id": _drop("svix-id"),
    "missing svix-timestamp": _drop("svix-timestamp"),
    "missing svix-signature": _drop("svix-signature"),
    "bad signature": lambda b, h: (b, {**h, "svix-signature": "v1,AAAA" + "A" * 40}),
    "other id": lambda b, h: (b, {**h, "svix-id": "msg_2"}),
    "old timestamp": lambda b, h: (b, {**h, "svix-timestamp": str(int(h["svix-timestamp"]) - 600)}),
    "signed with another secret": lambda b, h: (b, sign(b, OLD_SECRET)),
}


def test_valid_delivery_reaches_the_view(adapter: Callable[..., Post]) -> None:
    calls: list[WebhookEvent] = []
    status, body = adapter(SECRET, calls)(BODY, sign())
    assert (status, body) == (200, {"id": "msg_1", "type": "user.created", "user": "user_1"})
    assert [event.raw for event in calls] == [BODY]


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_delivery_is_400_and_the_view_never_runs(
    adapter: Callable[..., Post], case: str
) -> None:
    calls: list[WebhookEvent] = []
    body, headers = REFUSED[case](BODY, sign())
    assert adapter(SECRET, calls)(body, headers) == (400, INVALID)
    assert calls == []


@pytest.mark.parametrize(
    ("secrets", "status"),
    [([OLD_SECRET, SECRET], 200), ([SECRET, OLD_SECRET], 200), ([OLD_SECRET], 400)],
)
def test_rotation_any_configured_secret_verifies(
    adapter: Callable[..., Post], secrets: list[str], status: int
) -> None:
    calls: list[WebhookEvent] = []
    assert adapter(secrets, calls)(BODY, sign())[0] == status
    assert len(calls) == (1 if status == 200 else 0)


@pytest.mark.parametrize("bad", ["", [], "whsec_***", ["whsec_"]])
def test_unusable_explicit_secret_raises_when_the_endpoint_is_declared(
    adapter: Callable[..., Post], bad: Any
) -> None:
    with pytest.raises(ConfigurationError):
        adapter(bad, [])


@pytest.mark.parametrize(("env", "status"), [(None, 400), (SECRET, 200)])
def test_secret_from_the_environment_at_request_time(
    adapter: Callable[..., Post], env: str | None, status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    if env is None:
        monkeypatch.delenv("CLERK_WEBHOOK_SIGNING_SECRET", raising=False)
    else:
        monkeypatch.setenv("CLERK_WEBHOOK_SIGNING_SECRET", env)
    calls: list[WebhookEvent] = []
    assert adapter(None, calls)(BODY, sign())[0] == status
    assert len(calls) == (1 if status == 200 else 0)


def test_fastapi_annotated_alias_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERK_WEBHOOK_SIGNING_SECRET", SECRET)
    app = FastAPI()

    @app.post("/hook")
    async def hook(event: VerifiedWebhook) -> Any:
        return _echo(event)

    post = _asgi_post(app)
    assert post(BODY, sign())[0] == 200
    assert post(BODY + b" ", sign()) == (400, INVALID)


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_django_answers_405_to_other_methods(method: str) -> None:
    calls: list[WebhookEvent] = []
    with override_settings(ROOT_URLCONF=_django_urls(SECRET, calls)):
        response = getattr(Client(), method)("/hook")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert calls == []


FUZZ_CALLS: list[WebhookEvent] = []
FUZZ_POST = starlette_app(SECRET, FUZZ_CALLS)
HEADER_NAMES = st.sampled_from(
    ["svix-id", "svix-timestamp", "svix-signature", "webhook-id", "webhook-signature", "x"]
)
HEADER_VALUES = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)


@settings(max_examples=60)
@given(
    headers=st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=5),
    body=st.binary(max_size=200),
)
def test_no_input_gives_a_5xx(headers: dict[str, str], body: bytes) -> None:
    status, payload = FUZZ_POST(body, {k: v.strip() for k, v in headers.items()})
    assert (status, payload) == (400, INVALID)
    assert FUZZ_CALLS == []
