"""Section 2: Django and Flask as WSGI callables called directly with a prepared environ."""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from flask import Flask

from authguard.flask import AuthGuard
from authguard.flask import protect as flask_protect
from benchmarks.common import ROLE, Budget, Results, Row, admin_token, compare, settings

SECTION = "2 wsgi"
WSGIApp = Callable[..., Any]


def environ(path: str, token: str | None) -> dict[str, Any]:
    env: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "bench.test",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "bench.test",
        "HTTP_ACCEPT": "*/*",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if token is not None:
        env["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return env


def _batch(app: WSGIApp, environs: Sequence[dict[str, Any]]) -> float:
    failures = 0

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        nonlocal failures
        if not status.startswith("200"):
            failures += 1

    start = time.perf_counter()
    for env in environs:
        body = app(dict(env), start_response)
        for _ in body:
            pass
        close = getattr(body, "close", None)
        if close is not None:
            close()
    elapsed = time.perf_counter() - start
    if failures:
        raise RuntimeError(f"{failures} of {len(environs)} calls were not 200")
    return elapsed


def measure(cases: Sequence[tuple[WSGIApp, Sequence[dict[str, Any]]]], rounds: int) -> list[float]:
    """Median µs per call of each case; rounds interleaved (as in section 1) so machine noise
    hits bare and guarded alike. The first round warms up and is dropped."""
    times: list[list[float]] = [[] for _ in cases]
    for _ in range(rounds + 1):
        for i, (app, environs) in enumerate(cases):
            times[i].append(_batch(app, environs) / len(environs) * 1e6)
    return [sorted(t[1:])[len(t[1:]) // 2] for t in times]


def flask_bare() -> Flask:
    app = Flask("bench_bare")

    @app.get("/")
    def ok() -> str:
        return "ok"

    return app


def flask_authguard() -> Flask:
    app = Flask("bench_authguard")
    AuthGuard(app, settings=settings())

    @app.get("/")
    @flask_protect(role=ROLE)
    def ok() -> str:
        return "ok"

    return app


def run(results: Results, budget: Budget) -> None:
    from benchmarks import django_app

    token = admin_token()
    cases: list[tuple[str, WSGIApp, str, str | None]] = [
        ("django bare", django_app.wsgi_app(authguard=False), "/bare", None),
        ("django authguard repeated", django_app.wsgi_app(authguard=True), "/ag", token),
        ("flask bare", flask_bare(), "/", None),
        ("flask authguard repeated", flask_authguard(), "/", token),
    ]
    prepared = [(app, [environ(path, tok)] * budget.calls) for _, app, path, tok in cases]
    for (name, *_), value in zip(cases, measure(prepared, budget.rounds), strict=True):
        results.rows.append(Row(SECTION, name, value))
    compare(results, "django authguard repeated", "django bare")
    compare(results, "flask authguard repeated", "flask bare")
