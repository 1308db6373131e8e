"""Errors and retries (SPEC §13): only where repeating is safe, honouring Retry-After, bounded."""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from _backend_fakes import (
    SECRET,
    Recorder,
    Sleeps,
    async_api,
    clerk_error,
    ok,
    sync_api,
)

from authguard.backend import BackendAPI, BackendAPIError, RetryPolicy
from authguard.backend._retry import next_delay, retry_after
from authguard.exceptions import ConfigurationError

USER = {"id": "user_1"}
NOW = 1_700_000_000.0


def busy(retry_after_value: str | None = None) -> httpx.Response:
    headers = {"Retry-After": retry_after_value} if retry_after_value is not None else {}
    return httpx.Response(429, headers=headers, json={"errors": [{"code": "too_many_requests"}]})


GET_USER: Callable[[Any], Any] = lambda a: a.users.get("user_1")  # noqa: E731
CREATE_USER: Callable[[Any], Any] = lambda a: a.users.create(first_name="A")  # noqa: E731
UPDATE_USER: Callable[[Any], Any] = lambda a: a.users.update("user_1", first_name="A")  # noqa: E731
DELETE_USER: Callable[[Any], Any] = lambda a: a.users.delete("user_1")  # noqa: E731
CONNECT = httpx.ConnectError("refused")
READ = httpx.ReadError("reset")

# (id, call, replies, requests made, sleeps asked, final status or None for success)
RETRY_CASES = [
    ("429 Retry-After secs then ok", GET_USER, [busy("2"), ok(USER)], 2, [2.0], None),
    ("429 on POST is retried", CREATE_USER, [busy("1"), ok(USER)], 2, [1.0], None),
    ("429 without header backs off", GET_USER, [busy(), ok(USER)], 2, [0.25], None),
    ("503 on GET retried", GET_USER, [ok({}, 503), ok({}, 502), ok(USER)], 3, [0.25, 0.5], None),
    ("500 on DELETE retried", DELETE_USER, [ok({}, 500), ok({"deleted": True})], 2, [0.25], None),
    ("500 on POST not retried", CREATE_USER, [ok({}, 500), ok(USER)], 1, [], 500),
    ("502 on PATCH not retried", UPDATE_USER, [ok({}, 502), ok(USER)], 1, [], 502),
    ("GET bounded at 3 retries", GET_USER, [ok({}, 503)], 4, [0.25, 0.5, 1.0], 503),
    ("429 bounded too", CREATE_USER, [busy("1")], 4, [1.0, 1.0, 1.0], 429),
    ("Retry-After past the wait cap", GET_USER, [busy("60"), ok(USER)], 1, [], 429),
    ("404 never retried", GET_USER, [ok({}, 404), ok(USER)], 1, [], 404),
    ("read error on GET retried", GET_USER, [READ, ok(USER)], 2, [0.25], None),
    ("read error on POST not retried", CREATE_USER, [READ, ok(USER)], 1, [], 0),
    ("connect error on POST retried", CREATE_USER, [CONNECT, ok(USER)], 2, [0.25], None),
]


@pytest.mark.parametrize(
    ("call", "replies", "requests", "sleeps", "status"),
    [c[1:] for c in RETRY_CASES],
    ids=[c[0] for c in RETRY_CASES],
)
def test_sync_retries(call, replies, requests, sleeps, status) -> None:
    rec, slept = Recorder(replies), Sleeps()
    api = sync_api(rec, slept, clock=lambda: NOW)
    if status is None:
        assert call(api).id in ("user_1", None)
    else:
        with pytest.raises(BackendAPIError) as info:
            call(api)
        assert info.value.status == status
    assert len(rec.requests) == requests
    assert slept.calls == sleeps


@pytest.mark.parametrize(
    ("call", "replies", "requests", "sleeps", "status"),
    [c[1:] for c in RETRY_CASES],
    ids=[c[0] for c in RETRY_CASES],
)
async def test_async_retries(call, replies, requests, sleeps, status) -> None:
    rec, slept = Recorder(replies), Sleeps()
    api = async_api(rec, slept, clock=lambda: NOW)
    if status is None:
        assert (await call(api)).id in ("user_1", None)
    else:
        with pytest.raises(BackendAPIError) as info:
            await call(api)
        assert info.value.status == status
    assert len(rec.requests) == requests
    assert slept.calls == sleeps
    await api.aclose()


