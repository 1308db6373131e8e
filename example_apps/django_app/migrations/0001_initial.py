"""Tables for the users synced from Clerk's webhooks and the processed message ids."""

from __future__ import annotations

from typing import ClassVar

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: ClassVar[list[tuple[str, str]]] = []

    operations = [
        migrations.CreateModel(
            name="SyncedUser",
            fields=[
                ("id", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("email", models.CharField(blank=True, default="", max_length=254)),
                ("first_name", models.CharField(blank=True, default="", max_length=200)),
                ("last_name", models.CharField(blank=True, default="", max_length=200)),
                ("updated_at", models.BigIntegerField(null=True)),
            ],
        ),
        migrations.CreateModel(
            name="ProcessedWebhook",
            fields=[
                ("svix_id", models.CharField(max_length=128, primary_key=True, serialize=False)),
                ("type", models.CharField(max_length=100)),
                ("received_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
