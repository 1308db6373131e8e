"""Run the SPEC §6 table (``cases.py``) against every adapter in ``adapters/``."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from cases import CASES, Case
from harness import TOKENS, AdapterClient, Response, base_settings

ADAPTER_DIR = Path(__file__).resolve().parent / "adapters"
ADAPTERS = sorted(p.stem for p in ADAPTER_DIR.glob("*.py") if not p.stem.startswith("_"))


@cache
def load_adapter(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"authguard_conformance_{name}", ADAPTER_DIR / f"{name}.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fill(value: str, token: str | None) -> str:
    return value.replace("{token}", token) if token is not None else value


def send(client: AdapterClient, case: Case, token: str | None) -> Response:
    headers = [(name, _fill(value, token)) for name, value in case.headers]
    if case.cookies:
        cookie = "; ".join(f"{name}={_fill(value, token)}" for name, value in case.cookies)
        headers.append(("cookie", cookie))
    return client.request(case.method, _fill(case.path, token), headers)


def check(response: Response, case: Case, token: str | None) -> None:
    assert response.status == case.expect_status, (response.status, response.body[:300])
    vary = {part.strip().lower() for part in (response.header("vary") or "").split(",")}
    assert {"authorization", "cookie"} <= vary
    if case.expect_status in (303, 307, 401, 403, 503):
        assert response.header("cache-control") == "no-store"
    location = response.header("location")
    if case.expect_location_prefix is not None:
        assert location is not None
        assert location.startswith(case.expect_location_prefix)
        assert "\r" not in location
        assert "\n" not in location
    elif case.expect_status not in (303, 307):
        assert location is None
    for name, expected in case.expect_headers.items():
        assert response.header(name) == expected, name
    if case.expect_json is not None and case.method != "HEAD":
        assert response.json() == case.expect_json
    if token is not None:
        # error bodies and headers never echo the token
        assert token.split(".")[2].encode() not in response.body
        assert all(token.split(".")[2] not in value for _, value in response.headers)


@cache
def client_for(adapter: str, mode: str, overrides: tuple[tuple[str, object], ...]) -> AdapterClient:
    factory: Callable[..., AdapterClient] = load_adapter(adapter).make_client
    return factory(base_settings(**dict(overrides)), mode)


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_conformance(adapter: str, case: Case) -> None:
    client = client_for(adapter, case.mode, tuple(sorted(case.settings.items())))
    token = TOKENS[case.token]() if case.token else None
    first = send(client, case, token)
    check(first, case, token)
    if first.header("set-cookie") is not None:
        return  # the test client keeps cookies: a second request would not be the same one
    # Again on the same app: a token verified by the first request now takes the adapter's
    # express lane (Guard.express), which must answer exactly as the full path did.
    second = send(client, case, token)
    assert (second.status, second.headers, second.body) == (first.status, first.headers, first.body)


def test_every_adapter_is_present() -> None:
    assert {"starlette", "fastapi"} <= set(ADAPTERS)


def test_table_covers_every_status() -> None:
    statuses = {case.expect_status for case in CASES}
    assert statuses >= {200, 303, 307, 401, 403, 404, 503}
