"""The one error tree (SPEC §11). Messages never contain tokens, keys or claims."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from authguard.auth import Auth


class AuthGuardError(Exception):
    """Root of every error authguard raises on purpose."""


class ConfigurationError(AuthGuardError):
    """Invalid or contradictory settings; ``setting`` names the culprit."""

    def __init__(self, message: str, *, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting


class TokenVerificationError(AuthGuardError):
    """A token was rejected. ``reason`` is one of Clerk's reason codes."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class _ProtectFailure(AuthGuardError):
    """Base of the control-flow errors raised by ``Auth.protect()``."""

    def __init__(self, auth: Auth | None = None, message: str = "") -> None:
        super().__init__(message or self.__class__.__name__)
        self.auth = auth


class KeySetUnavailable(_ProtectFailure):
    """Protection was asked for while the key set could not be loaded (answer: 503)."""


class Unauthenticated(_ProtectFailure):
    """protect() found no signed-in user."""

    def __init__(
        self,
        auth: Auth | None = None,
        message: str = "",
        *,
        unauthenticated_url: str | None = None,
    ) -> None:
        super().__init__(auth, message)
        self.unauthenticated_url = unauthenticated_url


class Unauthorized(_ProtectFailure):
    """protect() found a signed-in user lacking what was asked.

    ``reverification`` holds the ClerkJS metadata (preset name or
    ``{"level", "afterMinutes"}``) when the failing requirement was reverification.
    """

    def __init__(
        self,
        auth: Auth | None = None,
        message: str = "",
        *,
        unauthorized_url: str | None = None,
        reverification: str | Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(auth, message)
        self.unauthorized_url = unauthorized_url
        self.reverification = reverification


class SignInRedirect(AuthGuardError):
    """``auth.redirect_to_sign_in()`` / ``redirect_to_sign_up()``: send the browser to ``url``."""

    def __init__(self, url: str) -> None:
        super().__init__("redirect to sign-in")
        self.url = url


class WebhookVerificationError(AuthGuardError):
    """A webhook delivery failed verification (answer 400, do nothing)."""


class BackendAPIError(AuthGuardError):
    """A Backend API call failed; ``errors`` are Clerk's ``errors[]`` entries."""

    def __init__(self, status: int, errors: Sequence[Mapping[str, Any]] = ()) -> None:
        self.status = status
        self.errors = list(errors)
        first = self.errors[0] if self.errors else {}
        detail = first.get("long_message") or first.get("message") or ""
        super().__init__(f"Backend API error {status}" + (f": {detail}" if detail else ""))

    @property
    def codes(self) -> list[str]:
        return [str(e.get("code", "")) for e in self.errors]
