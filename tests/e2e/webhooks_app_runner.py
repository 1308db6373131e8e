"""Serve one example app WITH its ``/webhooks/clerk`` endpoint (for test_e2e_webhooks).

``python tests/e2e/webhooks_app_runner.py --app django --port 8123``. Until the examples wire
the endpoint themselves, this adds the wiring their modules document (and skips it once the
route exists); the Django app also gets a SQLite database (``AUTHGUARD_EXAMPLE_DB``) and is
migrated. Prints ``listening on <url>`` once the socket accepts connections.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from types import ModuleType

HOST = "127.0.0.1"


def fastapi_server(port: int) -> tuple[int, Callable[[], None]]:
    import uvicorn

    from example_apps.fastapi_app import create_app, webhooks

    app = create_app()
    if not any(getattr(r, "path", "") == "/webhooks/clerk" for r in app.routes):
        app.include_router(webhooks.router)
    config = uvicorn.Config(app, host=HOST, port=port, log_level="warning", lifespan="off")
    sock = config.bind_socket()
    sock.listen(config.backlog)
    server = uvicorn.Server(config)
    return sock.getsockname()[1], lambda: server.run(sockets=[sock])


def flask_server(port: int) -> tuple[int, Callable[[], None]]:
    from werkzeug.serving import make_server

    from example_apps.flask_app import create_app, webhooks

    app = create_app()
    if not any(rule.rule == "/webhooks/clerk" for rule in app.url_map.iter_rules()):
        app.register_blueprint(webhooks.blueprint)
    server = make_server(HOST, port, app, threaded=True)
    return server.server_port, server.serve_forever


def django_server(port: int) -> tuple[int, Callable[[], None]]:
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    from example_apps.django_app import settings as example

    values = {name: getattr(example, name) for name in dir(example) if name.isupper()}
    apps = list(values["INSTALLED_APPS"])
    if "example_apps.django_app" not in apps:
        apps.append("example_apps.django_app")
    values["INSTALLED_APPS"] = apps
    if not values.get("DATABASES"):
        name = os.environ["AUTHGUARD_EXAMPLE_DB"]
        values["DATABASES"] = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": name}}
    values["ROOT_URLCONF"] = "webhooks_e2e_urls"
    settings.configure(**values)
    django.setup()
    sys.modules["webhooks_e2e_urls"] = _urls()
    call_command("migrate", verbosity=0)
    server = ThreadedWSGIServer((HOST, port), WSGIRequestHandler)
    server.daemon_threads = True
    server.set_app(get_wsgi_application())
    return server.server_address[1], server.serve_forever


def _urls() -> ModuleType:
    from django.urls import path

    from example_apps.django_app import urls, webhooks

    module = ModuleType("webhooks_e2e_urls")
    patterns = list(urls.urlpatterns)
    if not any(str(p.pattern) == "webhooks/clerk" for p in patterns):
        patterns.append(path("webhooks/clerk", webhooks.clerk_webhook))
    module.urlpatterns = patterns  # type: ignore[attr-defined]
    return module


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", choices=("fastapi", "flask", "django"), required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    servers = {"fastapi": fastapi_server, "flask": flask_server, "django": django_server}
    port, serve = servers[args.app](args.port)
    print(f"listening on http://{HOST}:{port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
