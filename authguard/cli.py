"""The ``authguard`` command: ``dev`` (local instance), ``check`` (settings), ``inspect`` (a token).

Nothing here prints key material or secrets.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from authguard._jws import split_token
from authguard.exceptions import ConfigurationError, TokenVerificationError
from authguard.guard import Guard
from authguard.request import RequestInfo
from authguard.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "dev":
        from authguard.dev import main as dev_main

        return dev_main(list(argv if argv is not None else sys.argv[1:])[1:])
    if args.command == "check":
        return check(Settings.from_env(), sys.stdout)
    if args.command == "inspect":
        return inspect(args.token, Settings.from_env(), sys.stdout)
    parser.print_help()
    return 2


def _parser() -> argparse.ArgumentParser:
    from authguard.dev import add_arguments

    parser = argparse.ArgumentParser(prog="authguard", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    add_arguments(commands.add_parser("dev", help="run a local Clerk-compatible dev instance"))
    commands.add_parser("check", help="validate the settings read from the environment")
    inspect_parser = commands.add_parser("inspect", help="decode a token and verify it")
    inspect_parser.add_argument("token", help="a session token (JWT)")
    return parser


def check(settings: Settings, out: TextIO) -> int:
    """Say exactly what is missing or wrong in ``settings``; 0 when a Guard can be built."""
    try:
        settings.validate()
    except ConfigurationError as exc:
        print(f"error: {exc}", file=out)
        return 1
    print("ok: settings are valid", file=out)
    for line in _summary(settings):
        print(f"  {line}", file=out)
    for warning in settings.warnings():
        print(f"warning: {warning}", file=out)
    return 0


def _summary(settings: Settings) -> list[str]:
    if settings.jwt_key:
        source = "jwt_key (networkless PEM)"
    elif settings.jwks_url:
        source = f"jwks_url {settings.jwks_url}"
    else:
        source = f"Backend API {settings.backend_jwks_url} (secret key)"
    return [
        f"keys: {source}",
        f"instance: {settings.frontend_api or 'unknown (no publishable key)'}"
        + (" (development)" if settings.is_development else ""),
        f"sign-in URL: {settings.resolved_sign_in_url or 'none: signed-out pages get 401'}",
        f"authorized parties: {', '.join(settings.authorized_parties) or 'any (azp not checked)'}",
        f"app origin: {settings.app_origin or 'not set'}",
    ]


def inspect(token: str, settings: Settings, out: TextIO) -> int:
    """Show the token's header and claims, then the verdict under ``settings``."""
    try:
        header, payload, _, _ = split_token(token, settings.max_token_bytes)
    except TokenVerificationError as exc:
        print(f"verdict: signed-out ({exc.reason}): {exc.message}", file=out)
        return 1
    print("header:", _dump(header), file=out)
    print("claims:", _dump(payload), file=out)
    try:
        guard = Guard(settings)
    except ConfigurationError as exc:
        print(f"verdict: cannot verify, settings are incomplete: {exc}", file=out)
        return 1
    info = RequestInfo("GET", "/", "http://localhost/", {"authorization": f"Bearer {token}"})
    state = guard.authenticate(info)
    guard.close()
    if state.is_signed_in:
        print(f"verdict: signed-in as {state.auth.user_id}", file=out)
        return 0
    print(f"verdict: signed-out ({state.reason}): {state.message or ''}".rstrip(), file=out)
    return 1


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True)


if __name__ == "__main__":
    raise SystemExit(main())
