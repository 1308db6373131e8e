"""The auth object (SPEC §4) and ``protect()`` (§6); ``has()`` itself lives in ``_has``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeAlias, TypeVar, cast

from authguard._has import (
    check_billing,
    check_permission,
    check_reverification,
    check_role,
    evaluate_has,
    reverification_metadata,
    role_matches,
)
from authguard.claims import SessionClaims
from authguard.exceptions import KeySetUnavailable, SignInRedirect, Unauthenticated, Unauthorized

if TYPE_CHECKING:
    from authguard.decisions import Navigator
    from authguard.request import RequestInfo

    #: ``(navigator, request)``: the AuthContext to build on first use (``request`` may be a
    #: factory, called then).
    LazyContext: TypeAlias = tuple[Navigator, RequestInfo | Callable[[], RequestInfo]]

__all__ = [
    "Auth",
    "AuthContext",
    "check_billing",
    "check_permission",
    "check_reverification",
    "check_role",
    "evaluate_has",
    "reverification_metadata",
]

T = TypeVar("T")
HasFunction = Callable[..., bool]
_EMPTY: Mapping[str, Any] = MappingProxyType({})
_KEYSET_DOWN = "jwk-remote-failed-to-load"
_set = object.__setattr__


# -- the auth object -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuthContext:
    """What ``redirect_to_sign_in()`` needs to build URLs for the current request."""

    navigator: Navigator
    request: RequestInfo


class _Claim(Generic[T]):
    """Read-only attribute read from the cached ``SessionClaims`` (``default`` if signed out)."""

    __slots__ = ("default", "name")

    def __init__(self, name: str, default: T) -> None:
        self.name = name
        self.default = default

    def __get__(self, obj: Auth | None, owner: type[Auth]) -> T:
        session = obj._session if obj is not None else None
        return self.default if session is None else cast(T, getattr(session, self.name))


class Auth:
    """Who made the request (SPEC §4). Immutable; a thin view over cached ``SessionClaims``."""

    __slots__ = ("_context", "_message", "_reason", "_session", "_status")

    _session: SessionClaims | None
    _reason: str | None
    _message: str | None
    _status: str | None
    _context: AuthContext | LazyContext | None

    def __init__(
        self,
        session: SessionClaims | None,
        reason: str | None,
        message: str | None,
        session_status: str | None,
        context: AuthContext | LazyContext | None,
    ) -> None:
        # ``context`` may be a ``(navigator, request)`` pair: the AuthContext is then built on
        # first use (only redirects need it), not on every request.
        _SET_SESSION(self, session)
        _SET_REASON(self, reason)
        _SET_MESSAGE(self, message)
        _SET_STATUS(self, session_status)
        _SET_CONTEXT(self, context)

    @classmethod
    def signed_in(cls, session: SessionClaims, *, context: AuthContext | None = None) -> Auth:
        return cls(session, None, None, session.session_status, context)

    @classmethod
    def signed_out(
        cls,
        reason: str | None,
        *,
        context: AuthContext | None = None,
        message: str | None = None,
        session_status: str | None = None,
    ) -> Auth:
        return cls(None, reason, message, session_status, context)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"Auth is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"Auth is immutable; cannot delete {name!r}")

    def __repr__(self) -> str:
        if self._session is None:
            return f"<Auth signed-out reason={self._reason!r}>"
        s = self._session
        return f"<Auth user_id={s.user_id!r} session_id={s.session_id!r} org_id={s.org_id!r}>"

    # identity, delegated to the cached claims
    @property
    def is_signed_in(self) -> bool:
        return self._session is not None and self._status != "pending"

    user_id: _Claim[str | None] = _Claim("user_id", None)
    session_id: _Claim[str | None] = _Claim("session_id", None)
    org_id: _Claim[str | None] = _Claim("org_id", None)
    org_role: _Claim[str | None] = _Claim("org_role", None)
    org_slug: _Claim[str | None] = _Claim("org_slug", None)
    org_permissions: _Claim[tuple[str, ...]] = _Claim("org_permissions", ())
    features: _Claim[tuple[str, ...]] = _Claim("features", ())
    plans: _Claim[tuple[str, ...]] = _Claim("plans", ())
    factor_verification_age: _Claim[tuple[int, int] | None] = _Claim(
        "factor_verification_age", None
    )
    actor: _Claim[Mapping[str, Any] | None] = _Claim("actor", None)
    claims: _Claim[Mapping[str, Any]] = _Claim("claims", _EMPTY)
    token: _Claim[str | None] = _Claim("token", None)

    @property
    def session_status(self) -> str | None:
        return self._status

    @property
    def token_type(self) -> str | None:
        return "session_token" if self._session else None

    @property
    def reason(self) -> str | None:
        return self._reason

    @property
    def message(self) -> str | None:
        return self._message

    @property
    def context(self) -> AuthContext | None:
        context = self._context
        if type(context) is tuple:
            navigator, request = context
            if callable(request):
                request = request()  # a factory: the request was described lazily
            context = AuthContext(navigator, request)
            _set(self, "_context", context)
        return cast("AuthContext | None", context)

    @property
    def scopes(self) -> list[str]:
        """Starlette ``requires()`` scopes: ``authenticated``, the org role, its permissions."""
        if not self.is_signed_in or self._session is None:
            return []
        role = [self._session.org_role] if self._session.org_role else []
        return ["authenticated", *role, *self._session.org_permissions]

    # authorization
    def has(
        self,
        role: object = None,
        permission: object = None,
        feature: object = None,
        plan: object = None,
        reverification: object = None,
    ) -> bool:
        """SPEC §5. Signed-out (or pending) → False."""
        session = self._session if self.is_signed_in else None
        return evaluate_has(session, role, permission, feature, plan, reverification)

    def protect(
        self,
        role: object = None,
        permission: object = None,
        feature: object = None,
        plan: object = None,
        reverification: object = None,
        *,
        predicate: Callable[[HasFunction], object] | None = None,
        unauthenticated_url: str | None = None,
        unauthorized_url: str | None = None,
    ) -> Auth:
        """Return ``self`` when every requirement holds; raise the SPEC §6 error otherwise."""
        if self._session is None and self._reason == _KEYSET_DOWN:
            raise KeySetUnavailable(self, "the key set could not be loaded")
        if not self.is_signed_in:
            raise Unauthenticated(self, unauthenticated_url=unauthenticated_url)
        asked = (
            role is not None or permission is not None or feature is not None or plan is not None
        )
        if not asked and reverification is None and predicate is None:
            return self
        if asked and not self._has_asked(role, permission, feature, plan):
            raise Unauthorized(self, unauthorized_url=unauthorized_url)
        if predicate and not predicate(self.has):
            raise Unauthorized(self, unauthorized_url=unauthorized_url)
        if reverification is not None and not self.has(reverification=reverification):
            metadata = reverification_metadata(reverification)
            raise Unauthorized(self, unauthorized_url=unauthorized_url, reverification=metadata)
        return self

    def _holds_role(self, asked: str) -> bool:
        """Whether ``protect(role=...)`` passes, for the role already normalised by
        ``normal_role`` (a False answer is left to ``protect`` to raise the right error)."""
        session = self._session
        if session is None or self._status == "pending" or not session.user_id:
            return False
        return role_matches(session, asked)

    def _has_asked(self, role: object, permission: object, feature: object, plan: object) -> bool:
        session = self._session
        if permission is None and feature is None and plan is None and session is not None:
            # protect(role=...), the common case: evaluate_has's rule without its closures.
            return bool(session.user_id) and check_role(session, role)
        return evaluate_has(session, role, permission, feature, plan)

    # redirects
    def redirect_to_sign_in(self, return_back_url: str | None = None) -> NoReturn:
        """Raise ``SignInRedirect`` to the sign-in page (``Unauthenticated`` when none is known)."""
        self._redirect("sign_in_url", return_back_url)

    def redirect_to_sign_up(self, return_back_url: str | None = None) -> NoReturn:
        """Raise ``SignInRedirect`` to the sign-up page (``Unauthenticated`` when none is known)."""
        self._redirect("sign_up_url", return_back_url)

    def _redirect(self, builder: str, return_back_url: str | None) -> NoReturn:
        url = None
        context = self.context
        if context is not None:
            build = getattr(context.navigator, builder)
            url = build(context.request, return_back_url)
        if url is None:
            raise Unauthenticated(self)
        raise SignInRedirect(url)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe snake_case view; never the token (nor the raw claims)."""
        return {name: _jsonable(getattr(self, name)) for name in _DICT_FIELDS}


# The slots' own setters: ``__setattr__`` refuses every assignment, and calling the slot
# descriptors directly is cheaper than ``object.__setattr__`` by name (an Auth per request).
_SET_SESSION = Auth.__dict__["_session"].__set__
_SET_REASON = Auth.__dict__["_reason"].__set__
_SET_MESSAGE = Auth.__dict__["_message"].__set__
_SET_STATUS = Auth.__dict__["_status"].__set__
_SET_CONTEXT = Auth.__dict__["_context"].__set__

# fmt: off
_DICT_FIELDS = (
    "is_signed_in", "user_id", "session_id", "session_status", "org_id", "org_role", "org_slug",
    "org_permissions", "features", "plans", "factor_verification_age", "actor", "token_type",
    "reason", "message", "scopes",
)
# fmt: on


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value
