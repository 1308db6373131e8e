"""Shared pieces: the signing key, token pools, the timing loop, a loopback JWKS server, rows."""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from authguard.settings import Settings
from authguard.testing import KeyPair, jwks, mint_session_token

KEY = KeyPair.generate(kid="ins_bench")
ROLE = "org:admin"
APP_ORIGIN = "http://bench.test"
TOKEN_LIFETIME = 3600.0  # long enough for every section, including the wrk runs


@dataclass(frozen=True)
class Budget:
    """How much work each measurement does: timeit ``rounds`` of ``calls`` each."""

    rounds: int
    calls: int
    cold_calls: int
    wrk_seconds: int
    wrk_runs: int
    memory_tokens: int
    memory_inserts: int

    @classmethod
    def full(cls) -> Budget:
        return cls(
            rounds=7,
            calls=2000,
            cold_calls=300,
            wrk_seconds=5,
            wrk_runs=2,
            memory_tokens=2000,
            memory_inserts=100_000,
        )

    @classmethod
    def quick(cls) -> Budget:
        return cls(
            rounds=3,
            calls=200,
            cold_calls=60,
            wrk_seconds=2,
            wrk_runs=1,
            memory_tokens=200,
            memory_inserts=20_000,
        )


@dataclass
class Row:
    """One measured line of the table. ``value`` is µs per call unless ``unit`` says otherwise."""

    section: str
    name: str
    value: float
    unit: str = "us"
    baseline: str | None = None
    ratio: float | None = None
    added: float | None = None
    note: str = ""


@dataclass
class Target:
    """One issue target: the measured figure, the limit, and whether it holds."""

    name: str
    measured: float
    limit: float
    comparison: str  # "<=" or ">=" or "=="
    passed: bool = field(init=False)

    def __post_init__(self) -> None:
        if self.comparison == "<=":
            self.passed = self.measured <= self.limit
        elif self.comparison == ">=":
            self.passed = self.measured >= self.limit
        else:
            self.passed = self.measured == self.limit


@dataclass
class Results:
    """Everything one run produced; serialised to ``benchmarks/results/latest.json``."""

    meta: dict[str, Any]
    rows: list[Row] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def row(self, name: str) -> Row | None:
        return next((r for r in self.rows if r.name == name), None)

    def to_json(self) -> str:
        return json.dumps(
            {
                "meta": self.meta,
                "rows": [asdict(r) for r in self.rows],
                "targets": [asdict(t) for t in self.targets],
                "skipped": self.skipped,
            },
            indent=2,
        )


def compare(results: Results, name: str, baseline: str) -> None:
    """Fill ``ratio`` and ``added`` of row ``name`` against row ``baseline``."""
    row, base = results.row(name), results.row(baseline)
    if row is None or base is None or base.value == 0:
        return
    row.baseline = baseline
    row.ratio = row.value / base.value
    row.added = row.value - base.value


def median_us(batch: Callable[[], float], calls: int, rounds: int) -> float:
    """Median over ``rounds`` of µs per call; ``batch()`` runs ``calls`` calls, returns seconds."""
    batch()  # warm-up round: imports, lazy middleware stacks, caches
    return statistics.median(batch() / calls * 1e6 for _ in range(rounds))


def settings() -> Settings:
    """Networkless settings (``jwt_key``), like the peers' networkless modes."""
    return Settings(jwt_key=KEY.public_pem(), app_origin=APP_ORIGIN)


def admin_token(*, session_id: str = "sess_bench", now: float | None = None) -> str:
    return mint_session_token(
        KEY,
        session_id=session_id,
        org_id="org_bench",
        org_role=ROLE,
        org_permissions=["org:billing:read"],
        expires_in=TOKEN_LIFETIME,
        now=now,
    )


_POOL: list[str] = []


def token_pool(size: int) -> list[str]:
    """``size`` distinct valid admin tokens (RSA signing costs ~1 ms each, so they are shared)."""
    while len(_POOL) < size:
        _POOL.append(admin_token(session_id=f"sess_pool_{len(_POOL)}"))
    return _POOL[:size]


class JWKSServer:
    """A loopback JWKS endpoint that counts the requests it serves."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.hits = 0
        body = json.dumps(document).encode()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.hits += 1
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/jwks.json"

    def __enter__(self) -> JWKSServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def jwks_server() -> Iterator[JWKSServer]:
    with JWKSServer(jwks(KEY)) as server:
        yield server


def stopwatch(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start
