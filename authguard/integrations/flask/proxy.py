"""``current_auth``: the current request's ``Auth`` as a ``LocalProxy``."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from werkzeug.local import LocalProxy

from authguard.integrations.flask._state import require_auth

if TYPE_CHECKING:
    from authguard.auth import Auth

__all__ = ["current_auth", "get_auth"]


def get_auth() -> Auth:
    """The current request's ``Auth`` (authenticated once per request, never raising for it).

    Raises ConfigurationError when the extension is not initialised on the app or ``skip``
    excluded the request.
    """
    return require_auth()


current_auth: Auth = cast("Auth", LocalProxy(get_auth))
