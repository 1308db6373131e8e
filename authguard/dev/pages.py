"""Plain HTML pages of the dev server; every value is escaped, nothing loads from elsewhere."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from urllib.parse import urlencode

from authguard.dev.routing import DevResponse

BANNER = "Development instance — not for production"

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
.banner { background: #9a3412; color: #fff; padding: .5rem 1rem; font-weight: 600; }
main { max-width: 44rem; margin: 2rem auto; padding: 0 1rem; }
.card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 1rem 1.25rem;
  margin-bottom: 1rem; }
form.user { display: flex; justify-content: space-between; align-items: center; gap: 1rem; }
button { font: inherit; padding: .35rem .9rem; border-radius: 6px; border: 1px solid #1f6feb;
  background: #1f6feb; color: #fff; cursor: pointer; }
input { font: inherit; padding: .3rem .5rem; width: 100%; box-sizing: border-box; }
label { display: block; margin: .5rem 0; }
pre { background: #0d1117; color: #e6edf3; padding: 1rem; border-radius: 6px; overflow-x: auto; }
.muted { color: #57606a; font-size: .9rem; }
.error { color: #b91c1c; }
"""


def page(status: int, title: str, body: str, *, form_targets: Iterable[str] = ()) -> DevResponse:
    """A full HTML page with the development banner; ``body`` must already be escaped."""
    html = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · authguard dev</title><style>{_STYLE}</style></head>"
        f'<body><div class="banner" role="alert">{BANNER}</div>'
        f"<main><h1>{escape(title)}</h1>{body}</main></body></html>\n"
    )
    # form-action also governs where a form's redirect may go, hence the app origins.
    targets = " ".join(["'self'", *form_targets])
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
        f"frame-ancestors 'none'; form-action {targets}"
    )
    response = DevResponse(status, html.encode())
    response.header("Content-Type", "text/html; charset=utf-8")
    response.header("Cache-Control", "no-store")
    response.header("Content-Security-Policy", csp)
    response.header("X-Frame-Options", "DENY")
    return response.header("Referrer-Policy", "no-referrer")


def landing_body(env: Mapping[str, str], server_url: str, secret_hidden: str) -> str:
    lines = "\n".join(
        f"export {name}={escape(secret_hidden if name == 'CLERK_SECRET_KEY' else value)}"
        for name, value in env.items()
    )
    base = escape(server_url)
    return (
        '<div class="card"><p>A local, Clerk-compatible instance for authguard apps.</p>'
        f'<p><a href="{base}/sign-in">Sign in</a> · <a href="{base}/sign-up">Sign up</a> · '
        f'<a href="{base}/sign-out">Sign out</a> · '
        f'<a href="{base}/.well-known/jwks.json">JWKS</a></p></div>'
        f'<div class="card"><h2>Environment for your app</h2><pre>{lines}</pre>'
        '<p class="muted">Add <code>&lt;script src="'
        f'{base}/authguard-dev.js" defer&gt;&lt;/script&gt;</code> to your pages to keep '
        "the session token fresh while they are open.</p></div>"
    )


def sign_in_body(users: Iterable[tuple[str, str, str]], redirect_url: str, form_token: str) -> str:
    """``users`` holds (user id, label, detail) rows."""
    rows = []
    for user_id, label, detail in users:
        rows.append(
            '<form class="card user" method="post" action="/sign-in">'
            f"<div><strong>{escape(label)}</strong><br>"
            f'<span class="muted">{escape(detail)}</span></div>'
            f'<input type="hidden" name="user_id" value="{escape(user_id)}">'
            f"{_hidden(redirect_url, form_token)}"
            '<div><button type="submit">Sign in</button></div></form>'
        )
    query = escape(urlencode({"redirect_url": redirect_url}))
    return (
        "<p>Pick a user. No password: this is a development instance.</p>"
        + "".join(rows)
        + f'<p>No suitable user? <a href="/sign-up?{query}">Sign up</a>.</p>'
    )


def sign_up_body(
    redirect_url: str, form_token: str, *, error: str = "", email: str = "", first_name: str = ""
) -> str:
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    query = escape(urlencode({"redirect_url": redirect_url}))
    return (
        f'{message}<form class="card" method="post" action="/sign-up">'
        '<label>Email <input type="email" name="email" required '
        f'value="{escape(email)}"></label>'
        '<label>First name <input type="text" name="first_name" '
        f'value="{escape(first_name)}"></label>'
        f'{_hidden(redirect_url, form_token)}<button type="submit">Sign up</button></form>'
        f'<p>Already have a user? <a href="/sign-in?{query}">Sign in</a>.</p>'
    )


def message_body(text: str, server_url: str) -> str:
    home = f'<a href="{escape(server_url)}/">Home</a>'
    return f'<div class="card"><p>{escape(text)}</p><p>{home}</p></div>'


def _hidden(redirect_url: str, form_token: str) -> str:
    return (
        f'<input type="hidden" name="redirect_url" value="{escape(redirect_url)}">'
        f'<input type="hidden" name="form_token" value="{escape(form_token)}">'
    )
