"""Django request → ``RequestInfo``, ``Decision`` → ``HttpResponse``, and the response finish.

``request.auth`` holds the ``Auth``; a private copy lives under ``AUTH_ATTR`` because DRF
replaces ``request.auth`` with whatever its winning authenticator returned.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from http.cookies import CookieError, Morsel
from typing import Any, cast

from django.core.exceptions import DisallowedHost, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase, ResponseHeaders
from django.utils.cache import patch_vary_headers

from authguard.decisions import Decision
from authguard.exceptions import AuthGuardError
from authguard.guard import Guard, RequestState
from authguard.integrations._common import WSGIHeaders
from authguard.request import RequestInfo

__all__ = [
    "AUTH_ATTR",
    "INFO_ATTR",
    "REFUSAL_ATTR",
    "decision_response",
    "finish_response",
    "framework_exception",
    "refusal",
    "request_info",
]

logger = logging.getLogger("authguard")

AUTH_ATTR = "_authguard_auth"
INFO_ATTR = "_authguard_info"
#: the Decision behind a PermissionDenied/Http404 we raised: its headers (no-store) are added
#: to whatever page the framework renders for it.
REFUSAL_ATTR = "_authguard_refusal"
_VARY = ("Authorization", "Cookie")
_VARY_VALUE = ", ".join(_VARY)
_BODY_HEADERS = frozenset({"content-type", "content-length"})


def _plain_store_layout() -> bool:
    """Whether ``ResponseHeaders`` keeps ``{lower-case name: (name, value)}`` in ``_store``
    (Django 3.2+), checked once: then a missing ``Vary`` is written there directly, the
    constant already validated, instead of through ``has_header`` and ``__setitem__``."""
    try:
        probe = ResponseHeaders({"Vary": _VARY_VALUE})
        return bool(cast(Any, probe)._store == {"vary": ("Vary", _VARY_VALUE)})
    except Exception:  # any other layout: the public way
        return False


_PLAIN_STORE = _plain_store_layout()
_VARY_ENTRY = ("Vary", _VARY_VALUE)


def _url(request: HttpRequest) -> tuple[str, bool]:
    """The absolute URL and whether ``ALLOWED_HOSTS`` validated its host."""
    try:
        return request.build_absolute_uri(), True
    except DisallowedHost:
        # Never a 500 for a bad Host: describe the request by the server's own name instead.
        server = request.META.get("SERVER_NAME", "localhost")
        port = str(request.META.get("SERVER_PORT", ""))
        default = "443" if request.scheme == "https" else "80"
        netloc = server if port in ("", default) else f"{server}:{port}"
        return f"{request.scheme}://{netloc}{request.get_full_path()}", False


def request_info(request: HttpRequest) -> RequestInfo:
    """Describe ``request`` to the core (SPEC §2): path is ``request.path_info`` (SPEC §7)."""
    cached = request.__dict__.get(INFO_ATTR)
    if isinstance(cached, RequestInfo):
        return cached
    cookie_header = request.META.get("HTTP_COOKIE", "")
    # The URL (and the ALLOWED_HOSTS check behind it) is derived only when the core needs it.
    info = RequestInfo.lazy(
        request.method or "GET",
        request.path_info,
        WSGIHeaders(request.META),
        cookie_header if type(cookie_header) is str else "",
        functools.partial(_url, request),
    )
    setattr(request, INFO_ATTR, info)
    return info


def decision_response(decision: Decision) -> HttpResponse:
    """A plain ``HttpResponse`` carrying the decision's status, headers and body as-is."""
    response = HttpResponse(decision.body, status=decision.status)
    _add_headers(response, decision.headers)
    return response


def framework_exception(request: HttpRequest, decision: Decision) -> Exception:
    """``PermissionDenied``/``Http404`` for a page 403/404, so the site's templates render."""
    setattr(request, REFUSAL_ATTR, decision)
    if decision.status == 404:
        return Http404()
    return PermissionDenied()


def refusal(request: HttpRequest, guard: Guard, error: AuthGuardError) -> HttpResponse:
    """The SPEC §6 response for ``error``; raises for page 403/404 (framework rendering)."""
    decision = guard.decide(error, request_info(request))
    if decision.framework_error:
        raise framework_exception(request, decision)
    return decision_response(decision)


class _RawSetCookie(Morsel[str]):
    """A ``Set-Cookie`` directive emitted exactly as the core produced it.

    Django emits one ``Set-Cookie`` line per entry of ``response.cookies``; ``HttpResponse``
    headers are a dict and cannot hold several. Name and value are parsed so the test
    client's cookie jar still works.
    """

    def __init__(self, directive: str) -> None:
        super().__init__()
        name, _, rest = directive.partition("=")
        value = rest.split(";", 1)[0].strip()
        self.set(name.strip(), value, value)
        self._directive = directive

    def OutputString(self, attrs: Any = None) -> str:
        return self._directive


def _add_set_cookie(response: HttpResponseBase, directive: str) -> None:
    try:
        morsel = _RawSetCookie(directive)
    except CookieError:
        logger.warning("authguard: dropped a Set-Cookie directive with an invalid cookie name")
        return
    key = morsel.key
    suffix = 1
    while key in response.cookies:  # same name on another path/domain: keep both lines
        key, suffix = f"{morsel.key}\x00{suffix}", suffix + 1
    dict.__setitem__(response.cookies, key, morsel)


def finish_response(
    request: HttpRequest, response: HttpResponseBase, state: RequestState | None
) -> HttpResponseBase:
    """Add ``Vary``, a refusal's headers (``no-store``) and the state's extra headers."""
    headers = response.headers
    store = cast(Any, headers)._store if _PLAIN_STORE and type(headers) is ResponseHeaders else None
    if store is not None and "vary" not in store:
        store["vary"] = _VARY_ENTRY  # what patch_vary_headers writes then
    elif response.has_header("Vary"):
        patch_vary_headers(response, _VARY)
    else:
        response.headers["Vary"] = _VARY_VALUE  # what patch_vary_headers writes then
    refused = request.__dict__.get(REFUSAL_ATTR)
    if isinstance(refused, Decision):
        for name, value in refused.headers:
            if name.lower() not in _BODY_HEADERS:
                response[name] = value
    if state is not None and state.status != "handshake":  # the handshake answer has them
        _add_headers(response, state.headers)
    return response


def _add_headers(response: HttpResponseBase, headers: Iterable[tuple[str, str]]) -> None:
    for name, value in headers:
        if name.lower() == "set-cookie":
            _add_set_cookie(response, value)
        else:
            response[name] = value
