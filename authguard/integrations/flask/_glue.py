"""Flask ↔ core translation: ``RequestInfo`` from a Werkzeug request, ``Decision`` → response."""

from __future__ import annotations

from typing import TypeVar, cast

from flask import Flask, Request, Response
from werkzeug.exceptions import HTTPException, SecurityError, default_exceptions
from werkzeug.local import LocalProxy

from authguard.decisions import Decision
from authguard.integrations._common import WSGIHeaders
from authguard.request import RequestInfo

__all__ = ["apply_headers", "build_request_info", "render_decision"]

T = TypeVar("T")

# Headers of the core's own body; a framework-rendered error page brings its own.
_BODY_HEADERS = frozenset({"content-type", "content-length"})


def build_request_info(request: Request, app: Flask) -> RequestInfo:
    """Describe ``request`` to the core (SPEC §2, §7).

    ``path`` is ``request.path`` (what Flask routes on; ``SCRIPT_NAME`` excluded). The host is
    trusted only when ``TRUSTED_HOSTS`` is configured, because Werkzeug then validated it; a
    host that fails that validation never raises here: the URL is then built from the server's
    own name and the host is untrusted.
    """
    # Proxies unwrapped once: cheaper reads, and the URL may be resolved after the request
    # context is gone.
    real_request = _unproxied(request)
    real_app = _unproxied(app)
    environ = real_request.environ
    cookie_header = environ.get("HTTP_COOKIE", "")
    return RequestInfo.lazy(
        real_request.method,
        real_request.path,
        WSGIHeaders(environ),
        cookie_header if type(cookie_header) is str else "",
        lambda: _url(real_request, real_app),
    )


def _unproxied(obj: T) -> T:
    if isinstance(obj, LocalProxy):  # the request hooks already pass the real objects
        return cast(T, obj._get_current_object())
    return obj


def _url(request: Request, app: Flask) -> tuple[str, bool]:
    """The absolute URL and whether Werkzeug validated its host (``TRUSTED_HOSTS``)."""
    trusted = bool(app.config.get("TRUSTED_HOSTS"))
    try:
        return request.url, trusted
    except SecurityError:
        return _server_url(request), False


def _server_url(request: Request) -> str:
    environ = request.environ
    scheme = request.scheme if request.scheme in ("http", "https") else "http"
    name = str(environ.get("SERVER_NAME") or "localhost")
    port = str(environ.get("SERVER_PORT") or "")
    default = "443" if scheme == "https" else "80"
    host = name if not port or port == default else f"{name}:{port}"
    return f"{scheme}://{host}{request.root_path}{request.full_path.rstrip('?')}"


def apply_headers(response: Response, pairs: tuple[tuple[str, str], ...]) -> None:
    """Add the core's headers; ``Set-Cookie`` lines stay separate, others replace."""
    for name, value in pairs:
        if name.lower() == "set-cookie":
            response.headers.add(name, value)
        else:
            response.headers[name] = value


def render_decision(decision: Decision, app: Flask) -> Response:
    """A ``Decision`` as a Flask response (SPEC §6).

    ``framework_error`` decisions go through the app's own HTTP error handling (what
    ``abort(status)`` would do), keeping the decision's headers such as ``Cache-Control``.
    """
    if decision.framework_error and decision.status in default_exceptions:
        error: HTTPException = default_exceptions[decision.status]()
        response = app.make_response(app.handle_http_exception(error))
        extra = tuple(p for p in decision.headers if p[0].lower() not in _BODY_HEADERS)
        apply_headers(response, extra)
        return response
    return app.response_class(decision.body, status=decision.status, headers=list(decision.headers))
