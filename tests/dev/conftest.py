"""Fixtures for the dev server tests: a real server on a free loopback port, a temp data dir."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from devkit import FakeClock

from authguard.dev import DevConfig, DevServer
from authguard.dev.instance import INSTANCE_FILE, KEY_FILE, Instance


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def instance_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One instance (key + secret) copied into every test data dir: RSA keygen is slow."""
    template = tmp_path_factory.mktemp("instance")
    Instance.load_or_create(template)
    return template


@pytest.fixture
def data_dir(tmp_path: Path, instance_template: Path) -> Path:
    target = tmp_path / "data"
    target.mkdir()
    for name in (KEY_FILE, INSTANCE_FILE):
        shutil.copy2(instance_template / name, target / name)
    return target


@pytest.fixture
def start_server(data_dir: Path, clock: FakeClock) -> Iterator[Callable[..., DevServer]]:
    """Start a dev server (port 0, the test's data dir); every one is stopped afterwards."""
    servers: list[DevServer] = []

    def start(**options: Any) -> DevServer:
        options.setdefault("port", 0)
        options.setdefault("data_dir", data_dir)
        server = DevServer(DevConfig(**options), clock=clock)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def server(start_server: Callable[..., DevServer]) -> DevServer:
    return start_server()


@pytest.fixture
def client(server: DevServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url) as http:
        yield http
