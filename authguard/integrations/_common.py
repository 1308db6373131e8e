"""Framework-neutral glue shared by the adapters (no framework imports here)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast, overload

from authguard._has import normal_role
from authguard.auth import Auth
from authguard.exceptions import (
    KeySetUnavailable,
    SignInRedirect,
    Unauthenticated,
    Unauthorized,
)
from authguard.matchers import RouteMatcher, create_route_matcher

F = TypeVar("F", bound=Callable[..., Any])

#: What ``auth.protect()`` / ``redirect_to_sign_in()`` raise; adapters render these per SPEC §6.
PROTECT_FAILURES: tuple[type[Exception], ...] = (
    Unauthenticated,
    Unauthorized,
    KeySetUnavailable,
    SignInRedirect,
)

VARY_VALUE = "Authorization, Cookie"
_VARY_NAMES = ("authorization", "cookie")

#: ``Auth.protect``'s positional parameters, in order.
_POSITIONAL_KEYS = ("role", "permission", "feature", "plan", "reverification")
_PROTECT_KEYS = frozenset(
    {
        "role",
        "permission",
        "feature",
        "plan",
        "reverification",
        "predicate",
        "unauthenticated_url",
        "unauthorized_url",
    }
)


class ProtectDecorator(Protocol):
    """The type of every adapter's ``protect``: bare (``@protect``) or called with
    ``Auth.protect()``'s arguments (``@protect(role=...)``); either keeps the view's type."""

    @overload
    def __call__(self, view: F, /) -> F: ...
    @overload
    def __call__(
        self,
        *,
        role: str | None = None,
        permission: str | None = None,
        feature: str | None = None,
        plan: str | None = None,
        reverification: str | Mapping[str, Any] | None = None,
        predicate: Callable[[Callable[..., bool]], object] | None = None,
        unauthenticated_url: str | None = None,
        unauthorized_url: str | None = None,
    ) -> Callable[[F], F]: ...


@dataclass(frozen=True)
class ProtectSpec:
    """The arguments of one ``protect(...)`` call, kept so a decorator can apply them later."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    #: ``kwargs`` as ``Auth.protect``'s positional arguments, when it has no keyword-only one:
    #: built once here instead of unpacking a dict on every request.
    _positional: tuple[Any, ...] | None = field(init=False, repr=False, compare=False)
    #: for ``protect(role=...)`` alone: the role as ``has()`` compares it (``org:`` prefixed).
    fast_role: str | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = set(self.kwargs) - _PROTECT_KEYS
        if unknown:
            raise TypeError(f"protect() got unexpected arguments: {sorted(unknown)}")
        positional = None
        if not set(self.kwargs) - set(_POSITIONAL_KEYS):
            positional = tuple(self.kwargs.get(name) for name in _POSITIONAL_KEYS)
            while positional and positional[-1] is None:
                positional = positional[:-1]
        object.__setattr__(self, "_positional", positional)
        role = self.kwargs.get("role")
        only_role = set(self.kwargs) == {"role"} and isinstance(role, str)
        object.__setattr__(self, "fast_role", normal_role(role) if only_role else None)

    def holds(self, auth: object) -> bool:
        """True when ``auth`` is an ``Auth`` that passes a role-only spec: the common case,
        decided without ``Auth.protect``'s generality. False decides nothing: ``enforce``."""
        role = self.fast_role
        return role is not None and type(auth) is Auth and auth._holds_role(role)

    def enforce(self, auth: Auth) -> Auth:
        """Raise one of ``PROTECT_FAILURES`` unless ``auth`` passes."""
        if self.holds(auth):
            return auth
        positional = self._positional
        if positional is not None:
            return auth.protect(*positional)
        return auth.protect(**self.kwargs)

    @classmethod
    def from_decorator_args(
        cls, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[ProtectSpec, Callable[..., Any] | None]:
        """Support both ``@protect`` and ``@protect(role=...)``.

        Returns the spec and, for the bare form, the decorated function.
        """
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return cls(), args[0]
        if args:
            raise TypeError("protect() takes keyword arguments only: protect(role='org:admin')")
        return cls(dict(kwargs)), None


def add_vary(existing: str | None) -> str:
    """Merge ``Authorization, Cookie`` into an existing ``Vary`` value without duplicates."""
    if not existing:
        return VARY_VALUE
    present = {part.strip().lower() for part in existing.split(",")}
    if "*" in present:
        return existing
    missing = [name.capitalize() for name in _VARY_NAMES if name not in present]
    return ", ".join([existing, *missing]) if missing else existing


def build_matcher(patterns: Any) -> RouteMatcher | None:
    """``None`` stays None (matches nothing); anything else goes to ``create_route_matcher``."""
    if patterns is None:
        return None
    return create_route_matcher(patterns)


def header_map(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str], str]:
    """Build ``RequestInfo.headers`` and ``cookie_header`` from raw header pairs (SPEC §2).

    Names are lower-cased; repeated headers are joined with ``", "`` (as WSGI servers do),
    except ``Cookie``, whose values are joined with ``"; "`` and returned separately.
    """
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for raw_name, value in pairs:
        name = raw_name.lower()
        if name == "cookie":
            cookies.append(value)
            continue
        previous = headers.get(name)
        headers[name] = value if previous is None else f"{previous}, {value}"
    if cookies:
        headers["cookie"] = "; ".join(cookies)
    return headers, "; ".join(cookies)


