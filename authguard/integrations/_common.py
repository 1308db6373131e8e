"""Framework-neutral glue shared by the adapters (no framework imports here)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

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


@dataclass(frozen=True)
class ProtectSpec:
    """The arguments of one ``protect(...)`` call, kept so a decorator can apply them later."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    #: ``kwargs`` as ``Auth.protect``'s positional arguments, when it has no keyword-only one:
    #: built once here instead of unpacking a dict on every request.
    _positional: tuple[Any, ...] | None = field(init=False, repr=False, compare=False)

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

    def enforce(self, auth: Auth) -> Auth:
        """Raise one of ``PROTECT_FAILURES`` unless ``auth`` passes."""
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
