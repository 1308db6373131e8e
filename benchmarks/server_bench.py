"""Section 4: uvicorn (one worker, subprocess on loopback) serving bare vs authguard, driven by
Debian's ``wrk`` for a bounded time. Runs alternate bare/guarded; medians of the runs."""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.common import APP_ORIGIN, KEY, Budget, Results, Row, admin_token

SECTION = "4 server"
ROOT = Path(__file__).resolve().parent.parent
RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_listening(port: int, proc: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)  # polling a subprocess's socket, not papering over a race
    raise RuntimeError("uvicorn did not start listening in time")


@contextmanager
def uvicorn(app: str) -> Iterator[int]:
    port = _free_port()
    env = {**os.environ, "CLERK_JWT_KEY": KEY.public_pem(), "AUTHGUARD_APP_ORIGIN": APP_ORIGIN}
    command = [sys.executable, "-m", "uvicorn", f"benchmarks.server_app:{app}"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    command += ["--no-access-log"]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        _wait_listening(port, proc, time.monotonic() + 20)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def wrk(port: int, seconds: int, token: str | None) -> float:
    command = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency"]
    if token is not None:
        command += ["-H", f"Authorization: Bearer {token}"]
    command.append(f"http://127.0.0.1:{port}/")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = NON_2XX.search(out)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} non-2xx responses")
    match = RPS.search(out)
    if match is None:
        raise RuntimeError(f"no Requests/sec in wrk output: {out!r}")
    return float(match.group(1))


def run(results: Results, budget: Budget) -> None:
    if shutil.which("wrk") is None:
        results.skipped.append("section 4: wrk not found (apt-get install -y wrk)")
        return
    token = admin_token()
    rates: dict[str, list[float]] = {"bare": [], "guarded": []}
    for _ in range(budget.wrk_runs):
        for app in ("bare", "guarded"):
            # Byte-identical traffic for both apps: the bare app receives (and ignores) the same
            # Authorization header, so uvicorn's and wrk's cost of a ~1 KB header is not
            # charged to authguard.
            with uvicorn(app) as port:
                wrk(port, 1, token)  # warm-up
                rates[app].append(wrk(port, budget.wrk_seconds, token))
    bare, guarded = statistics.median(rates["bare"]), statistics.median(rates["guarded"])
    note = f"wrk -t2 -c32 -d{budget.wrk_seconds}s x{budget.wrk_runs}, uvicorn 1 worker"
    results.rows.append(Row(SECTION, "uvicorn bare", bare, unit="req/s", note=note))
    results.rows.append(
        Row(
            SECTION,
            "uvicorn authguard repeated",
            guarded,
            unit="req/s",
            baseline="uvicorn bare",
            ratio=guarded / bare,
            note=note,
        )
    )
