"""verify_webhook against the reference signers (svix, standardwebhooks), plus properties."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
import standardwebhooks
from hypothesis import given, settings
from hypothesis import strategies as st
from svix.webhooks import Webhook as SvixWebhook
from svix.webhooks import WebhookVerificationError as SvixError

from authguard.exceptions import WebhookVerificationError
from authguard.webhooks import verify_webhook

NOW = 1_700_000_000
SECRETS = {
    "24-byte key": "whsec_" + base64.b64encode(bytes(range(24))).decode(),
    "32-byte key": "whsec_" + base64.b64encode(hashlib.sha256(b"k").digest()).decode(),
}
BODIES = {
    "compact": '{"type":"user.created","data":{"id":"user_1"}}',
    "spaced, multi-line": '{\n  "type": "session.ended",\n  "data": {"id": "sess_1"}\n}\n',
    "non-ASCII": '{"type":"user.updated","data":{"first_name":"Zoë 👩‍💻 李"}}',
}
CASES = [(s, b) for s in SECRETS.values() for b in BODIES.values()]
CASE_IDS = [f"{s}/{b}" for s in SECRETS for b in BODIES]


def our_headers(secret: str, body: str, msg_id: str, ts: int, prefix: str) -> dict[str, str]:
    """Our own signer, independent of the libraries under comparison."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{ts}.{body}".encode(), hashlib.sha256).digest()
    sig = "v1," + base64.b64encode(digest).decode()
    return {f"{prefix}-id": msg_id, f"{prefix}-timestamp": str(ts), f"{prefix}-signature": sig}


@pytest.mark.parametrize(("secret", "body"), CASES, ids=CASE_IDS)
def test_svix_signed_verifies_with_ours(secret: str, body: str) -> None:
    sig = SvixWebhook(secret).sign("msg_svix", datetime.fromtimestamp(NOW, tz=UTC), body)
    headers = {"svix-id": "msg_svix", "svix-timestamp": str(NOW), "svix-signature": sig}
    event = verify_webhook(body.encode(), headers, secret, now=NOW)
    assert (event.id, event.payload) == ("msg_svix", json.loads(body))


@pytest.mark.parametrize(("secret", "body"), CASES, ids=CASE_IDS)
def test_standardwebhooks_signed_verifies_with_ours(secret: str, body: str) -> None:
    signer = standardwebhooks.Webhook(secret)
    sig = signer.sign("msg_std", datetime.fromtimestamp(NOW, tz=UTC), body)
    headers = {"webhook-id": "msg_std", "webhook-timestamp": str(NOW), "webhook-signature": sig}
    event = verify_webhook(body, headers, secret, now=NOW)
    assert (event.id, event.type) == ("msg_std", json.loads(body)["type"])


@pytest.mark.parametrize(("secret", "body"), CASES, ids=CASE_IDS)
@pytest.mark.parametrize("prefix", ["svix", "webhook"])
def test_ours_verifies_with_svix_and_standardwebhooks(secret: str, body: str, prefix: str) -> None:
    # Their verify() reads the real clock, so sign with it.
    now = int(time.time())
    headers = our_headers(secret, body, "msg_ours", now, prefix)
    assert verify_webhook(body.encode(), headers, secret, now=now).id == "msg_ours"
    SvixWebhook(secret).verify(body.encode(), headers)  # raises when it disagrees
    if prefix == "webhook":
        assert standardwebhooks.Webhook(secret).verify(body, headers) == json.loads(body)


def _tamper_body(h: dict[str, str], body: str) -> tuple[dict[str, str], str]:
    return h, body.replace("user_1", "user_2")


def _swap_id(h: dict[str, str], body: str) -> tuple[dict[str, str], str]:
    return {**h, "svix-id": "msg_other"}, body


def _other_secret(h: dict[str, str], body: str) -> tuple[dict[str, str], str]:
    other = our_headers(
        SECRETS["32-byte key"], body, h["svix-id"], int(h["svix-timestamp"]), "svix"
    )
    return other, body


