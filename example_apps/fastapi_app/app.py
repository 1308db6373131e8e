"""FastAPI: ``AuthGuardMiddleware`` authenticates, dependencies protect the routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse

from authguard import Auth
from authguard.fastapi import AuthGuardMiddleware, CurrentAuth, Protect, require_auth
from example_apps import common
from example_apps.fastapi_app import admin_users, webhooks

SignedIn = Annotated[Auth, Depends(require_auth())]
OrgAdmin = Annotated[Auth, Depends(require_auth(role="org:admin"))]


def create_app() -> FastAPI:
    """The app, configured from the ``CLERK_*``/``AUTHGUARD_*`` environment."""
    app = FastAPI(title="authguard FastAPI example")
    app.add_middleware(AuthGuardMiddleware)
    site = common.Site.from_env("fastapi")

    @app.get("/", response_class=HTMLResponse)
    async def home(auth: CurrentAuth) -> str:
        return common.home_page(auth, site)

    @app.get("/dashboard", response_class=HTMLResponse)
    async def dashboard(auth: SignedIn) -> str:
        return common.dashboard_page(auth, site)

    @app.get("/admin", response_class=HTMLResponse)
    async def admin(auth: OrgAdmin) -> str:
        return common.admin_page(auth, site)

    @app.get("/orgs/{org_id}", response_class=HTMLResponse)
    async def organization(org_id: str, auth: SignedIn) -> str:
        # The rule needs the path parameter, so it is checked here; a failure is the usual 403.
        auth.protect(predicate=lambda _has: common.in_org(auth, org_id))
        return common.org_page(auth, site, org_id)

    @app.get("/api/me")
    async def api_me(auth: SignedIn) -> dict[str, Any]:
        return common.me(auth)

    @app.get("/api/admin/stats", dependencies=[Protect(role="org:admin")])
    async def api_admin_stats(auth: CurrentAuth) -> dict[str, Any]:
        return common.admin_stats(auth)

    app.include_router(admin_users.router)  # /admin/users (Backend API)

    app.include_router(webhooks.router)  # POST /webhooks/clerk: users kept in sync

    return app
