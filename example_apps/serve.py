"""Serve one example app under a real server: uvicorn (FastAPI), Werkzeug (Flask), Django's
own WSGI server (Django). ``python -m example_apps.serve --app flask --port 8000``.

The app is configured from the environment (the variables ``authguard dev`` prints). The socket
is bound before anything is printed, so the ``listening on`` line means it accepts connections.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from example_apps.common import APP_NAMES


@dataclass
class Bound:
    """A bound, not yet serving, app server: ``serve()`` blocks until interrupted."""

    port: int
    serve: Callable[[], None]


def bind(app: str, host: str = "127.0.0.1", port: int = 8000) -> Bound:
    """Build the app ``app`` (one of ``APP_NAMES``) and bind its server."""
    binders = {"fastapi": _fastapi, "django": _django, "flask": _flask}
    if app not in binders:
        raise ValueError(f"unknown app {app!r}; choose one of {', '.join(APP_NAMES)}")
    return binders[app](host, port)


def _fastapi(host: str, port: int) -> Bound:
    import uvicorn

    config = uvicorn.Config(
        "example_apps.fastapi_app:create_app", factory=True, host=host, port=port,
        log_level="warning", lifespan="off",
    )  # fmt: skip
    sock = config.bind_socket()
    sock.listen(config.backlog)  # uvicorn listens only once serving; queue connections now
    server = uvicorn.Server(config)
    return Bound(sock.getsockname()[1], lambda: server.run(sockets=[sock]))


def _flask(host: str, port: int) -> Bound:
    from werkzeug.serving import make_server

    from example_apps.flask_app import create_app

    server = make_server(host, port, create_app(), threaded=True)
    return Bound(server.server_port, server.serve_forever)


def _django(host: str, port: int) -> Bound:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_apps.django_app.settings")
    import django
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import (
        ThreadedWSGIServer,
        WSGIRequestHandler,
        get_internal_wsgi_application,
    )

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # the synced-users tables
    handler: WSGIHandler = get_internal_wsgi_application()
    server = ThreadedWSGIServer((host, port), WSGIRequestHandler)
    server.daemon_threads = True
    server.set_app(handler)
    return Bound(server.server_address[1], server.serve_forever)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m example_apps.serve", description=__doc__)
    parser.add_argument("--app", choices=APP_NAMES, default="fastapi")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    bound = bind(args.app, args.host, args.port)
    print(f"listening on http://localhost:{bound.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        bound.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
