"""Tokens minted by the dev server, checked by Clerk's own ``@clerk/backend`` (npm) under Node.js.

``verify.mjs`` calls its ``verifyToken`` networklessly (``jwtKey`` = the dev server's public key
as PEM) and reports how its ``signedInAuthObject``/``has()`` read the claims; every answer is
compared with what our ``Guard``/``Auth`` make of the same token. The npm package is pinned in
``package.json``/``package-lock.json`` and installed by ``python3 tasks.py test``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from authguard import Guard, Settings
from authguard.auth import Auth
from authguard.dev import DevConfig, DevServer
from authguard.request import RequestInfo
from authguard.testing import KeyPair

pytestmark = pytest.mark.e2e

INTEROP = Path(__file__).resolve().parent
SCRIPT = INTEROP / "verify.mjs"
PACKAGE = INTEROP / "node_modules" / "@clerk" / "backend"
APP = "http://localhost:8000"
OTHER_APP = "http://127.0.0.1:9000"
INSTALL_HINT = "run `python3 tasks.py test` (it runs `npm ci` in tests/interop) first"

HAS_CHECKS: list[dict[str, Any]] = [
    {"role": "org:admin"},
    {"role": "admin"},
    {"role": "org:member"},
    {"permission": "org:memberships:manage"},
    {"permission": "org:memberships:read"},
    {"permission": "org:memberships:delete"},
    {"feature": "memberships"},
    {"feature": "org:memberships"},
    {"feature": "billing"},
    {"plan": "pro"},
    {"reverification": "strict"},
    {"reverification": "strict_mfa"},
    {"reverification": "lax"},
    {"reverification": {"level": "first_factor", "afterMinutes": 10}},
    {"reverification": {"level": "multi_factor", "afterMinutes": 1}},
    {"role": "org:admin", "permission": "org:memberships:read"},
]

StartServer = Callable[..., DevServer]
Case = tuple[str, str, list[str]]  # token, PEM key, authorized parties


def clerk_verify(
    token: str, jwt_key: str, parties: Sequence[str], checks: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """Run verify.mjs; a missing Node.js or npm install fails the test (never skips it)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"Node.js (20+) is not on PATH: install it, then {INSTALL_HINT}")
    if not PACKAGE.is_dir():
        pytest.fail(f"@clerk/backend is missing from tests/interop/node_modules: {INSTALL_HINT}")
    request = {"token": token, "jwtKey": jwt_key, "authorizedParties": list(parties)}
    result = subprocess.run(
        [node, str(SCRIPT)],
        input=json.dumps({**request, "checks": list(checks)}),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=INTEROP,
        check=False,
    )
    assert result.returncode == 0, f"verify.mjs failed: {result.stderr[-2000:]}"
    verdict: dict[str, Any] = json.loads(result.stdout)
    return verdict


def our_auth(token: str, jwt_key: str, parties: Sequence[str]) -> Auth:
    guard = Guard(Settings(jwt_key=jwt_key, authorized_parties=tuple(parties), app_origin=APP))
    try:
        headers = {"authorization": f"Bearer {token}"}
        return guard.authenticate(RequestInfo("GET", "/api", f"{APP}/api", headers)).auth
    finally:
        guard.close()


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[StartServer]:
    """Dev servers on free loopback ports, one data dir (so one signing key) for the test."""
    servers: list[DevServer] = []

    def start(clock: Callable[[], float] = time.time, **options: Any) -> DevServer:
        options.setdefault("app_origins", (APP, OTHER_APP))
        server = DevServer(DevConfig(port=0, data_dir=tmp_path, **options), clock=clock)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def public_pem(server: DevServer) -> str:
    """The dev server's signing key, from its public JWKS, as the PEM Clerk's Dashboard shows."""
    jwks = httpx.get(f"{server.url}/.well-known/jwks.json").json()
    assert len(jwks["keys"]) == 1
    key = jwt.PyJWK(jwks["keys"][0]).key
    pem: bytes = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode()


def session_token(server: DevServer, user_id: str, return_url: str = f"{APP}/dashboard") -> str:
    """Sign in through the dev server's own sign-in form; the token is its ``__session``."""
    with httpx.Client(base_url=server.url) as http:
        page = http.get("/sign-in")
        match = re.search(r'name="form_token" value="([^"]+)"', page.text)
        assert match is not None, "the sign-in page has no form token"
        form = {"user_id": user_id, "redirect_url": return_url, "form_token": match.group(1)}
        assert http.post("/sign-in", data=form).status_code == 303
        token = http.cookies.get("__session")
    assert token
    return token


