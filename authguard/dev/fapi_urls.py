"""URL helpers of the Frontend API: adding handshake parameters, telling hosts apart."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

NONCE_PARAM = "__clerk_handshake_nonce"
TOKEN_PARAM = "__clerk_handshake"
DEV_BROWSER_PARAM = "__clerk_db_jwt"
# Stripped from a return URL before ours are added, so a stale one never rides along.
HANDSHAKE_PARAMS = frozenset({NONCE_PARAM, TOKEN_PARAM, DEV_BROWSER_PARAM, "__clerk_help"})


def with_params(url: str, params: list[tuple[str, str]]) -> str:
    """``url`` without handshake parameters, plus ``params`` appended to its query."""
    parts = urlsplit(url)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name not in HANDSHAKE_PARAMS
    ]
    return urlunsplit(parts._replace(query=urlencode(query + params)))


def other_host(url: str, server_url: str) -> bool:
    """True when ``url`` is on another host than the server, so it sees none of our cookies.

    Browsers share cookies across the ports of one host, so ``localhost:8000`` is *not*
    another host for a server on ``localhost:4000``.
    """
    return urlsplit(url).hostname != urlsplit(server_url).hostname
