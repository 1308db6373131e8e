"""verify_webhook (SPEC §9): which deliveries pass, which fail, and how secrets are read."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

import pytest

from authguard.exceptions import ConfigurationError, WebhookVerificationError
from authguard.webhooks import verify_webhook

NOW = 1_700_000_000
KEY = bytes(range(24))
SECRET = "whsec_" + base64.b64encode(KEY).decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"another signing key 1234").decode()
MSG_ID = "msg_2ZqSecretLookingId"
BODY = b'{"type":"user.created","object":"event","data":{"id":"user_1"},"instance_id":"ins_1"}'
FAMILIES = {"svix": ("svix-id", "svix-timestamp", "svix-signature")}
FAMILIES["webhook"] = ("webhook-id", "webhook-timestamp", "webhook-signature")


def mac(body: bytes, msg_id: str = MSG_ID, ts: str = str(NOW), secret: str = SECRET) -> str:
    """Our own signer: base64(HMAC-SHA256(key, "{id}.{ts}." + body))."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed(
    body: bytes = BODY, *, msg_id: str = MSG_ID, ts: str = str(NOW), family: str = "svix"
) -> dict[str, str]:
    id_name, ts_name, sig_name = FAMILIES[family]
    return {id_name: msg_id, ts_name: ts, sig_name: "v1," + mac(body, msg_id, ts)}


def verify(body: bytes | str = BODY, headers: Any = None, **kw: Any) -> Any:
    kw.setdefault("secret", SECRET)
    kw.setdefault("now", NOW)
    return verify_webhook(body, signed() if headers is None else headers, **kw)


