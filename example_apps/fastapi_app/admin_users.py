"""``/admin/users`` for FastAPI (``org:admin``).

Wiring (in ``create_app``): ``app.include_router(admin_users.router)``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from authguard import Auth
from authguard.backend import AsyncBackendAPI
from authguard.fastapi import require_auth
from example_apps import admin_users, common

router = APIRouter()
OrgAdmin = Annotated[Auth, Depends(require_auth(role="org:admin"))]


@lru_cache(maxsize=1)
def api() -> AsyncBackendAPI:
    return AsyncBackendAPI()  # CLERK_SECRET_KEY / CLERK_API_URL, one client for the app


@lru_cache(maxsize=1)
def site() -> common.Site:
    return common.Site.from_env("fastapi")


@router.get("/admin/users", response_class=HTMLResponse)
async def list_users(auth: OrgAdmin) -> str:
    users = [user async for user in api().users.iter(order_by="+created_at")]
    return admin_users.users_page(auth, site(), users)


@router.post("/admin/users/{user_id}/role")
async def set_role(user_id: str, request: Request, auth: OrgAdmin) -> RedirectResponse:
    try:
        role = admin_users.parse_role(await request.body(), request.headers.get("origin"), site())
    except admin_users.BadForm as exc:
        raise HTTPException(400, str(exc)) from None
    await api().users.update_metadata(user_id, public_metadata={"role": role})
    return RedirectResponse("/admin/users", status_code=303)