def fva(value: Sequence[int] | None) -> list[int] | None:
    return None if value is None else list(value)


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("user_id", ["user_admin", "user_member", "user_other", "user_solo"])
def test_clerk_backend_reads_dev_tokens_as_we_do(
    start_server: StartServer, version: int, user_id: str
) -> None:
    server = start_server(claims_version=version)
    token, pem = session_token(server, user_id), public_pem(server)
    verdict = clerk_verify(token, pem, [APP], HAS_CHECKS)
    ours = our_auth(token, pem, [APP])
    assert verdict["ok"] is True, verdict
    assert ours.is_signed_in
    assert verdict["payload"] == dict(ours.claims)
    assert verdict["payload"]["sub"] == user_id
    assert verdict["payload"].get("v") == (2 if version == 2 else None)
    assert verdict["auth"] == {
        "userId": ours.user_id,
        "sessionId": ours.session_id,
        "sessionStatus": ours.session_status,
        "orgId": ours.org_id,
        "orgRole": ours.org_role,
        "orgSlug": ours.org_slug,
        "orgPermissions": list(ours.org_permissions) if ours.org_id else None,
        "factorVerificationAge": fva(ours.factor_verification_age),
        "actor": None,
    }
    assert verdict["has"] == [ours.has(**check) for check in HAS_CHECKS]


def test_org_claims_of_an_admin_are_read_the_same_in_v1_and_v2(start_server: StartServer) -> None:
    """A sanity anchor for the table above: it must see the org, not two empty readings."""
    answers = []
    for version in (1, 2):
        server = start_server(claims_version=version)
        verdict = clerk_verify(session_token(server, "user_admin"), public_pem(server), [APP])
        answers.append(verdict["auth"])
        server.stop()
    assert answers[0] | {"sessionId": None} == answers[1] | {"sessionId": None}
    assert answers[1]["orgRole"] == "org:admin"
    assert answers[1]["orgPermissions"] == ["org:memberships:manage", "org:memberships:read"]


def test_pending_session_verifies_and_is_pending_for_both(start_server: StartServer) -> None:
    server = start_server()
    token, pem = session_token(server, "user_pending"), public_pem(server)
    verdict = clerk_verify(token, pem, [APP])
    ours = our_auth(token, pem, [APP])
    assert verdict["ok"] is True
    assert verdict["auth"]["sessionStatus"] == ours.session_status == "pending"
    assert not ours.is_signed_in


def expired(start_server: StartServer) -> Case:
    server = start_server(clock=lambda: time.time() - 3600)
    return session_token(server, "user_admin"), public_pem(server), [APP]


def other_parties(start_server: StartServer) -> Case:
    server = start_server()
    return session_token(server, "user_admin"), public_pem(server), ["https://other.example"]


def azp_of_another_app(start_server: StartServer) -> Case:
    """The dev server itself sets azp to the other app's origin (the return URL's)."""
    server = start_server()
    token = session_token(server, "user_admin", f"{OTHER_APP}/dashboard")
    assert jwt.decode(token, options={"verify_signature": False})["azp"] == OTHER_APP
    return token, public_pem(server), [APP]


def foreign_key(start_server: StartServer) -> Case:
    server = start_server()
    return session_token(server, "user_admin"), KeyPair.generate().public_pem(), [APP]


def tampered(start_server: StartServer) -> Case:
    server = start_server()
    header, payload, signature = session_token(server, "user_member").split(".")
    claims = jwt.decode(f"{header}.{payload}.{signature}", options={"verify_signature": False})
    forged = jwt.utils.base64url_encode(json.dumps({**claims, "sub": "user_admin"}).encode())
    return f"{header}.{forged.decode()}.{signature}", public_pem(server), [APP]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (expired, "token-expired"),
        (other_parties, "token-invalid-authorized-parties"),
        (azp_of_another_app, "token-invalid-authorized-parties"),
        (foreign_key, "token-invalid-signature"),
        (tampered, "token-invalid-signature"),
    ],
)
def test_clerk_backend_refuses_what_we_refuse_for_the_same_reason(
    start_server: StartServer, make: Callable[[StartServer], Case], reason: str
) -> None:
    token, pem, parties = make(start_server)
    verdict = clerk_verify(token, pem, parties)
    ours = our_auth(token, pem, parties)
    assert verdict["ok"] is False
    assert verdict["reason"] == reason
    assert not ours.is_signed_in
    assert ours.reason == reason
