"""The demo: ``python -m example_apps [--app fastapi|django|flask] [--port N] [--dev-port N]``.

Starts the dev server (in this process, data in ``./.authguard-dev``), puts the variables it
prints into the environment, serves the chosen example app on ``http://localhost:<port>``, and
stops both on Ctrl-C. ``python3 tasks.py demo`` runs this after installing everything.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from authguard.dev import DevConfig, DevConfigError, DevServer
from example_apps.common import APP_NAMES
from example_apps.serve import bind


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m example_apps", description=__doc__)
    parser.add_argument("--app", choices=APP_NAMES, default="fastapi", help="default: fastapi")
    parser.add_argument("--port", type=int, default=8000, help="the app's port (default: 8000)")
    parser.add_argument("--dev-port", type=int, default=4000, help="dev server (default: 4000)")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(".authguard-dev"),
        help="the dev server's key and users (default: ./.authguard-dev)",
    )  # fmt: skip
    return parser.parse_args(argv)


def users_text(dev: DevServer) -> str:
    """One line per seeded user: id, email, active organisation and role."""
    if dev.context is None:
        return ""
    directory = dev.context.directory
    lines = []
    for user in directory.users():
        membership = directory.active_membership(user)
        where = f"{membership.role} in {membership.org.id}" if membership else "no organization"
        pending = " (pending session task)" if user.pending else ""
        lines.append(f"  {user.id:<14} {user.email:<22} {where}{pending}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    origin = f"http://localhost:{args.port}"
    try:
        config = DevConfig(port=args.dev_port, data_dir=args.data_dir, app_origins=(origin,))
        dev = DevServer(config)
        dev.start()
    except (DevConfigError, OSError) as exc:
        print(f"demo: the dev server could not start: {exc}", file=sys.stderr)
        return 2
    try:
        return serve_app(args.app, args.port, dev)
    finally:
        dev.stop()


def serve_app(app: str, port: int, dev: DevServer) -> int:
    if dev.context is None:
        return 2
    os.environ.update(dev.context.environment())
    os.environ["AUTHGUARD_DEV_SCRIPT"] = f"{dev.url}/authguard-dev.js"
    try:
        bound = bind(app, "127.0.0.1", port)
    except OSError as exc:
        print(f"demo: port {port} is not available ({exc}); try --port", file=sys.stderr)
        return 2
    print(
        f"authguard demo: the {app} example app with the dev server at {dev.url}\n"
        f"Users you can sign in as (no password):\n{users_text(dev)}\n"
        f"Press Ctrl-C to stop.\n\n"
        f"open http://localhost:{bound.port}",
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        bound.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
