"""``POST /webhooks/clerk``: Clerk's user events kept in the app's own table (Django ORM).

Wiring: ``path("webhooks/clerk", webhooks.clerk_webhook)`` in ``urls.py``; in ``settings.py``
``"example_apps.django_app"`` in ``INSTALLED_APPS`` and a database (see ``DATABASES``); then
``python -m django migrate``.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, JsonResponse

from authguard import WebhookEvent
from authguard.integrations.django.webhooks import webhook_view
from example_apps.django_app.models import ProcessedWebhook, SyncedUser


@webhook_view
def clerk_webhook(request: HttpRequest, event: WebhookEvent) -> JsonResponse:
    return JsonResponse({"applied": apply(event)})


def apply(event: WebhookEvent) -> bool:
    """Apply a ``user.*`` event once (by ``svix-id``); False when it was already applied."""
    with transaction.atomic():
        _, created = ProcessedWebhook.objects.get_or_create(
            svix_id=event.id, defaults={"type": event.type}
        )
        if not created:
            return False
        if event.type in ("user.created", "user.updated"):
            user = event.user
            SyncedUser.objects.update_or_create(
                id=user.id,
                defaults={
                    "email": user.primary_email_address or "",
                    "first_name": user.first_name or "",
                    "last_name": user.last_name or "",
                    "updated_at": user.updated_at,
                },
            )
        elif event.type == "user.deleted":
            SyncedUser.objects.filter(id=event.user.id).delete()
    return True
