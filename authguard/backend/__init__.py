"""Clerk's Backend API client, sync and async (SPEC §13).

``BackendAPI(settings)`` / ``AsyncBackendAPI(settings)`` expose ``users``, ``organizations``,
``organization_memberships``, ``organization_invitations``, ``sessions`` and ``jwks``. Failures
raise :class:`~authguard.exceptions.BackendAPIError` (status 0 when the API could not be reached).
"""

from __future__ import annotations

from authguard.backend._retry import RetryPolicy
from authguard.backend.client import AsyncBackendAPI, BackendAPI
from authguard.backend.models import (
    DeletedObject,
    EmailAddress,
    Organization,
    OrganizationInvitation,
    OrganizationMembership,
    Page,
    PublicUserData,
    Session,
    User,
)
from authguard.exceptions import BackendAPIError

__all__ = [
    "AsyncBackendAPI",
    "BackendAPI",
    "BackendAPIError",
    "DeletedObject",
    "EmailAddress",
    "Organization",
    "OrganizationInvitation",
    "OrganizationMembership",
    "Page",
    "PublicUserData",
    "RetryPolicy",
    "Session",
    "User",
]
