"""The routes; ``handler403`` renders refusals of page requests (authguard raises
``PermissionDenied`` for them, API requests get JSON)."""

from __future__ import annotations

from django.urls import path

from example_apps.django_app import admin_users, views, webhooks

urlpatterns = [
    path("", views.home),
    path("dashboard", views.dashboard),
    path("admin", views.admin),
    path("admin/users", admin_users.list_users),
    path("admin/users/<str:user_id>/role", admin_users.set_role),
    path("orgs/<str:org_id>", views.organization),
    path("api/me", views.api_me),
    path("api/admin/stats", views.api_admin_stats),
    path("webhooks/clerk", webhooks.clerk_webhook),  # users kept in sync
]

handler403 = views.forbidden