def _v2_only(h: dict[str, str], body: str) -> tuple[dict[str, str], str]:
    return {**h, "svix-signature": h["svix-signature"].replace("v1,", "v2,")}, body


MUTATIONS = {"tampered body": _tamper_body, "other id": _swap_id, "other key": _other_secret}
MUTATIONS["v2 only"] = _v2_only


@pytest.mark.parametrize("mutate", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_ours_and_svix_agree_on_rejections(mutate: Any) -> None:
    secret, now = SECRETS["24-byte key"], int(time.time())
    headers, body = mutate(
        our_headers(secret, BODIES["compact"], "msg_1", now, "svix"), BODIES["compact"]
    )
    with pytest.raises(SvixError):
        SvixWebhook(secret).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        verify_webhook(body, headers, secret, now=now)


# -- properties ------------------------------------------------------------------------

SECRET = SECRETS["24-byte key"]
NAMES = st.sampled_from(
    ("svix-id", "svix-timestamp", "svix-signature", "webhook-id", "webhook-timestamp")
) | st.sampled_from(("webhook-signature", "SVIX-ID", "Svix-Signature", "content-type"))
NAMES |= st.text(max_size=20)
VALUES = st.text(max_size=80) | st.sampled_from([str(NOW), "v1,", "v1,AAAA", "v2,x", "msg_1"])
HEADERS = st.dictionaries(NAMES, VALUES, max_size=7) | st.lists(
    st.tuples(NAMES | st.binary(max_size=10), VALUES | st.binary(max_size=40)), max_size=7
)


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=200) | st.text(max_size=200), headers=HEADERS)
def test_arbitrary_input_raises_only_verification_errors(body: Any, headers: Any) -> None:
    # Any other exception escapes pytest.raises and fails the test; a forged MAC would too.
    with pytest.raises(WebhookVerificationError):
        verify_webhook(body, headers, SECRET, now=NOW)


SCALARS = st.integers() | st.text(max_size=5)
SMALL_OBJECTS = st.dictionaries(st.text(max_size=5), SCALARS, max_size=3).map(
    lambda d: json.dumps(d, ensure_ascii=False).encode()
)


def _no_constants(name: str) -> Any:
    raise ValueError(name)


def _json_object(body: bytes) -> dict[str, Any] | None:
    """What a strict reader makes of a body: a JSON object, or None (NaN/Infinity refused)."""
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=_no_constants)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=300) | SMALL_OBJECTS, msg_id=st.text(min_size=1, max_size=30))
def test_any_signed_body_verifies_then_parses_or_fails_cleanly(body: bytes, msg_id: str) -> None:
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    try:
        content = f"{msg_id}.{NOW}.".encode() + body
    except UnicodeEncodeError:
        content = None
    digest = hmac.new(key, content or b"", hashlib.sha256).digest()
    headers = {"svix-id": msg_id, "svix-timestamp": str(NOW)}
    headers["svix-signature"] = "v1," + base64.b64encode(digest).decode()
    expected = _json_object(body)
    if content is None or expected is None:
        # A correct signature may fail only on its body, or on an id that cannot be encoded.
        with pytest.raises(WebhookVerificationError, match="JSON" if content else "id header"):
            verify_webhook(body, headers, SECRET, now=NOW)
    else:
        event = verify_webhook(body, headers, SECRET, now=NOW)
        assert (event.payload, event.raw, event.id) == (expected, body, msg_id)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=15,
)


@settings(max_examples=150, deadline=None)
@given(
    payload=st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=5),
    indent=st.none() | st.integers(0, 4),
    ascii_only=st.booleans(),
)
def test_svix_signed_json_round_trips(
    payload: dict[str, Any], indent: int | None, ascii_only: bool
) -> None:
    body = json.dumps(payload, indent=indent, ensure_ascii=ascii_only)
    sig = SvixWebhook(SECRET).sign("msg_p", datetime.fromtimestamp(NOW, tz=UTC), body)
    headers = {"svix-id": "msg_p", "svix-timestamp": str(NOW), "svix-signature": sig}
    assert verify_webhook(body.encode(), headers, SECRET, now=NOW).payload == payload
