"""Load and isolation: many concurrent clients against a real uvicorn process.

Bounded by request count, not time. Every answer must name exactly the user whose token was
sent (or refuse the anonymous ones); memory (the server's VmRSS) must stay flat.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from harness import KEY

from authguard.testing import mint_session_token

pytestmark = pytest.mark.e2e

CLIENTS = 50
REQUESTS_PER_CLIENT = 80  # 4,000 in all
WARM_UP_PER_CLIENT = 10
RSS_GROWTH_BOUND_KIB = 48 * 1024  # generous: a leak per request would exceed it many times over
HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    port = sock.getsockname()[1]
    env = {**os.environ, "CLERK_JWT_KEY": KEY.public_pem(), "PYTHONPATH": str(HERE.parents[1])}
    command = [sys.executable, "-m", "uvicorn", "load_app:app", "--app-dir", str(HERE)]
    command += ["--fd", str(sock.fileno()), "--log-level", "error", "--no-access-log"]
    process = subprocess.Popen(command, env=env, pass_fds=[sock.fileno()])
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        sock.close()


def _wait_ready(base: str) -> None:
    # The socket is already listening (we own it); the first request waits for the app.
    response = httpx.get(f"{base}/health", timeout=60)
    assert response.status_code == 200


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def run_client(base: str, index: int, count: int) -> list[str]:
    """``count`` requests as user ``index`` (every 8th anonymous); returns the mismatches."""
    user = f"user_{index:03d}"
    token = mint_session_token(KEY, user_id=user, expires_in=600)
    problems: list[str] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for n in range(count):
            anonymous = n % 8 == 7
            headers = {} if anonymous else {"authorization": f"Bearer {token}"}
            response = client.get("/me", headers=headers)
            expected = (401, None) if anonymous else (200, user)
            if response.status_code != expected[0]:
                problems.append(f"{user}: status {response.status_code}")
            elif not anonymous and response.text != user:
                problems.append(f"{user}: got {response.text!r}")
            elif anonymous and "user_" in response.text:
                problems.append(f"{user}: anonymous saw an identity")
    return problems


def burst(base: str, per_client: int) -> list[str]:
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = pool.map(lambda i: run_client(base, i, per_client), range(CLIENTS))
        return [problem for problems in results for problem in problems]


def test_identities_never_cross_and_memory_stays_flat(server: tuple[str, int]) -> None:
    base, pid = server
    assert burst(base, WARM_UP_PER_CLIENT) == []
    warm = rss_kib(pid)
    assert burst(base, REQUESTS_PER_CLIENT) == []
    assert rss_kib(pid) - warm < RSS_GROWTH_BOUND_KIB
