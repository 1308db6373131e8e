"""``POST /webhooks/clerk``: Clerk's user events kept in the app's own SQLite table.

Wiring (in ``create_app``): ``app.include_router(webhooks.router)``.
"""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter

from authguard.fastapi import VerifiedWebhook
from example_apps.user_sync import UserStore, database_path

router = APIRouter()


@lru_cache(maxsize=1)
def store() -> UserStore:
    return UserStore(database_path("fastapi"))


@router.post("/webhooks/clerk")
def clerk_webhook(event: VerifiedWebhook) -> dict[str, bool]:
    # A plain def: FastAPI runs it on a worker thread, so SQLite never blocks the loop.
    return {"applied": store().apply(event)}
