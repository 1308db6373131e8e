"""Helpers of the end-to-end tests: subprocesses whose output is read line by line with a
deadline (a reader thread feeds a queue, so no test ever sleeps), free ports, the dev server.
"""

from __future__ import annotations

import os
import queue
import shlex
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The test's environment minus any Clerk settings, plus ``extra``; finds example_apps."""
    own = ("CLERK_", "AUTHGUARD_", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


class Process:
    """A child process; ``expect()`` returns its next stdout line matching a predicate."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path = ROOT) -> None:
        self.args = args
        self.popen = subprocess.Popen(
            args, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def expect(self, wanted: Callable[[str], bool], timeout: float = START_TIMEOUT) -> str:
        """The next line for which ``wanted`` holds; fails on exit or after ``timeout``."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                self.fail(f"no expected output within {timeout:.0f}s")
            if line is None:
                self.fail("exited before printing the expected output")
            self.seen.append(line)
            if wanted(line):
                return line

    def fail(self, what: str) -> NoReturn:
        output = "\n".join(self.seen[-40:])
        pytest.fail(f"{' '.join(self.args)}: {what}; its output:\n{output}")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


class DevServerProcess(Process):
    """``python -m authguard dev`` on a free port; ``env`` holds the variables it printed."""

    def __init__(self, data_dir: Path, app_origins: list[str]) -> None:
        args = [sys.executable, "-m", "authguard", "dev", "--port", "0"]
        args += ["--data-dir", str(data_dir)]
        for origin in app_origins:
            args += ["--app-origin", origin]
        super().__init__(args, child_env())
        self.env: dict[str, str] = {}
        while "AUTHGUARD_APP_ORIGIN" not in self.env:
            line = self.expect(lambda text: text.startswith("export "))
            name, _, value = shlex.split(line)[1].partition("=")
            self.env[name] = value
        self.url = self.env["CLERK_API_URL"]


class AppProcess(Process):
    """``python -m example_apps.serve`` for one app, configured with the dev server's variables."""

    def __init__(self, app: str, port: int, dev: DevServerProcess) -> None:
        env = dict(dev.env, AUTHGUARD_APP_ORIGIN=f"http://localhost:{port}")
        env["AUTHGUARD_DEV_SCRIPT"] = f"{dev.url}/authguard-dev.js"
        args = [sys.executable, "-m", "example_apps.serve", "--app", app, "--port", str(port)]
        super().__init__(args, child_env(env))
        self.expect(lambda text: text.startswith("listening on "))
        self.url = f"http://localhost:{port}"


def require_chromium() -> None:
    """A missing browser fails the run (CI installs it): a skip would hide untested apps."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(apt-get install chromium, or run `python3 tasks.py test`, which installs it)"
        )
