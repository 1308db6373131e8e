"""Flask: one ``AuthGuard`` extension, ``@protect`` on views, ``current_auth`` inside them."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue

from authguard.flask import AuthGuard, current_auth, protect
from example_apps import common
from example_apps.flask_app import admin_users, webhooks

guard = AuthGuard()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The app, configured from the ``CLERK_*``/``AUTHGUARD_*`` environment (or ``config``)."""
    app = Flask(__name__)
    app.config.update(config or {})
    guard.init_app(app)
    site = common.Site.from_env("flask")

    @app.get("/")
    def home() -> str:
        return common.home_page(current_auth, site)

    @app.get("/dashboard")
    @protect
    def dashboard() -> str:
        return common.dashboard_page(current_auth, site)

    @app.get("/admin")
    @protect(role="org:admin")
    def admin() -> str:
        return common.admin_page(current_auth, site)

    @app.get("/orgs/<org_id>")
    @protect
    def organization(org_id: str) -> str:
        # The rule needs the URL, so it is checked here; a failure is the usual 403.
        current_auth.protect(predicate=lambda _has: common.in_org(current_auth, org_id))
        return common.org_page(current_auth, site, org_id)

    @app.get("/api/me")
    @protect
    def api_me() -> ResponseReturnValue:
        return jsonify(common.me(current_auth))

    @app.get("/api/admin/stats")
    @protect(role="org:admin")
    def api_admin_stats() -> ResponseReturnValue:
        return jsonify(common.admin_stats(current_auth))

    app.register_blueprint(admin_users.bp)  # /admin/users (Backend API)

    app.register_blueprint(webhooks.blueprint)  # POST /webhooks/clerk: users kept in sync

    @app.errorhandler(403)
    def forbidden(_error: Exception) -> ResponseReturnValue:
        return common.forbidden_page(current_auth, site), 403

    return app