class ASGIHeaders(Mapping[str, str]):
    """``RequestInfo.headers`` as a lazy view over an ASGI scope's raw ``headers`` (SPEC §2).

    The same mapping as ``header_map`` over the latin-1-decoded pairs, without decoding every
    header per request: a lookup of a name the core reads (``authorization``, ``accept``, ...)
    scans the raw pairs for it, ASCII case-insensitively; anything else (iteration, other
    names) uses the full map, built once on first need. The pairs are copied at construction,
    so later changes to the scope's list do not show.
    """

    __slots__ = ("_full", "_raw")

    def __init__(self, raw: Iterable[tuple[bytes, bytes]]) -> None:
        self._raw = tuple(raw)
        self._full: dict[str, str] | None = None

    def get(self, name: str, default: Any = None) -> Any:
        key = _ASGI_KEYS.get(name) if type(name) is str else None
        if key is None or self._full is not None:
            return self._map().get(name, default)
        found: bytes | None = None
        size = len(key)
        for raw_name, value in self._raw:
            if len(raw_name) == size and (raw_name == key or raw_name.lower() == key):
                found = value if found is None else found + _JOINERS[key] + value
        return default if found is None else found.decode("latin-1")

    def _map(self) -> dict[str, str]:
        full = self._full
        if full is None:
            pairs = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in self._raw]
            full = self._full = header_map(pairs)[0]
        return full

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return cast(str, value)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._map())

    def __len__(self) -> int:
        return len(self._map())

    def __repr__(self) -> str:
        return f"ASGIHeaders({sorted(self)!r})"


#: the names the core looks up on a request, as raw ASGI header names.
_ASGI_KEYS = {
    name: name.encode()
    for name in (
        "authorization",
        "cookie",
        "origin",
        "referer",
        "accept",
        "sec-fetch-dest",
        "access-control-request-method",
    )
}
_JOINERS = {key: b"; " if key == b"cookie" else b", " for key in _ASGI_KEYS.values()}


_ENVIRON_PLAIN = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}
_ENVIRON_PLAIN_KEYS = {name: key for key, name in _ENVIRON_PLAIN.items()}


class WSGIHeaders(Mapping[str, str]):
    """``RequestInfo.headers`` as a live view over a WSGI environ / Django ``META`` (SPEC §2).

    A lookup translates the name (``authorization`` → ``HTTP_AUTHORIZATION``) instead of
    copying every header per request: the core reads two or three of them. Names are
    lower-case; repeated headers are already joined in the environ (WSGI servers and Django's
    ASGI handler join them). Exactly the keys servers produce are seen: ``HTTP_`` + the upper-cased
    name with ``-`` as ``_``, plus non-empty ``CONTENT_TYPE``/``CONTENT_LENGTH``; string values
    only.
    """

    __slots__ = ("_environ",)

    def __init__(self, environ: Mapping[str, Any]) -> None:
        self._environ = environ

    def get(self, name: str, default: Any = None) -> Any:
        key = _ENVIRON_KEYS.get(name) or _environ_key(name)
        value = self._environ.get(key) if key is not None else None
        if type(value) is not str or (not value and key in _ENVIRON_PLAIN):
            return default
        return value

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return cast(str, value)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[str]:
        for key, value in list(self._environ.items()):
            name = _header_name(key)
            if name is None or _environ_key(name) != key or type(value) is not str:
                continue
            if value or key not in _ENVIRON_PLAIN:
                yield name

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"WSGIHeaders({sorted(self)!r})"


def _environ_key(name: str) -> str | None:
    """The environ key a server stores header ``name`` under, or None (not a header name)."""
    if type(name) is not str:
        return None
    key = _ENVIRON_PLAIN_KEYS.get(name) or "HTTP_" + name.upper().replace("-", "_")
    return key if _header_name(key) == name else None


def _header_name(key: str) -> str | None:
    if key[:5] == "HTTP_" and key == key.upper() and "-" not in key:
        return key[5:].replace("_", "-").lower()
    return _ENVIRON_PLAIN.get(key)


#: the names the core looks up on every request, translated once.
_ENVIRON_KEYS = {
    name: key
    for name in ("authorization", "cookie", "origin", "referer", "accept", "sec-fetch-dest")
    for key in (_environ_key(name),)
    if key is not None
}
