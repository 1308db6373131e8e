"""What the three apps share: settings from the environment, the page layout and the JSON views.

Framework-free on purpose: each app only maps its routes onto these functions, so the apps
differ exactly where the frameworks differ (how authguard is installed and how a view is
protected).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlencode, urlsplit

from authguard import Auth

APP_NAMES = ("fastapi", "django", "flask")

CSS = """
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { background: #24292f; color: #fff; padding: .8rem 1.5rem; display: flex;
         gap: 1.2rem; align-items: center; flex-wrap: wrap; }
header a { color: #fff; text-decoration: none; } header .who { margin-left: auto; }
main { max-width: 46rem; margin: 2rem auto; padding: 0 1.5rem; }
.card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 1rem 1.5rem; }
table { border-collapse: collapse; } td, th { padding: .25rem 1rem .25rem 0; text-align: left; }
code { background: #eff1f3; padding: 0 .3rem; border-radius: 4px; }
.muted { color: #656d76; font-size: .9rem; }
"""

# Page views per path, shown by /api/admin/stats (per process; good enough for a demo).
PAGE_VIEWS: Counter[str] = Counter()


@dataclass(frozen=True)
class Site:
    """The app's own links: where to sign in and out, and the dev server's keep-fresh script.

    From the variables ``authguard dev`` prints (``CLERK_SIGN_IN_URL``,
    ``AUTHGUARD_APP_ORIGIN``), plus ``AUTHGUARD_SIGN_OUT_URL`` (default: ``/sign-out`` next to
    the sign-in page) and ``AUTHGUARD_DEV_SCRIPT`` (the ``/authguard-dev.js`` URL, dev only).
    """

    framework: str
    app_origin: str
    sign_in_url: str
    sign_out_url: str
    dev_script: str | None

    @classmethod
    def from_env(cls, framework: str, environ: Mapping[str, str] | None = None) -> Site:
        env = os.environ if environ is None else environ
        origin = env.get("AUTHGUARD_APP_ORIGIN", "http://localhost:8000").rstrip("/")
        sign_in = env.get("CLERK_SIGN_IN_URL", "")
        sign_out = env.get("AUTHGUARD_SIGN_OUT_URL") or _next_to(sign_in, "/sign-out")
        return cls(framework, origin, sign_in, sign_out, env.get("AUTHGUARD_DEV_SCRIPT") or None)

    def sign_in_link(self, path: str = "/dashboard") -> str:
        return f"{self.sign_in_url}?{urlencode({'redirect_url': self.app_origin + path})}"

    def sign_out_link(self) -> str:
        return f"{self.sign_out_url}?{urlencode({'redirect_url': self.app_origin + '/'})}"


def _next_to(url: str, path: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{path}" if parts.netloc else ""


def me(auth: Auth) -> dict[str, Any]:
    """``/api/me``: who is calling (never the token)."""
    return {
        "user_id": auth.user_id,
        "session_id": auth.session_id,
        "org_id": auth.org_id,
        "org_role": auth.org_role,
    }


def admin_stats(auth: Auth) -> dict[str, Any]:
    """``/api/admin/stats``: a small admin-only report."""
    return {"org_id": auth.org_id, "page_views": dict(sorted(PAGE_VIEWS.items()))}


def in_org(auth: Auth, org_id: str) -> bool:
    """The ``/orgs/<org_id>`` rule: the session's active organisation is that one."""
    return auth.org_id is not None and auth.org_id == org_id


# -- pages ---------------------------------------------------------------------------------


def home_page(auth: Auth, site: Site) -> str:
    body = (
        "<h1>authguard example</h1>"
        f"<p>This is the <strong>{escape(site.framework)}</strong> app. This page is public; "
        "the others need a signed-in user.</p>"
        '<ul><li><a href="/dashboard">Dashboard</a> (signed-in)</li>'
        '<li><a href="/admin">Admin</a> (<code>org:admin</code>)</li>'
        f"<li>{_org_link(auth)} (members of the org)</li>"
        '<li><a href="/api/me">/api/me</a> (JSON)</li></ul>'
    )
    return page("Home", body, auth, site, path="/")


def dashboard_page(auth: Auth, site: Site) -> str:
    rows = "".join(
        f"<tr><th>{escape(name)}</th><td><code>{escape(str(value))}</code></td></tr>"
        for name, value in me(auth).items()
    )
    body = f'<h1>Dashboard</h1><div class="card"><table>{rows}</table></div>'
    return page("Dashboard", body, auth, site, path="/dashboard")


def admin_page(auth: Auth, site: Site) -> str:
    rows = "".join(
        f"<tr><td><code>{escape(path)}</code></td><td>{count}</td></tr>"
        for path, count in admin_stats(auth)["page_views"].items()
    )
    body = (
        f"<h1>Admin</h1><p>Only <code>org:admin</code> sees this.</p>"
        f'<div class="card"><table><tr><th>page</th><th>views</th></tr>{rows}</table></div>'
    )
    return page("Admin", body, auth, site, path="/admin")


def org_page(auth: Auth, site: Site, org_id: str) -> str:
    body = (
        f"<h1>Organization <code>{escape(org_id)}</code></h1>"
        f"<p>You are a member, with the role <code>{escape(str(auth.org_role))}</code>.</p>"
    )
    return page("Organization", body, auth, site, path="/orgs/{org_id}")


def forbidden_page(auth: Auth | None, site: Site) -> str:
    body = "<h1>403 — Forbidden</h1><p>You are signed in but lack what this page needs.</p>"
    return page("Forbidden", body, auth, site, path=None)


def page(title: str, body: str, auth: Auth | None, site: Site, *, path: str | None) -> str:
    """The whole HTML document around ``body``; counts a view of ``path``."""
    if path is not None:
        PAGE_VIEWS[path] += 1
    script = f'<script src="{escape(site.dev_script)}" defer></script>' if site.dev_script else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · authguard {escape(site.framework)} example</title>"
        f"<style>{CSS}</style>{script}</head><body>{_header(auth, site)}"
        f"<main>{body}</main></body></html>"
    )


def _header(auth: Auth | None, site: Site) -> str:
    nav = '<a href="/"><strong>authguard</strong></a><a href="/dashboard">Dashboard</a>'
    nav += '<a href="/admin">Admin</a>'
    if auth is not None and auth.is_signed_in:
        org = f" · {escape(auth.org_id)} ({escape(str(auth.org_role))})" if auth.org_id else ""
        who = (
            f'<span class="who" data-user="{escape(str(auth.user_id))}">Signed in as '
            f"<strong>{escape(str(auth.user_id))}</strong>{org} · "
            f'<a href="{escape(site.sign_out_link())}">Sign out</a></span>'
        )
    else:
        link = escape(site.sign_in_link())
        who = f'<span class="who">Signed out · <a href="{link}">Sign in</a></span>'
    return f"<header>{nav}{who}</header>"


def _org_link(auth: Auth) -> str:
    if auth.is_signed_in and auth.org_id:
        org = escape(auth.org_id)
        return f'<a href="/orgs/{org}">Your organization</a>'
    return '<a href="/orgs/org_acme">An organization</a>'
