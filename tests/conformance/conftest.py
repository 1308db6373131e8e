"""Make ``harness`` and ``cases`` importable as top-level modules for the conformance tests.

Adapter modules are loaded by file path (see ``test_conformance.py``), never put on
``sys.path``: ``adapters/starlette.py`` must not shadow the real ``starlette`` package.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
