"""The benchmark command runs and reports (no time is asserted: only that rows and JSON exist)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

# benchmarks/ is a top-level package of the checkout, not part of the installed distribution.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.__main__ import main


@pytest.mark.parametrize(
    ("sections", "expected_rows"),
    [
        ("3", {"rsa verify floor", "jwt.decode preloaded key", "Guard.authenticate cold"}),
        ("5", {"200 concurrent cold: JWKS fetches", "10k unknown kids: JWKS refetches"}),
        (
            "1",
            {
                "starlette bare",
                "starlette authguard repeated",
                "starlette authguard cold",
                "jwt.decode preloaded key (interleaved)",
                "fastapi authguard repeated (@protect)",
                "starlette floor: minimal auth middleware",
                "fastapi floor: no-op dependency of Protect's shape",
            },
        ),
    ],
)
def test_quick_section_produces_rows_and_json(
    tmp_path: Path, sections: str, expected_rows: set[str]
) -> None:
    out = tmp_path / "latest.json"
    results = main(["--quick", "--sections", sections, "--json", str(out)])
    names = {row.name for row in results.rows}
    assert expected_rows <= names
    written = json.loads(out.read_text())
    assert {row["name"] for row in written["rows"]} == names
    assert written["targets"], "at least one target was evaluated"
    assert written["meta"]["quick"] is True


def test_key_set_counts_are_exact(tmp_path: Path) -> None:
    # Counts, not times: single flight and the miss cooldown are deterministic.
    results = main(["--quick", "--sections", "5", "--json", str(tmp_path / "r.json")])
    fetches = results.row("200 concurrent cold: JWKS fetches")
    refetches = results.row("10k unknown kids: JWKS refetches")
    assert fetches is not None
    assert fetches.value == 1
    assert refetches is not None
    assert refetches.value <= 1
