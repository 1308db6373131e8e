"""The conformance app on FastAPI (``AuthGuardMiddleware`` + ``Protect(...)`` dependencies)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from authguard.fastapi import AuthGuardMiddleware, CurrentAuth, Protect
from authguard.settings import Settings

_spec = importlib.util.spec_from_file_location(
    "authguard_conformance_starlette_helpers", Path(__file__).with_name("starlette.py")
)
assert _spec is not None
assert _spec.loader is not None
_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_helpers)

METHODS = _helpers.METHODS


def _add(app: FastAPI, path: str, dependencies: list[Any]) -> None:
    async def show(auth: CurrentAuth) -> dict[str, Any]:
        return {"user_id": auth.user_id, "org_role": auth.org_role}

    app.api_route(path, methods=METHODS, dependencies=dependencies)(show)


def build_app(settings: Settings, mode: str) -> FastAPI:
    app = FastAPI()
    app.add_middleware(
        AuthGuardMiddleware,
        settings=settings,
        public_routes=_helpers.PUBLIC if mode == "public_routes" else None,
    )
    for path in ("/", "/public"):
        _add(app, path, [])
    for path, kwargs in _helpers.PROTECTED.items():
        _add(app, path, [Protect(**kwargs)] if mode == "decorators" else [])

    @app.api_route("/to-sign-in", methods=METHODS)
    async def to_sign_in(auth: CurrentAuth) -> None:
        auth.redirect_to_sign_in()

    return app


def make_client(settings: Settings, mode: str) -> Any:
    return _helpers.TestClientAdapter(build_app(settings, mode))
