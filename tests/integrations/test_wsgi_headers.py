"""``WSGIHeaders`` (Django/Flask ``RequestInfo.headers``) equals the former full scans (SPEC §2)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import EnvironHeaders

from authguard.integrations._common import WSGIHeaders, header_map

_PLAIN = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}


def scanned(meta: dict[str, Any]) -> dict[str, str]:
    """Django's former copy of META: every header, names lower-case."""
    pairs = [
        (key[5:].replace("_", "-") if key[:5] == "HTTP_" else _PLAIN[key], value)
        for key, value in meta.items()
        if (key[:5] == "HTTP_" or (key in _PLAIN and value)) and isinstance(value, str)
    ]
    return header_map(pairs)[0]


NAMES = st.sampled_from(
    ["AUTHORIZATION", "COOKIE", "ORIGIN", "REFERER", "ACCEPT", "SEC_FETCH_DEST", "X_A_B", "TE"]
)
VALUES = st.one_of(st.text(max_size=8), st.just(""), st.binary(max_size=4), st.none())
SERVER_META = st.dictionaries(
    st.one_of(
        NAMES.map(lambda n: f"HTTP_{n}"),
        st.sampled_from(["CONTENT_TYPE", "CONTENT_LENGTH", "PATH_INFO", "wsgi.input"]),
    ),
    VALUES,
    max_size=10,
)
LOOKUPS = [
    "authorization",
    "Authorization",
    "AUTHORIZATION",
    "http-authorization",
    "cookie",
    "content-type",
    "content_type",
    "x-a-b",
    "x_a_b",
    "sec-fetch-dest",
    "path-info",
    "te",
    "",
]


@settings(max_examples=300, deadline=None)
@given(meta=SERVER_META)
def test_view_equals_the_full_scan(meta: dict[str, Any]) -> None:
    view = WSGIHeaders(meta)
    expected = scanned(meta)
    assert dict(view) == expected
    text_only = {k: v for k, v in meta.items() if isinstance(v, str)}  # what servers put there
    assert dict(view) == header_map(EnvironHeaders(text_only).items())[0]  # Flask's former copy
    assert len(view) == len(expected)
    for name in LOOKUPS:
        assert view.get(name) == expected.get(name)
        assert (name in view) == (name in expected)
        if name in expected:
            assert view[name] == expected[name]
        else:
            with pytest.raises(KeyError):
                view[name]


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        # keys no server produces are not headers (a scan used to fold them in)
        ({"HTTP_authorization": "Bearer x"}, {}),
        ({"HTTP_X-A": "1"}, {}),
        ({"HTTP_CONTENT_TYPE": "a", "CONTENT_TYPE": "b"}, {"content-type": "b"}),
        ({"CONTENT_LENGTH": "", "HTTP_COOKIE": "a=1; b=2"}, {"cookie": "a=1; b=2"}),
    ],
)
def test_only_server_keys(meta: dict[str, Any], expected: dict[str, str]) -> None:
    assert dict(WSGIHeaders(meta)) == expected
