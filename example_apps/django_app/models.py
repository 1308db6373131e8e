"""The app's own copy of its users, kept in sync from Clerk's webhooks (``webhooks.py``)."""

from __future__ import annotations

from typing import Any

from django.db import models


class SyncedUser(models.Model):
    """A Clerk user as this app knows it (``id`` is Clerk's ``user_…``)."""

    id: models.CharField[str, str] = models.CharField(primary_key=True, max_length=64)
    email: models.CharField[str, str] = models.CharField(max_length=254, blank=True, default="")
    first_name: models.CharField[str, str] = models.CharField(
        max_length=200, blank=True, default=""
    )
    last_name: models.CharField[str, str] = models.CharField(max_length=200, blank=True, default="")
    updated_at: models.BigIntegerField[int | None, int | None] = models.BigIntegerField(null=True)

    class Meta:
        app_label = "django_app"


class ProcessedWebhook(models.Model):
    """A webhook message already applied, by its ``svix-id`` (Svix re-sends until a 2xx)."""

    svix_id: models.CharField[str, str] = models.CharField(primary_key=True, max_length=128)
    type: models.CharField[str, str] = models.CharField(max_length=100)
    received_at: models.DateTimeField[Any, Any] = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "django_app"
