"""The issue's targets, evaluated from the rows of one run (a target whose rows are missing is
left out and listed as skipped)."""

from __future__ import annotations

from collections.abc import Callable

from benchmarks.asgi_bench import FASTAPI_DECORATOR, INTERLEAVED_DECODE
from benchmarks.common import Results, Row, Target
from benchmarks.keyset_bench import MEMORY_CAP_BYTES


def _ratio(name: str) -> Callable[[Results], float | None]:
    def get(results: Results) -> float | None:
        row = results.row(name)
        return None if row is None else row.ratio

    return get


def _added_over(name: str, other: str, *, other_added: bool) -> Callable[[Results], float | None]:
    """``name``'s added time divided by ``other``'s added time (or ``other``'s plain value)."""

    def get(results: Results) -> float | None:
        row, ref = results.row(name), results.row(other)
        if row is None or ref is None or row.added is None:
            return None
        denominator = ref.added if other_added else ref.value
        return None if not denominator else row.added / denominator

    return get


def _first(*getters: Callable[[Results], float | None]) -> Callable[[Results], float | None]:
    """The first getter that has its rows (the interleaved figure when section 1 ran)."""

    def get(results: Results) -> float | None:
        for getter in getters:
            value = getter(results)
            if value is not None:
                return value
        return None

    return get


def _value(name: str) -> Callable[[Results], float | None]:
    def get(results: Results) -> float | None:
        row = results.row(name)
        return None if row is None else row.value

    return get


def _plain_over(name: str, other: str) -> Callable[[Results], float | None]:
    def get(results: Results) -> float | None:
        row, ref = results.row(name), results.row(other)
        return None if row is None or ref is None else row.value / ref.value

    return get


def _memory(results: Results) -> float | None:
    row = next((r for r in results.rows if r.name.startswith("cache after ")), None)
    return None if row is None else row.value


FCA = "fastapi fastapi-clerk-auth"
DECODE = "jwt.decode preloaded key"
TARGETS: list[tuple[str, Callable[[Results], float | None], str, float]] = [
    ("starlette repeated: x bare", _ratio("starlette authguard repeated"), "<=", 1.3),
    (
        "starlette repeated added / fastapi-clerk-auth added",
        _added_over("starlette authguard repeated", FCA, other_added=True),
        "<=",
        0.1,
    ),
    (
        "fastapi repeated added / fastapi-clerk-auth added",
        _added_over("fastapi authguard repeated", FCA, other_added=True),
        "<=",
        0.1,
    ),
    (
        "fastapi @protect added / fastapi-clerk-auth added",
        _added_over(FASTAPI_DECORATOR, FCA, other_added=True),
        "<=",
        0.1,
    ),
    (
        "starlette cold added / jwt.decode",
        _first(
            _added_over("starlette authguard cold", INTERLEAVED_DECODE, other_added=False),
            _added_over("starlette authguard cold", DECODE, other_added=False),
        ),
        "<=",
        1.1,
    ),
    (
        "Guard.authenticate cold / jwt.decode",
        _plain_over("Guard.authenticate cold", DECODE),
        "<=",
        1.1,
    ),
    ("django repeated: x bare", _ratio("django authguard repeated"), "<=", 1.3),
    ("flask repeated: x bare", _ratio("flask authguard repeated"), "<=", 1.3),
    ("uvicorn+wrk rps: x bare", _ratio("uvicorn authguard repeated"), ">=", 0.85),
    ("200 concurrent cold: fetches", _value("200 concurrent cold: JWKS fetches"), "==", 1),
    ("10k unknown kids: refetches", _value("10k unknown kids: JWKS refetches"), "<=", 1),
    ("token cache bytes (bounded)", _memory, "<=", MEMORY_CAP_BYTES),
]


def evaluate(results: Results) -> None:
    for name, measure, comparison, limit in TARGETS:
        measured = measure(results)
        if measured is None:
            results.skipped.append(f"target {name!r}: its rows were not measured")
            continue
        results.targets.append(Target(name, measured, limit, comparison))


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}{unit}"
    return f"{value:.2f}{unit}"


def table(results: Results) -> str:
    """Markdown tables of rows and targets (printed, and pasted into the README)."""
    lines = ["| section | case | median | unit | vs | ratio | added µs | note |", "|" + "---|" * 8]
    for row in results.rows:
        lines.append(_row_line(row))
    lines += ["", "| target | measured | limit | result |", "|---|---|---|---|"]
    for t in results.targets:
        verdict = "PASS" if t.passed else "FAIL"
        lines.append(
            f"| {t.name} | {_fmt(t.measured)} | {t.comparison} {_fmt(t.limit)} | {verdict} |"
        )
    return "\n".join(lines)


def _row_line(row: Row) -> str:
    ratio = "-" if row.ratio is None else f"{row.ratio:.2f}x"
    return (
        f"| {row.section} | {row.name} | {_fmt(row.value)} | {row.unit} | {row.baseline or '-'} "
        f"| {ratio} | {_fmt(row.added)} | {row.note} |"
    )