class TitleCaseHeaders(Mapping[str, str]):
    """Like a framework header object: case-insensitive lookups, original-case keys."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = {k.title(): v for k, v in values.items()}

    def __getitem__(self, key: str) -> str:
        return self._values[key.title()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


# -- accepted deliveries ---------------------------------------------------------------

ACCEPTED: dict[str, Callable[[], tuple[Any, Any, dict[str, Any]]]] = {
    "svix headers": lambda: (BODY, signed(), {}),
    "webhook-* headers alone": lambda: (BODY, signed(family="webhook"), {}),
    "upper-case names": lambda: (BODY, {k.upper(): v for k, v in signed().items()}, {}),
    "case-insensitive mapping": lambda: (BODY, TitleCaseHeaders(signed()), {}),
    "list of pairs": lambda: (BODY, list(signed().items()), {}),
    "ASGI byte pairs": lambda: (BODY, [(k.encode(), v.encode()) for k, v in signed().items()], {}),
    "identical duplicate header": lambda: (BODY, [*signed().items(), ("svix-id", MSG_ID)], {}),
    "str payload": lambda: (BODY.decode(), signed(), {}),
    "bytearray payload": lambda: (bytearray(BODY), signed(), {}),
    "several entries, one valid": lambda: (BODY, with_sig(f"v1,{mac(b'x')} v1,{mac(BODY)}"), {}),
    "v2 then v1": lambda: (BODY, with_sig(f"v2,{mac(BODY)} v1,{mac(BODY)}"), {}),
    "junk entries around v1": lambda: (BODY, with_sig(f" v1 ,,x v1,!! v1,{mac(BODY)}  "), {}),
    "rotation: second secret": lambda: (BODY, signed(), {"secret": [OTHER_SECRET, SECRET]}),
    "bare base64 secret": lambda: (BODY, signed(), {"secret": SECRET.removeprefix("whsec_")}),
    "unpadded secret": lambda: (BODY, signed(), {"secret": SECRET.rstrip("=") + " "}),
    "exactly tolerance old": lambda: (BODY, signed(ts=str(NOW - 300)), {}),
    "exactly tolerance ahead": lambda: (BODY, signed(ts=str(NOW + 300)), {}),
    "custom tolerance": lambda: (BODY, signed(ts=str(NOW - 900)), {"tolerance": 1000}),
    "unrelated headers ignored": lambda: (BODY, {**signed(), "content-type": "x", "X": ""}, {}),
}


def with_sig(value: str) -> dict[str, str]:
    return {**signed(), "svix-signature": value}


@pytest.mark.parametrize("case", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepts(case: Callable[[], tuple[Any, Any, dict[str, Any]]]) -> None:
    body, headers, kw = case()
    event = verify(body, headers, **kw)
    expected = (MSG_ID, "user.created", int(signed_ts(headers)), BODY)
    assert (event.id, event.type, event.timestamp, event.raw) == expected


def signed_ts(headers: Any) -> str:
    pairs = headers.items() if hasattr(headers, "items") else headers
    for name, value in pairs:
        name = name.decode() if isinstance(name, bytes) else name
        if name.lower().endswith("-timestamp"):
            return value.decode() if isinstance(value, bytes) else str(value)
    raise AssertionError("no timestamp header")


# -- rejected deliveries ---------------------------------------------------------------


def without(name: str, family: str = "svix") -> dict[str, str]:
    headers = signed(family=family)
    del headers[name]
    return headers


def missing(name: str, family: str) -> tuple[bytes, dict[str, str]]:
    return BODY, without(name, family)


def reserialised() -> bytes:
    return json.dumps(json.loads(BODY), indent=1).encode()


REJECTED: dict[str, tuple[Callable[[], tuple[Any, Any]], str]] = {
    **{
        f"missing {name}": (partial(missing, name, fam), f"missing .*{name}")
        for fam, names in FAMILIES.items()
        for name in names
    },
    "no headers at all": (lambda: (BODY, {}), "missing .*svix-id, svix-timestamp, svix-signature"),
    "empty id": (lambda: (BODY, {**signed(), "svix-id": ""}), "missing .*svix-id"),
    "families mixed": (lambda: (BODY, {**signed(), "webhook-id": MSG_ID}), "mixed"),
    "families mixed, each partial": (
        lambda: (BODY, {"svix-id": MSG_ID, "webhook-timestamp": "1", "svix-signature": "v1,x"}),
        "mixed",
    ),
    "10 minutes old": (lambda: (BODY, signed(ts=str(NOW - 600))), "too old"),
    "10 minutes ahead": (lambda: (BODY, signed(ts=str(NOW + 600))), "too new"),
    "one second past tolerance": (lambda: (BODY, signed(ts=str(NOW - 301))), "too old"),
    "tampered body": (lambda: (BODY.replace(b"user_1", b"user_2"), signed()), "signature"),
    "re-serialised body": (lambda: (reserialised(), signed()), "signature"),
    "wrong id": (lambda: (BODY, {**signed(), "svix-id": "msg_other"}), "signature"),
    "other secret": (lambda: (BODY, with_sig("v1," + mac(BODY, secret=OTHER_SECRET))), "signature"),
    "v2 entry only": (lambda: (BODY, with_sig("v2," + mac(BODY))), "signature"),
    "untagged entry": (lambda: (BODY, with_sig(mac(BODY))), "signature"),
    "malformed entries": (lambda: (BODY, with_sig("v1 v1, ,v1 v1;" + mac(BODY))), "signature"),
    "V1 upper-case tag": (lambda: (BODY, with_sig("V1," + mac(BODY))), "signature"),
    "truncated MAC": (lambda: (BODY, with_sig("v1," + mac(BODY)[:-4])), "signature"),
    "unpadded MAC": (lambda: (BODY, with_sig("v1," + mac(BODY).rstrip("="))), "signature"),
    "MAC with suffix": (lambda: (BODY, with_sig("v1," + mac(BODY) + "AA")), "signature"),
    "conflicting duplicate id": (
        lambda: (BODY, [*signed().items(), ("Svix-Id", "msg_other")]),
        "conflicting svix-id",
    ),
    "headers as a string": (lambda: (BODY, "svix-id: x"), "headers must be"),
    "headers None": (lambda: (BODY, None), "headers must be"),
    "headers with non-pairs": (lambda: (BODY, [("svix-id",)]), "headers must be"),
    "headers with int values": (lambda: (BODY, {"svix-id": 1}), "headers must be"),
    "parsed JSON as payload": (lambda: (json.loads(BODY), signed()), "raw request body"),
    "lone surrogate payload": (lambda: ("\udc80", signed()), "not valid text"),
}


@pytest.mark.parametrize(("case", "match"), REJECTED.values(), ids=REJECTED.keys())
def test_rejects(case: Callable[[], tuple[Any, Any]], match: str) -> None:
    body, headers = case()
    with pytest.raises(WebhookVerificationError, match=match) as err:
        verify_webhook(body, headers, SECRET, now=NOW)
    assert MSG_ID not in str(err.value)
    assert mac(BODY) not in str(err.value)


BAD_TIMESTAMPS = ["1.5", "abc", "+123", " 123", "123 ", "1e9", "-5", "0x10", "1_000", "9" * 40]
BAD_TIMESTAMPS += ["\u0661\u0662\u0663", f"{NOW}\n", f"{NOW}.0"]


@pytest.mark.parametrize("ts", BAD_TIMESTAMPS)
def test_rejects_non_integer_timestamps_even_when_signed(ts: str) -> None:
    with pytest.raises(WebhookVerificationError, match="invalid timestamp") as err:
        verify(BODY, signed(ts=ts))
    assert ts not in str(err.value)


def test_rejects_empty_timestamp_as_missing() -> None:
    with pytest.raises(WebhookVerificationError, match=r"missing .*svix-timestamp"):
        verify(BODY, signed(ts=""))


BAD_BODIES = {
    "not JSON": (b"hello", "not valid JSON"),
    "array": (b"[1, 2]", "not a JSON object"),
    "string": (b'"user.created"', "not a JSON object"),
    "null": (b"null", "not a JSON object"),
    "NaN constant": (b'{"a": NaN}', "not valid JSON"),
    "invalid UTF-8": (b'{"a": "\xff"}', "not valid JSON"),
    "UTF-8 BOM": (b'\xef\xbb\xbf{"a": 1}', "not valid JSON"),
    "deep nesting": (b"[" * 200_000 + b"]" * 200_000, "not valid JSON"),
    "empty": (b"", "not valid JSON"),
}


@pytest.mark.parametrize(("body", "match"), BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_rejects_bad_bodies_after_a_valid_signature(body: bytes, match: str) -> None:
    with pytest.raises(WebhookVerificationError, match=match):
        verify(body, signed(body))


# -- secrets ---------------------------------------------------------------------------

BAD_SECRETS: dict[str, Any] = {
    "empty string": "",
    "prefix only": "whsec_",
    "blank": "   ",
    "empty list": [],
    "not base64": "whsec_not*base64!",
    "impossible length": "whsec_abcde",
    "decodes to nothing": "whsec_====",
    "valid then empty": [SECRET, ""],
    "non-string entry": [b"raw key"],
    "bytes": SECRET.encode(),
    "a number": 42,
}


@pytest.mark.parametrize("secret", BAD_SECRETS.values(), ids=BAD_SECRETS.keys())
def test_unusable_secret_is_a_configuration_error(secret: Any) -> None:
    with pytest.raises(ConfigurationError) as err:
        verify(BODY, signed(), secret=secret)
    assert err.value.setting == "webhook_secret"


def test_configuration_error_comes_before_looking_at_the_request() -> None:
    with pytest.raises(ConfigurationError):
        verify_webhook(b"", {}, "", now=NOW)


def test_negative_tolerance_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as err:
        verify(tolerance=-1)
    assert err.value.setting == "tolerance"


ENV_SECRETS = {
    "one": (SECRET, True),
    "rotation, spaces": (f"{OTHER_SECRET} {SECRET}", True),
    "rotation, commas": (f"{OTHER_SECRET},{SECRET}", True),
    "only another": (OTHER_SECRET, False),
}


@pytest.mark.parametrize(("value", "ok"), ENV_SECRETS.values(), ids=ENV_SECRETS.keys())
def test_secret_none_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, ok: bool
) -> None:
    monkeypatch.setenv("CLERK_WEBHOOK_SIGNING_SECRET", value)
    if ok:
        assert verify(secret=None).id == MSG_ID
    else:
        with pytest.raises(WebhookVerificationError):
            verify(secret=None)


@pytest.mark.parametrize("value", [None, "", "  "])
def test_no_secret_in_the_environment(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("CLERK_WEBHOOK_SIGNING_SECRET", raising=False)
    else:
        monkeypatch.setenv("CLERK_WEBHOOK_SIGNING_SECRET", value)
    with pytest.raises(ConfigurationError, match="CLERK_WEBHOOK_SIGNING_SECRET") as err:
        verify(secret=None)
    assert err.value.setting == "webhook_secret"


def test_uses_the_real_clock_when_now_is_not_given() -> None:
    # NOW is years in the past, so only a real-clock check rejects it.
    with pytest.raises(WebhookVerificationError, match="too old"):
        verify_webhook(BODY, signed(), SECRET)