def test_retry_after_http_date() -> None:
    date = email.utils.formatdate(NOW + 7, usegmt=True)
    rec, slept = Recorder([busy(date), ok(USER)]), Sleeps()
    sync_api(rec, slept, clock=lambda: NOW).users.get("user_1")
    assert slept.calls == [7.0]


@pytest.mark.parametrize(
    ("header", "expected"),
    [("3", 3.0), ("0", 0.0), ("", None), ("soon", None), ("-1", None), ("1.5", None),
     (email.utils.formatdate(NOW - 30, usegmt=True), 0.0)],
)  # fmt: skip
def test_retry_after_parsing(header: str, expected: float | None) -> None:
    assert retry_after(httpx.Headers({"Retry-After": header}), NOW) == expected


def test_jitter_stays_within_the_exponential_bound() -> None:
    policy = RetryPolicy()
    for index in range(6):
        delay = next_delay(policy, index % 3, 0.0, None)
        assert delay is not None
        assert 0 <= delay <= policy.base_delay * 2 ** (index % 3)


# (id, reply, status, codes, message fragment)
ERROR_CASES = [
    ("404", clerk_error(404, "resource_not_found", "not found", "No user was found with id x"),
     404, ["resource_not_found"], "No user was found"),
    ("422", clerk_error(422, "form_param_format_invalid", "is invalid",
                        "email_address must be a valid email address"),
     422, ["form_param_format_invalid"], "must be a valid email"),
    ("html body", httpx.Response(502, text="<html>bad gateway</html>"), 502, [], "502"),
    ("errors not a list", httpx.Response(400, json={"errors": "nope"}), 400, [], "400"),
    ("bad success body", httpx.Response(200, text="not json"), 200, ["unexpected_response"],
     "unexpected"),
    ("success of wrong shape", ok([1, 2]), 200, ["unexpected_response"], "unexpected"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("reply", "status", "codes", "fragment"),
    [c[1:] for c in ERROR_CASES],
    ids=[c[0] for c in ERROR_CASES],
)
def test_errors(reply: httpx.Response, status: int, codes: list[str], fragment: str) -> None:
    rec = Recorder([reply])
    with pytest.raises(BackendAPIError) as info:
        sync_api(rec, retry=RetryPolicy(max_retries=0)).users.get("user_1")
    assert info.value.status == status
    assert info.value.codes == codes
    assert fragment in str(info.value)
    assert SECRET not in str(info.value)


def test_network_error_is_status_zero_without_secret() -> None:
    rec = Recorder([httpx.ConnectError(f"could not connect with {SECRET}")])
    with pytest.raises(BackendAPIError) as info:
        sync_api(rec).users.get("user_1")
    assert info.value.status == 0
    assert info.value.codes == ["network_error"]
    assert SECRET not in str(info.value)
    assert len(rec.requests) == 4


def test_secret_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    rec = Recorder([ok({}, 503), ok({"id": "user_1", "private_metadata": {"ssn": "123"}})])
    sync_api(rec).users.get("user_1")
    assert "retrying" in caplog.text
    assert SECRET not in caplog.text
    assert "ssn" not in caplog.text


@pytest.mark.parametrize("environ", [{}, {"CLERK_SECRET_KEY": ""}])
def test_missing_secret_key(monkeypatch: pytest.MonkeyPatch, environ: dict[str, str]) -> None:
    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigurationError) as info:
        BackendAPI()
    assert info.value.setting == "secret_key"


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERK_SECRET_KEY", SECRET)
    monkeypatch.setenv("CLERK_API_URL", "http://localhost:4000")
    with BackendAPI() as api:
        assert (api.settings.secret_key, api.settings.api_url) == (SECRET, "http://localhost:4000")
        assert str(api._transport._client.base_url) == "http://localhost:4000/v1/"
