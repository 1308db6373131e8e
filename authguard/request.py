"""``RequestInfo``: how an adapter describes a request to the core (SPEC §2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """A framework-neutral view of one request.

    ``path`` is the routing path (SPEC §7), ``url`` the absolute URL as the framework derives
    it, ``headers`` a mapping with lower-case names (repeated headers joined with ``", "``),
    ``cookie_header`` every ``Cookie`` header joined with ``"; "``. ``host_trusted`` is True
    when the framework validated the Host (Django ``ALLOWED_HOSTS``, Flask ``TRUSTED_HOSTS``,
    Starlette ``TrustedHostMiddleware``), so the request URL may be used for return URLs.
    """

    method: str
    path: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    cookie_header: str = ""
    host_trusted: bool = False

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def origin(self) -> str:
        """``scheme://host[:port]`` of ``url`` (lower-cased scheme and host)."""
        return origin_of(self.url) or ""

    @property
    def is_page_request(self) -> bool:
        """SPEC §6: ``Sec-Fetch-Dest`` document/iframe, or ``Accept`` contains ``text/html``."""
        dest = self.headers.get("sec-fetch-dest", "").strip().lower()
        if dest in ("document", "iframe"):
            return True
        return "text/html" in self.headers.get("accept", "").lower()

    @property
    def is_preflight(self) -> bool:
        """A CORS preflight carries no credentials and is never refused (SPEC §6)."""
        return self.method == "OPTIONS" and "access-control-request-method" in self.headers


def origin_of(url: str) -> str | None:
    """Return the origin of an absolute http(s) URL, or None when it has none."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    default = 80 if parts.scheme == "http" else 443
    if ":" in host:
        host = f"[{host}]"
    suffix = f":{port}" if port is not None and port != default else ""
    return f"{parts.scheme}://{host}{suffix}"
