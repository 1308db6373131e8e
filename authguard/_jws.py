"""The strict compact-JWS parser behind SPEC §3 step 1.

Everything malformed raises ``TokenVerificationError("token-invalid", ...)``; nothing else
escapes, whatever the input (including nesting deep enough to exhaust the recursion limit).
"""

from __future__ import annotations

import binascii
import json
import math
import re
from collections.abc import Callable
from typing import Any, Final, NoReturn

from authguard.exceptions import TokenVerificationError

_COMPACT: Final = re.compile(r"([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)")
_ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# A canonical encoding leaves the unused low bits of its last character zero: with 2 (resp. 3)
# characters in the final quantum the last one carries 4 (resp. 2) padding bits.
_CANONICAL_LAST: Final = {
    2: frozenset(c for i, c in enumerate(_ALPHABET) if i % 16 == 0),
    3: frozenset(c for i, c in enumerate(_ALPHABET) if i % 4 == 0),
}
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]")
_TO_STANDARD: Final = bytes.maketrans(b"-_", b"+/")
_PADDING: Final = (b"", b"", b"==", b"=")


class _Malformed(ValueError):
    """Internal: raised by the JSON hooks, turned into token-invalid."""


def _invalid(message: str) -> NoReturn:
    raise TokenVerificationError("token-invalid", message)


def b64url_decode(segment: str) -> bytes:
    """Decode one canonical, unpadded base64url segment (alphabet already checked)."""
    rest = len(segment) % 4
    if rest == 1 or (rest and segment[-1] not in _CANONICAL_LAST[rest]):
        _invalid("Invalid JWT form: a segment is not canonical base64url.")
    try:
        # What urlsafe_b64decode does, without its generic str/bytes coercions.
        data = segment.encode("ascii").translate(_TO_STANDARD)
        return binascii.a2b_base64(data + _PADDING[rest])
    except (binascii.Error, ValueError):
        _invalid("Invalid JWT form: a segment is not valid base64url.")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Malformed("duplicate member name")
    return result


def _constant(name: str) -> NoReturn:
    raise _Malformed(f"{name} is not JSON")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Malformed("number out of range")
    return value


# One decoder for every call: json.loads with hooks builds a new JSONDecoder (and C scanner)
# per call. decode() is what loads runs on a str, after loads' BOM check (kept below).
_DECODER: Final = json.JSONDecoder(
    object_pairs_hook=_object, parse_constant=_constant, parse_float=_float
)
# The decoder's own scanner (the C one when available); typeshed does not declare it.
_SCAN: Final[Callable[[str, int], tuple[Any, int]]] = _DECODER.scan_once  # type: ignore[attr-defined]


def _decode(text: str) -> Any:
    if text[:1] == "{":
        # decode() minus its whitespace skipping: nothing precedes the object, and it must
        # end the text (else decode() below re-parses only to raise, as it would anyway).
        try:
            value, end = _SCAN(text, 0)
        except StopIteration:
            raise _Malformed("not a JSON value") from None
        if end == len(text):
            return value
    elif text.startswith("\ufeff"):
        raise _Malformed("byte order mark")  # json.loads refuses it; decode() does not
    return _DECODER.decode(text)


def _json_object(data: bytes, part: str) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
        value = _decode(text)
        if _SURROGATE_ESCAPE.search(text):
            # Lone surrogates decode fine but break every later encoder; refuse them here.
            json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError, UnicodeError):
        _invalid(f"Invalid JWT form: the {part} is not a strict JSON object.")
    if not isinstance(value, dict):
        _invalid(f"Invalid JWT form: the {part} is not a JSON object.")
    return value


def split_token(
    token: object, max_bytes: int
) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """Return ``(header, payload, signing_input, signature)`` of a compact JWS."""
    if not isinstance(token, str) or len(token) > max_bytes:
        _invalid("Invalid JWT form: the token is too long or not a string.")
    match = _COMPACT.fullmatch(token)
    if match is None:
        _invalid("Invalid JWT form: a JWT consists of three base64url segments.")
    header_b64, payload_b64, signature_b64 = match.groups()
    header = _header(header_b64)
    payload = _json_object(b64url_decode(payload_b64), "payload")
    signature = b64url_decode(signature_b64)
    signing_input = token[: len(header_b64) + len(payload_b64) + 1].encode("ascii")
    return header, payload, signing_input, signature


def _header(segment: str) -> dict[str, Any]:
    """The decoded header segment, as a new dict. Every token an instance issues carries the
    same few headers (``alg``, ``kid``, ``typ``, ``cat``), so decoded ones are memoised (a
    bounded dict emptied when full; a flood of distinct headers only empties it). Failures are
    never memoised: they raise every time."""
    decoded = _HEADERS.get(segment)
    if decoded is None:
        decoded = _json_object(b64url_decode(segment), "header")
        if len(_HEADERS) >= _HEADERS_MAX:
            _HEADERS.clear()
        _HEADERS[segment] = decoded
    return dict(decoded)  # the memo's own dict is never handed out


_HEADERS: dict[str, dict[str, Any]] = {}
_HEADERS_MAX = 64
