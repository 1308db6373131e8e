"""The Backend API's HTTP layer: one described call in, a parsed result or BackendAPIError out.

A :class:`Call` says what to send and how to read the answer; :class:`SyncTransport` and
:class:`AsyncTransport` send it with the retry rules of :mod:`authguard.backend._retry`. Nothing
but :class:`~authguard.exceptions.BackendAPIError` leaves this module: transport failures become
status 0 with code ``network_error``. The secret key lives only in the client's default headers
and is never logged; request and response bodies are never logged either.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from authguard._http import USER_AGENT
from authguard.backend._retry import (
    RetryPolicy,
    next_delay,
    retry_after,
    retryable_failure,
    retryable_status,
)
from authguard.exceptions import BackendAPIError, ConfigurationError
from authguard.settings import Settings

logger = logging.getLogger("authguard.backend")

T = TypeVar("T")
MAX_BODY_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Call(Generic[T]):
    """One Backend API request: ``path`` is relative to ``{api_url}/{api_version}``."""

    method: str
    path: str
    parse: Callable[[Any], T]
    params: Mapping[str, Any] | None = None
    body: Any = None


@dataclass(frozen=True)
class Failure:
    """A transport-level failure; ``connected`` says whether the request may have been sent."""

    kind: str
    connected: bool


Outcome = tuple[int, Mapping[str, str], bytes] | Failure


def client_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments shared by the sync and async httpx clients."""
    if not settings.secret_key:
        raise ConfigurationError(
            "secret_key: the Backend API needs the instance's secret key; set CLERK_SECRET_KEY "
            "(or run `authguard dev` and export what it prints)",
            setting="secret_key",
        )
    base = f"{settings.api_url.rstrip('/')}/{settings.api_version.strip('/')}/"
    return {
        "base_url": base,
        "headers": {
            "Authorization": f"Bearer {settings.secret_key}",
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
        },
        "timeout": httpx.Timeout(settings.http_timeout),
        "follow_redirects": False,
    }


def query(params: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Query pairs without ``None`` values; sequences repeat the key, booleans are lower-case."""
    pairs: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item is None:
                continue
            pairs.append((key, str(item).lower() if isinstance(item, bool) else str(item)))
    return pairs


def failure_of(exc: Exception) -> Failure:
    not_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return Failure("timeout", connected=not not_sent)
    return Failure(type(exc).__name__, connected=not not_sent)


def decide(
    method: str,
    outcome: Outcome,
    attempt: int,
    waited: float,
    policy: RetryPolicy,
    now: float,
) -> float | None:
    """How long to wait before repeating ``outcome``'s request, or None to stop here."""
    if isinstance(outcome, Failure):
        if not retryable_failure(method, connected=outcome.connected):
            return None
        return next_delay(policy, attempt, waited, None)
    status, headers, _ = outcome
    if not retryable_status(method, status):
        return None
    return next_delay(policy, attempt, waited, retry_after(headers, now))


def finish(call: Call[T], outcome: Outcome) -> T:
    """The parsed result of the final outcome, or the BackendAPIError it amounts to."""
    if isinstance(outcome, Failure):
        message = f"the Backend API could not be reached ({outcome.kind})"
        raise BackendAPIError(0, [{"code": "network_error", "message": message}])
    status, _, body = outcome
    if not 200 <= status < 300:
        raise error_from_body(status, body)
    try:
        data = json.loads(body) if body else None
        return call.parse(data)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        message = f"unexpected response body ({type(exc).__name__})"
        raise BackendAPIError(
            status, [{"code": "unexpected_response", "message": message}]
        ) from None


def error_from_body(status: int, body: bytes) -> BackendAPIError:
    """Clerk's ``{"errors": [...]}``; anything else (HTML, empty, garbage) gives ``errors=[]``."""
    try:
        data = json.loads(body)
    except ValueError:
        return BackendAPIError(status, [])
    errors = data.get("errors") if isinstance(data, dict) else None
    if not isinstance(errors, list):
        return BackendAPIError(status, [])
    return BackendAPIError(status, [e for e in errors if isinstance(e, dict)])


def log_retry(call: Call[Any], outcome: Outcome, delay: float) -> None:
    what = outcome.kind if isinstance(outcome, Failure) else f"HTTP {outcome[0]}"
    resource = call.path.split("/", 1)[0]
    logger.info(
        "authguard: Backend API %s /%s got %s; retrying in %.2f s",
        call.method,
        resource,
        what,
        delay,
    )


def build(client: httpx.Client | httpx.AsyncClient, call: Call[Any]) -> httpx.Request:
    kwargs: dict[str, Any] = {"params": query(call.params)}
    if call.body is not None:
        kwargs["json"] = call.body
    return client.build_request(call.method, call.path, **kwargs)
