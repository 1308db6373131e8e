"""``request.user`` (SPEC §8): keep a Django-authenticated user, else a token user or anonymous.

Never None, always lazy: the session user (``AuthenticationMiddleware``) is only loaded when
``request.user`` is first touched, and ``request.auser()`` does the same for async code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject, empty

from authguard.auth import Auth
from authguard.integrations.django.conf import Runtime

__all__ = ["TokenUser", "attach_user", "user_for"]


class TokenUser:
    """A database-less user built from a verified session token (like simplejwt's TokenUser).

    ``pk``/``id``/``username`` are the Clerk user id. It has no Django permissions: check
    Clerk roles and permissions with ``request.auth.has(...)`` instead.
    """

    is_active = True
    is_staff = False
    is_superuser = False
    is_authenticated = True
    is_anonymous = False

    def __init__(self, auth: Auth) -> None:
        self.auth = auth
        self.pk = self.id = self.username = str(auth.user_id)

    def __str__(self) -> str:
        return self.username

    def __repr__(self) -> str:
        return f"<TokenUser {self.username!r}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TokenUser) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def get_username(self) -> str:
        return self.username

    def get_all_permissions(self, obj: object = None) -> set[str]:
        return set()

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return False

    def has_perms(self, perm_list: object, obj: object = None) -> bool:
        return False

    def has_module_perms(self, module: str) -> bool:
        return False

    async def aget_all_permissions(self, obj: object = None) -> set[str]:
        return set()

    async def ahas_perm(self, perm: str, obj: object = None) -> bool:
        return False

    async def ahas_perms(self, perm_list: object, obj: object = None) -> bool:
        return False

    async def ahas_module_perms(self, module: str) -> bool:
        return False

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("TokenUser is not stored; set AUTHGUARD['USER'] for a model")

    def delete(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("TokenUser is not stored; set AUTHGUARD['USER'] for a model")


def _anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser  # needs the app registry ready

    return AnonymousUser()


def user_for(runtime: Runtime, auth: Auth) -> Any:
    """The user for ``auth``: ``AUTHGUARD['USER'](auth)``, a ``TokenUser`` or anonymous."""
    if not auth.is_signed_in:
        return _anonymous()
    if runtime.user_factory is None:
        return TokenUser(auth)
    if runtime.user_factory_is_async:
        from asgiref.sync import async_to_sync

        user = async_to_sync(runtime.user_factory)(auth)
    else:
        user = runtime.user_factory(auth)
    return _anonymous() if user is None else user


async def _afrom_auth(runtime: Runtime, auth: Auth) -> Any:
    if not auth.is_signed_in or runtime.user_factory is None:
        return user_for(runtime, auth)
    if runtime.user_factory_is_async:
        user = await runtime.user_factory(auth)
    else:
        user = await sync_to_async(runtime.user_factory)(auth)
    return _anonymous() if user is None else user


def _is_authenticated(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


class _LazyUser:
    """One request's user, resolved on first use by ``request.user`` or ``request.auser()``."""

    __slots__ = ("auth", "previous", "previous_auser", "runtime", "user")

    def __init__(
        self,
        runtime: Runtime,
        auth: Auth,
        previous: Any,
        previous_auser: Callable[[], Awaitable[Any]] | None,
    ) -> None:
        self.runtime = runtime
        self.auth = auth
        self.previous = previous
        self.previous_auser = previous_auser
        self.user: Any = _UNSET

    def resolve(self) -> Any:
        if self.user is _UNSET:
            kept = self.previous if _is_authenticated(self.previous) else None
            self.user = kept if kept is not None else user_for(self.runtime, self.auth)
        return self.user

    async def aresolve(self) -> Any:
        if self.user is _UNSET:
            previous_auser = self.previous_auser
            kept = await previous_auser() if previous_auser is not None else None
            if _is_authenticated(kept):
                self.user = kept
            else:
                self.user = await _afrom_auth(self.runtime, self.auth)
        return self.user


_UNSET: Any = object()


if TYPE_CHECKING:
    _LazyBase = SimpleLazyObject[Any]
else:
    _LazyBase = SimpleLazyObject  # not subscriptable at runtime


class _UserProxy(_LazyBase):
    """``SimpleLazyObject`` in every respect but construction, which writes its two fields
    straight into the instance dict: the inherited ``__init__`` goes through ``LazyObject``'s
    Python-level ``__getattribute__``/``__setattr__`` and costs three times as much."""

    def __init__(self, func: Callable[[], Any]) -> None:
        fields = object.__getattribute__(self, "__dict__")
        fields["_setupfunc"] = func
        fields["_wrapped"] = empty


def attach_user(request: HttpRequest, runtime: Runtime, auth: Auth) -> None:
    """Set a lazy ``request.user`` and ``request.auser()`` for this request's ``Auth``."""
    state = request.__dict__
    lazy = _LazyUser(runtime, auth, state.get("user"), state.get("auser"))
    request.user = _UserProxy(lazy.resolve)  # type: ignore[assignment]
    request.auser = lazy.aresolve
