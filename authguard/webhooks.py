"""Webhook verification (SPEC §9): Standard Webhooks / Svix signatures, as Clerk sends them.

The body is verified as the exact bytes received and parsed as JSON only afterwards.
Error messages name headers, never their values; nothing here logs payloads or secrets.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from authguard.exceptions import ConfigurationError, WebhookVerificationError
from authguard.settings import Settings
from authguard.webhook_events import (
    InvitationData,
    MembershipData,
    OrganizationData,
    SessionData,
    UserData,
    require_kind,
)

__all__ = ["WebhookEvent", "verify_webhook"]

HeadersLike = Mapping[str, str] | Iterable[tuple[str, str]]

_SVIX = ("svix-id", "svix-timestamp", "svix-signature")
_STANDARD = ("webhook-id", "webhook-timestamp", "webhook-signature")
_WANTED = frozenset(_SVIX + _STANDARD)
_SECRET_PREFIX = "whsec_"
# Ten digits today; twelve leaves room without letting a huge number reach int().
_TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True)
class WebhookEvent:
    """A verified webhook delivery.

    ``id`` is the message id header (use it as the idempotency key: Svix retries re-send
    it), ``timestamp`` the signed header's seconds. ``type``/``object``/``instance_id``
    come from the payload (``""``/``None`` when absent) and ``data`` is the payload's
    ``data`` object (``{}`` when absent). The typed views (``user``, ``session``,
    ``organization``, ``membership``, ``invitation``) raise ``ValueError`` when the event
    is not of their kind. Payload fields are kept out of ``repr`` so logging an event does
    not log personal data.
    """

    id: str
    type: str
    object: str
    data: dict[str, Any] = field(repr=False, hash=False)
    timestamp: int
    instance_id: str | None
    payload: dict[str, Any] = field(repr=False, hash=False)
    raw: bytes = field(repr=False)

    @property
    def user(self) -> UserData:
        """The user of a ``user.*`` event."""
        require_kind(self.type, "user", "user")
        return UserData.from_data(self.data)

    @property
    def session(self) -> SessionData:
        """The session of a ``session.*`` event."""
        require_kind(self.type, "session", "session")
        return SessionData.from_data(self.data)

    @property
    def organization(self) -> OrganizationData:
        """The organization of an ``organization.*`` event."""
        require_kind(self.type, "organization", "organization")
        return OrganizationData.from_data(self.data)

    @property
    def membership(self) -> MembershipData:
        """The membership of an ``organizationMembership.*`` event."""
        require_kind(self.type, "organizationMembership", "membership")
        return MembershipData.from_data(self.data)

    @property
    def invitation(self) -> InvitationData:
        """The invitation of an ``organizationInvitation.*`` event."""
        require_kind(self.type, "organizationInvitation", "invitation")
        return InvitationData.from_data(self.data)


def verify_webhook(
    payload: bytes | str,
    headers: HeadersLike,
    secret: str | Sequence[str] | None = None,
    *,
    tolerance: int = 300,
    now: float | None = None,
) -> WebhookEvent:
    """Verify a Clerk (Svix / Standard Webhooks) delivery and return the parsed event.

    ``secret`` is one ``whsec_`` secret or several (any one verifies, for rotation);
    ``None`` reads ``CLERK_WEBHOOK_SIGNING_SECRET``. Raises ``ConfigurationError`` when no
    usable secret is configured and ``WebhookVerificationError`` for a bad delivery.
    """
    keys = _resolve_keys(secret)
    if tolerance < 0:
        raise ConfigurationError("tolerance must be 0 or more seconds", setting="tolerance")
    body = _body_bytes(payload)
    msg_id, timestamp, signature = _pick_headers(_normalise_headers(headers))
    seconds = _check_timestamp(timestamp, time.time() if now is None else now, tolerance)
    if not _signature_matches(keys, _signed_content(msg_id, timestamp, body), signature):
        raise WebhookVerificationError("no matching signature found")
    parsed = _parse_body(body)
    data = parsed.get("data")
    return WebhookEvent(
        id=msg_id,
        type=_text(parsed.get("type")) or "",
        object=_text(parsed.get("object")) or "",
        data=data if isinstance(data, dict) else {},
        timestamp=seconds,
        instance_id=_text(parsed.get("instance_id")),
        payload=parsed,
        raw=body,
    )


# -- secrets ---------------------------------------------------------------------------


def _resolve_keys(secret: str | Sequence[str] | None) -> list[bytes]:
    if secret is None:
        secret = Settings.from_env().webhook_secret
    if isinstance(secret, str):
        secrets: list[object] = [secret]
    elif isinstance(secret, Iterable):
        secrets = list(secret)
    else:
        raise ConfigurationError(
            "webhook_secret must be a string or strings", setting="webhook_secret"
        )
    if not secrets:
        raise ConfigurationError(
            "no webhook signing secret: pass secret= or set CLERK_WEBHOOK_SIGNING_SECRET "
            "(the whsec_... value from the Clerk dashboard)",
            setting="webhook_secret",
        )
    return [_decode_secret(s) for s in secrets]


def _decode_secret(secret: object) -> bytes:
    if not isinstance(secret, str):
        raise ConfigurationError("webhook_secret entries must be strings", setting="webhook_secret")
    text = secret.strip()
    text = text[len(_SECRET_PREFIX) :] if text.startswith(_SECRET_PREFIX) else text
    try:
        key = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConfigurationError(
            "webhook_secret is not a valid signing secret (expected whsec_<base64>)",
            setting="webhook_secret",
        ) from exc
    if not key:
        raise ConfigurationError("webhook_secret is empty", setting="webhook_secret")
    return key


# -- request parts ---------------------------------------------------------------------


def _body_bytes(payload: object) -> bytes:
    if isinstance(payload, (bytes, bytearray, memoryview)):
        return bytes(payload)
    if isinstance(payload, str):
        try:
            return payload.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise WebhookVerificationError("payload is not valid text") from exc
    raise WebhookVerificationError(
        f"payload must be the raw request body (bytes or str), not {type(payload).__name__}"
    )


def _normalise_headers(headers: object) -> dict[str, str]:
    """Lower-cased names of the six headers we read; conflicting duplicates are refused."""
    found: dict[str, str] = {}
    try:
        for name, value in _header_items(headers):
            key, text = _header_text(name).lower(), _header_text(value)
            if key in _WANTED and found.setdefault(key, text) != text:
                raise WebhookVerificationError(f"conflicting {key} headers")
    except (TypeError, ValueError, UnicodeError) as exc:
        raise WebhookVerificationError("headers must be a mapping or (name, value) pairs") from exc
    return found


def _header_items(headers: object) -> Iterable[Any]:
    # Framework header objects (Starlette, Django, Werkzeug) all offer items().
    items = getattr(headers, "items", None)
    if callable(items):
        return items()  # type: ignore[no-any-return]
    if isinstance(headers, Iterable) and not isinstance(headers, (str, bytes)):
        return headers
    raise TypeError("headers must be a mapping or (name, value) pairs")


def _header_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        # ASGI hands raw header bytes; HTTP header octets map 1:1 onto latin-1.
        return bytes(value).decode("latin-1")
    raise TypeError("header names and values must be strings")


def _pick_headers(found: Mapping[str, str]) -> tuple[str, str, str]:
    has_svix = any(n in found for n in _SVIX)
    has_standard = any(n in found for n in _STANDARD)
    if has_svix and has_standard:
        raise WebhookVerificationError("svix-* and webhook-* headers must not be mixed")
    names = _STANDARD if has_standard else _SVIX
    missing = [n for n in names if not found.get(n)]
    if missing:
        raise WebhookVerificationError("missing required header(s): " + ", ".join(missing))
    msg_id, timestamp, signature = (found[n] for n in names)
    return msg_id, timestamp, signature


def _check_timestamp(value: str, now: float, tolerance: int) -> int:
    if not _TIMESTAMP_RE.fullmatch(value):
        raise WebhookVerificationError("invalid timestamp header: expected integer seconds")
    seconds = int(value)
    if seconds < now - tolerance:
        raise WebhookVerificationError("message timestamp too old")
    if seconds > now + tolerance:
        raise WebhookVerificationError("message timestamp too new")
    return seconds


# -- signature and body ----------------------------------------------------------------


def _signed_content(msg_id: str, timestamp: str, body: bytes) -> bytes:
    try:
        return f"{msg_id}.{timestamp}.".encode() + body
    except UnicodeEncodeError as exc:
        raise WebhookVerificationError("invalid id header") from exc


def _signature_matches(keys: Sequence[bytes], content: bytes, header: str) -> bool:
    expected = [base64.b64encode(hmac.new(k, content, hashlib.sha256).digest()) for k in keys]
    for entry in header.split(" "):
        version, comma, mac = entry.partition(",")
        if version != "v1" or not comma or not mac.isascii():
            continue
        candidate = mac.encode("ascii")
        if any(hmac.compare_digest(candidate, e) for e in expected):
            return True
    return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse_body(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise WebhookVerificationError("body is not valid JSON") from exc
    if not isinstance(parsed, dict):
        raise WebhookVerificationError("body is not a JSON object")
    return parsed


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
