"""The OpenAPI document of routes using authguard's dependencies is byte-identical to the one
of routes declaring the two Clerk security schemes the plain FastAPI way (``Security(...)``
parameters of an ordinary dependency), whatever shape the route has."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from authguard.fastapi import Protect, get_auth, require_auth
from authguard.integrations.fastapi import bearer_scheme, session_cookie_scheme

other_scheme = HTTPBearer(auto_error=False, scheme_name="OtherBearer")


async def reference(
    conn: HTTPConnection,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)] = None,
    _cookie: Annotated[str | None, Security(session_cookie_scheme)] = None,
) -> None:
    """How a route documents Clerk's schemes without authguard."""


Dependency = Callable[..., Any]


def build(protect: Callable[..., Any], current: Dependency, required: Dependency) -> FastAPI:
    app = FastAPI()

    @app.get("/plain", dependencies=[protect()])
    async def plain() -> str:
        return "ok"

    @app.post("/items/{item_id}", dependencies=[protect(role="org:admin")])
    async def item(item_id: int, q: str | None = None) -> dict[str, Any]:
        return {"item_id": item_id}

    @app.get("/me")
    async def me(auth: Any = Depends(current)) -> str:
        return "ok"

    @app.get("/mixed", dependencies=[Security(other_scheme), protect(permission="org:x:y")])
    async def mixed(
        auth: Any = Depends(required),
        extra: Any = Depends(current),
    ) -> str:
        return "ok"

    return app


def _authguard() -> FastAPI:
    return build(Protect, get_auth, require_auth(role="org:admin"))


def _reference() -> FastAPI:
    return build(lambda **_: Depends(reference), reference, reference)


def _document(app: FastAPI) -> str:
    return json.dumps(app.openapi(), sort_keys=False)


def test_openapi_byte_identical_to_plain_security_declarations() -> None:
    assert _document(_authguard()) == _document(_reference())


@pytest.mark.parametrize("path", ["/plain", "/me", "/mixed"])
def test_routes_declare_both_clerk_schemes(path: str) -> None:
    operation = next(iter(_authguard().openapi()["paths"][path].values()))
    assert {"ClerkBearer": []} in operation["security"]
    assert {"ClerkSessionCookie": []} in operation["security"]
