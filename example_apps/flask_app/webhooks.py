"""``POST /webhooks/clerk``: Clerk's user events kept in the app's own SQLite table.

Wiring (in ``create_app``): ``app.register_blueprint(webhooks.blueprint)``.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from authguard import WebhookEvent
from authguard.flask import verified_webhook
from example_apps.user_sync import UserStore, database_path

blueprint = Blueprint("clerk_webhooks", __name__)


@lru_cache(maxsize=1)
def store() -> UserStore:
    return UserStore(database_path("flask"))


@blueprint.post("/webhooks/clerk")
@verified_webhook
def clerk_webhook(event: WebhookEvent) -> ResponseReturnValue:
    return jsonify(applied=store().apply(event))
