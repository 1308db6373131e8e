"""The dev server's Backend API (issue 8): users, organisations, memberships, invitations,
sessions. ``GET /v1/jwks`` is served by :mod:`authguard.dev.api`.

Every endpoint needs ``Authorization: Bearer <secret key>`` and answers in Clerk's JSON shapes
and error format (``{"errors": [{"code", "message", "long_message", "meta"}]}``).
"""

from __future__ import annotations

from authguard.dev import bapi_members, bapi_orgs, bapi_sessions, bapi_users
from authguard.dev.routing import Router


def register(router: Router) -> None:
    for module in (bapi_users, bapi_orgs, bapi_members, bapi_sessions):
        module.register(router)
