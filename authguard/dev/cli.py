"""``authguard dev``: options, start-up output, and serving until interrupted."""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from pathlib import Path

from authguard.dev.config import (
    DEFAULT_APP_ORIGIN,
    DEFAULT_DATA_DIR,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DevConfig,
    DevConfigError,
    parse_jwt_template,
)
from authguard.dev.pages import BANNER
from authguard.dev.server import DevServer


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``authguard dev`` options to ``parser`` (used by ``authguard.cli``)."""
    parser.add_argument("--host", default=DEFAULT_HOST, help="loopback host (default: localhost)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default: 4000)")
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR,
        help="where the key, secret key and users are kept (default: ./.authguard-dev)",
    )  # fmt: skip
    parser.add_argument(
        "--users", type=Path, default=None, metavar="FILE",
        help="users and organizations, JSON or TOML (format: authguard.dev.directory)",
    )  # fmt: skip
    parser.add_argument(
        "--app-origin", action="append", dest="app_origins", metavar="ORIGIN",
        help=f"origin of an app using this instance; repeatable (default: {DEFAULT_APP_ORIGIN})",
    )  # fmt: skip
    parser.add_argument(
        "--token-ttl", type=int, default=60, help="session token lifetime, seconds (default: 60)"
    )
    parser.add_argument(
        "--claims-version", type=int, choices=(1, 2), default=2,
        help="session token claims version (default: 2)",
    )  # fmt: skip
    parser.add_argument(
        "--webhook", action="append", dest="webhooks", metavar="URL",
        help="deliver signed webhook events (Clerk's) to URL; repeatable",
    )  # fmt: skip
    parser.add_argument(
        "--claims", type=Path, default=None, metavar="FILE",
        help="custom session token claims, JSON with {{user.public_metadata.role}}-style "
        "shortcodes (format: authguard.dev.claims_template)",
    )  # fmt: skip
    parser.add_argument(
        "--jwt-template", action="append", dest="jwt_templates", metavar="NAME=FILE",
        help="a JWT template for sessions.create_token(sid, NAME); repeatable "
        "(format: authguard.dev.jwt_templates)",
    )  # fmt: skip


def config_from_args(args: argparse.Namespace) -> DevConfig:
    return DevConfig(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir,
        users_file=args.users,
        app_origins=tuple(args.app_origins or (DEFAULT_APP_ORIGIN,)),
        token_ttl=args.token_ttl,
        claims_version=args.claims_version,
        webhooks=tuple(args.webhooks or ()),
        claims_file=args.claims,
        jwt_templates=tuple(parse_jwt_template(v) for v in args.jwt_templates or ()),
    )


def exports(environment: dict[str, str]) -> str:
    """The variables as ``export NAME=value`` lines, shell-quoted."""
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in environment.items())


def main(argv: list[str] | None = None) -> int:
    """Run ``authguard dev`` with ``argv`` (the options after ``dev``); returns the exit code."""
    parser = argparse.ArgumentParser(prog="authguard dev", description=BANNER)
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        server = DevServer(config_from_args(args))
        url = server.bind()
    except (DevConfigError, OSError) as exc:
        print(f"authguard dev: error: {exc}", file=sys.stderr)
        return 2
    if server.context is None:  # bind() sets it; keeps the type checker honest
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    print(f"# {BANNER}: {url}", file=sys.stderr)
    print(f"# Sign in at {url}/sign-in — paste these into your app's shell:", file=sys.stderr)
    sys.stdout.write(exports(server.context.environment()))
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
