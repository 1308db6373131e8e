"""Django REST framework: AuthGuardAuthentication, IsSignedIn, HasRole, HasPermission.

Put ``AuthGuardAuthentication`` first in ``DEFAULT_AUTHENTICATION_CLASSES``: DRF takes the
``WWW-Authenticate`` challenge of the first class, and without one it answers 403, not 401.
It coexists with ``SessionAuthentication`` (a request without a Clerk token falls through).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from rest_framework.authentication import BaseAuthentication, CSRFCheck
from rest_framework.exceptions import APIException, AuthenticationFailed, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from authguard.auth import Auth
from authguard.integrations.django.conf import get_runtime
from authguard.integrations.django.decorators import get_auth
from authguard.integrations.django.http import request_info
from authguard.integrations.django.users import user_for
from authguard.tokens import extract_token

__all__ = [
    "AuthGuardAuthentication",
    "HasPermission",
    "HasRole",
    "IsSignedIn",
    "KeySetUnavailableError",
]

CHALLENGE = 'Bearer realm="authguard"'
_KEYSET_DOWN = "jwk-remote-failed-to-load"
# Signed-out without a rejected token: let the next authenticator (or the permissions) decide.
_NOT_REJECTED = frozenset(
    {
        "session-token-and-uat-missing",
        "client-uat-but-no-session-token",
        "session-token-missing",
        "session-pending",
        _KEYSET_DOWN,
    }
)


class KeySetUnavailableError(APIException):
    """503 with ``Retry-After`` (DRF adds it from ``wait``) while the key set is unreachable."""

    status_code = 503
    default_detail = "Authentication is temporarily unavailable."
    default_code = "unavailable"
    wait = 5


class AuthGuardAuthentication(BaseAuthentication):
    """Authenticates with the request's Clerk session token (Bearer header or cookie)."""

    def authenticate(self, request: Request) -> tuple[Any, Auth] | None:
        auth = get_auth(request)
        if not auth.is_signed_in:
            if auth.reason in _NOT_REJECTED:
                return None
            raise AuthenticationFailed(f"Invalid session token ({auth.reason}).")
        if _carried_by_cookie(request._request):
            self.enforce_csrf(request)
        return user_for(get_runtime(), auth), auth

    def authenticate_header(self, request: Request) -> str:
        return CHALLENGE

    def enforce_csrf(self, request: Request) -> None:
        """Django's CSRF check, as ``SessionAuthentication`` applies it to cookie sessions."""

        def no_response(_: HttpRequest) -> None:
            return None

        check = CSRFCheck(no_response)  # type: ignore[arg-type]
        check.process_request(request._request)
        reason = check.process_view(request._request, None, (), {})  # type: ignore[arg-type]
        if reason:
            raise PermissionDenied(f"CSRF Failed: {reason}")


def _carried_by_cookie(request: HttpRequest) -> bool:
    return extract_token(request_info(request), get_runtime().guard.settings).carrier == "cookie"


class _AuthGuardPermission(BasePermission):
    requirement: dict[str, str] = {}

    def has_permission(self, request: Request, view: Any) -> bool:
        auth = get_auth(request)
        if not auth.is_signed_in:
            if auth.reason == _KEYSET_DOWN:
                raise KeySetUnavailableError()
            return False  # DRF answers NotAuthenticated (401 + challenge) for no authenticator
        return not self.requirement or auth.has(**self.requirement)


class IsSignedIn(_AuthGuardPermission):
    """Allows requests with a signed-in Clerk session (401 with a challenge otherwise)."""


def HasRole(role: str) -> type[BasePermission]:
    """A permission class requiring the active organization role ``role`` (403 otherwise)."""
    return type(f"HasRole[{role}]", (_AuthGuardPermission,), {"requirement": {"role": role}})


def HasPermission(permission: str) -> type[BasePermission]:
    """A permission class requiring the organization permission ``permission``."""
    attrs = {"requirement": {"permission": permission}}
    return type(f"HasPermission[{permission}]", (_AuthGuardPermission,), attrs)
