"""``ASGIHeaders`` (Starlette/FastAPI ``RequestInfo.headers``) equals a full decode of the
scope's raw header pairs (SPEC §2: lower-case names, repeats joined; cookies with "; ")."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from authguard.integrations._common import ASGIHeaders, header_map


def decoded(raw: list[tuple[bytes, bytes]]) -> tuple[dict[str, str], str]:
    """What the adapter built before the lazy view: every pair decoded, then joined."""
    pairs = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw]
    return header_map(pairs)


NAMES = st.sampled_from(
    [
        b"authorization",
        b"Authorization",
        b"COOKIE",
        b"cookie",
        b"accept",
        b"Accept",
        b"origin",
        b"referer",
        b"sec-fetch-dest",
        b"Sec-Fetch-Dest",
        b"access-control-request-method",
        b"host",
        b"x-y",
        b"\xc0uthorization",  # not ASCII: must never match "authorization"
        b"AUTHORIZATIO",
        b"\xb5",
    ]
)
VALUES = st.one_of(st.binary(max_size=6), st.sampled_from([b"Bearer x", b"a=b; c=d", b" sp "]))
RAW = st.lists(st.tuples(NAMES, VALUES), max_size=8)
LOOKUPS = [
    "authorization",
    "cookie",
    "accept",
    "origin",
    "referer",
    "sec-fetch-dest",
    "access-control-request-method",
    "Authorization",
    "host",
    "x-y",
    "\xe0uthorization",
    "\xb5",
    "",
    "nope",
]


@settings(max_examples=300, deadline=None)
@given(raw=RAW, iterate_first=st.booleans())
def test_view_equals_the_full_decode(raw: list[tuple[bytes, bytes]], iterate_first: bool) -> None:
    expected, cookie_header = decoded(raw)
    view = ASGIHeaders(raw)
    if iterate_first:  # the full map, once built, must agree with the scanning lookups
        assert dict(view) == expected
    for name in LOOKUPS:
        assert view.get(name) == expected.get(name), name
        assert (name in view) == (name in expected), name
    assert dict(view) == expected
    assert len(view) == len(expected)
    assert (view.get("cookie") or "") == cookie_header


def test_later_changes_to_the_scope_list_do_not_show() -> None:
    raw = [(b"authorization", b"Bearer a")]
    view = ASGIHeaders(raw)
    raw.append((b"authorization", b"Bearer b"))
    assert view.get("authorization") == "Bearer a"
