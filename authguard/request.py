"""``RequestInfo``: how an adapter describes a request to the core (SPEC §2)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from types import MappingProxyType
from urllib.parse import urlsplit

#: ``resolve()`` for ``RequestInfo.lazy``: returns ``(url, host_trusted)``.
UrlResolver = Callable[[], tuple[str, bool]]

_NO_HEADERS: Mapping[str, str] = MappingProxyType({})
_RESOLVING = threading.RLock()


class RequestInfo:
    """A framework-neutral view of one request.

    ``path`` is the routing path (SPEC §7), ``url`` the absolute URL as the framework derives
    it, ``headers`` a mapping with lower-case names (repeated headers joined with ``", "``),
    ``cookie_header`` every ``Cookie`` header joined with ``"; "``. ``host_trusted`` is True
    when the framework validated the Host (Django ``ALLOWED_HOSTS``, Flask ``TRUSTED_HOSTS``,
    Starlette ``TrustedHostMiddleware``), so the request URL may be used for return URLs.

    Immutable (read-only properties). Adapters build it with ``RequestInfo.lazy`` so the URL
    (costly in every framework, and only needed for redirects, return URLs and the cookie
    CSRF check) is derived on first use, at most once.
    """

    # Private slots behind read-only properties: plain slot stores make construction cheap
    # (it happens on every request), and the public names cannot be assigned.
    __slots__ = ("_cookie_header", "_headers", "_method", "_path", "_resolve", "_trusted", "_url")

    _method: str
    _path: str
    _headers: Mapping[str, str]
    _cookie_header: str | None
    _url: str | None
    _trusted: bool
    _resolve: UrlResolver | None

    def __init__(
        self,
        method: str,
        path: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        cookie_header: str = "",
        host_trusted: bool = False,
    ) -> None:
        self._method = method
        self._path = path
        self._headers = _NO_HEADERS if headers is None else headers
        self._cookie_header = cookie_header
        self._url = url
        self._trusted = host_trusted
        self._resolve = None

    @classmethod
    def lazy(
        cls,
        method: str,
        path: str,
        headers: Mapping[str, str],
        cookie_header: str | None,
        resolve: UrlResolver,
    ) -> RequestInfo:
        """A ``RequestInfo`` whose ``url``/``host_trusted`` come from ``resolve()`` on first use.

        ``cookie_header`` None means ``headers.get("cookie", "")``, read on first use (a Bearer
        request never reads it).
        """
        info = cls.__new__(cls)
        info._method = method
        info._path = path
        info._headers = headers
        info._cookie_header = cookie_header
        info._url = None
        info._trusted = False
        info._resolve = resolve
        return info

    @property
    def method(self) -> str:
        return self._method

    @property
    def path(self) -> str:
        return self._path

    @property
    def headers(self) -> Mapping[str, str]:
        return self._headers

    @property
    def cookie_header(self) -> str:
        cookie_header = self._cookie_header
        if cookie_header is None:
            cookie_header = self._cookie_header = self._headers.get("cookie") or ""
        return cookie_header

    def _resolved(self) -> str:
        url = self._url
        if url is not None:
            return url
        with _RESOLVING:  # at most once, even if two threads share the request
            if self._url is None and self._resolve is not None:
                url, trusted = self._resolve()
                self._trusted = bool(trusted)
                self._url = url
                self._resolve = None
        return self._url or ""

    @property
    def url(self) -> str:
        """The absolute URL as the framework derives it (computed once, on first access)."""
        return self._resolved()

    @property
    def host_trusted(self) -> bool:
        """Whether the framework validated the Host (a by-product of deriving the URL)."""
        self._resolved()
        return self._trusted

    def _key(self) -> tuple[object, ...]:
        headers = dict(self.headers)
        return (self.method, self.path, self.url, headers, self.cookie_header, self.host_trusted)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RequestInfo):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # headers is a mapping: unhashable, as before

    def __repr__(self) -> str:
        url = self._url if self._url is not None else "<lazy>"
        return f"RequestInfo(method={self.method!r}, path={self.path!r}, url={url!r})"

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
