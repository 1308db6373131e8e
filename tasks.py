#!/usr/bin/env python3
"""The two commands a newcomer needs (Python 3.11+ and Node.js 20+; apt for the browser tests).

    python3 tasks.py demo     # dev server + the FastAPI example app (add --app django|flask)
    python3 tasks.py test     # the whole test suite, exactly what CI runs

Everything is installed into ./.venv (and tox's own environments under ./.tox).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
DEMO_EXTRAS = ".[starlette,fastapi,django,flask]"
DEMO_DEPS = ["uvicorn>=0.30"]
TEST_DEPS = ["tox>=4.20"]
PYTHONS = ("3.11", "3.12")
INTEROP = ROOT / "tests" / "interop"


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env=env)


def ensure_venv(*packages: str) -> None:
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
        run(PY, "-m", "pip", "install", "-q", "--upgrade", "pip")
    run(PY, "-m", "pip", "install", "-q", *packages)


def ensure_chromium() -> None:
    """Browser tests drive Debian's chromium; install it with apt when it is missing."""
    if shutil.which("chromium"):
        return
    if not shutil.which("apt-get"):
        sys.exit("chromium is missing and apt-get is not available: install chromium first")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(*sudo, "apt-get", "update", "-q", env=env)
    run(*sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium", env=env)


def find_pythons() -> None:
    """tox needs python3.11 and python3.12 on PATH; add pyenv's if they are installed there."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    extra = []
    for version in PYTHONS:
        if _runs(f"python{version}"):
            continue
        found = sorted(pyenv.glob(f"{version}.*/bin"))
        if not found:
            sys.exit(f"python{version} is needed by the test suite (tox env); install it first")
        extra.append(str(found[-1]))
    os.environ["PATH"] = os.pathsep.join([*extra, os.environ.get("PATH", "")])


def _runs(command: str) -> bool:
    # pyenv puts shims for every installed version on PATH, but a shim for a version that is
    # not selected fails when run, so finding the name is not enough.
    path = shutil.which(command)
    if path is None:
        return False
    return subprocess.run([path, "-c", "pass"], capture_output=True, check=False).returncode == 0


def ensure_node_packages() -> None:
    """The interop tests run Clerk's @clerk/backend under Node.js: install it from the lockfile."""
    installed = INTEROP / "node_modules" / ".package-lock.json"  # npm rewrites it on every install
    lock = INTEROP / "package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        sys.exit("Node.js 20+ and npm are needed by the interop tests (tests/interop)")
    run(npm, "ci", "--prefix", INTEROP, "--no-audit", "--no-fund")


def test(args: list[str]) -> None:
    ensure_venv(*TEST_DEPS)
    ensure_chromium()
    ensure_node_packages()
    find_pythons()
    os.environ.setdefault("HYPOTHESIS_PROFILE", "ci")
    run(BIN / "tox", "run", *args)


def demo(args: list[str]) -> None:
    ensure_venv("-e", DEMO_EXTRAS, *DEMO_DEPS)
    os.chdir(ROOT)  # example_apps is a folder of the checkout, importable from its root
    os.execv(str(PY), [str(PY), "-m", "example_apps", *args])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("command", choices=["demo", "test"])
    known, rest = parser.parse_known_args()
    {"demo": demo, "test": test}[known.command](rest)


if __name__ == "__main__":
    main()
