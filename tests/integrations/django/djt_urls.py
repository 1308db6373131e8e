"""URLconf for the Django tests."""

from __future__ import annotations

import djt_views as v
from django.urls import path

urlpatterns = [
    path("", v.home),
    path("public", v.home),
    path("open", v.open_view),
    path("signed-in", v.signed_in),
    path("admin", v.admin),
    path("async-admin", v.async_admin),
    path("async-signed-in", v.async_signed_in),
    path("whoami", v.whoami),
    path("to-sign-in", v.to_sign_in),
    path("async-to-sign-in", v.async_to_sign_in),
    path("async-whoami", v.async_whoami),
    path("cbv-admin", v.AdminView.as_view()),
    path("cbv-get-only", v.GetOnlyProtected.as_view()),
    path("cbv-public", v.PublicView.as_view()),
    path("cbv-public-class", v.PublicClassView.as_view()),
    path("login-required", v.django_login_required),
    path("template", v.template_view),
    path("drf/signed-in", v.DrfSignedIn.as_view()),
    path("drf/admin", v.DrfAdmin.as_view()),
    path("drf/perm", v.DrfPerm.as_view()),
    path("drf/session", v.DrfSession.as_view()),
]
