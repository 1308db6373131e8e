"""``python -m benchmarks [--quick] [--sections 1,2,3,4,5] [--json PATH]`` (see README.md)."""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from benchmarks.common import Budget, Results

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "latest.json"
PACKAGES = (
    "authguard", "pyjwt", "cryptography", "cachetools", "starlette", "fastapi", "django", "flask",
    "uvicorn", "fastapi-clerk-auth", "clerk-backend-api",
)  # fmt: skip


def _sections() -> dict[str, Callable[[Results, Budget], None]]:
    from benchmarks import asgi_bench, keyset_bench, server_bench, verify_bench, wsgi_bench

    return {
        "1": asgi_bench.run,
        "2": wsgi_bench.run,
        "3": verify_bench.run,
        "4": server_bench.run,
        "5": keyset_bench.run,
    }


def _meta(quick: bool, sections: list[str]) -> dict[str, object]:
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "command": " ".join(["python -m benchmarks", *sys.argv[1:]]),
        "quick": quick,
        "sections": sections,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "versions": versions,
    }


def main(argv: list[str] | None = None) -> Results:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="~30 s smoke run, fewer rounds")
    parser.add_argument("--sections", default="1,2,3,4,5", help="comma-separated, e.g. 1,3")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write results")
    args = parser.parse_args(argv)
    logging.getLogger("authguard").setLevel(logging.ERROR)
    wanted = [s.strip() for s in args.sections.split(",") if s.strip()]
    budget = Budget.quick() if args.quick else Budget.full()
    results = Results(meta=_meta(args.quick, wanted))
    started = time.perf_counter()
    for key, section in _sections().items():
        if key in wanted:
            print(f"section {key} ...", file=sys.stderr, flush=True)
            section(results, budget)
    from benchmarks.targets import evaluate, table

    evaluate(results)
    results.meta["seconds"] = round(time.perf_counter() - started, 1)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(results.to_json())
    print(table(results))
    for note in results.skipped:
        print(f"skipped: {note}")
    print(f"\n{results.meta['seconds']} s; JSON: {args.json}")
    return results


if __name__ == "__main__":
    main()
