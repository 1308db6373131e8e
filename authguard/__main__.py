"""``python -m authguard``: the ``authguard`` command."""

from __future__ import annotations

import sys

from authguard.cli import main

if __name__ == "__main__":
    sys.exit(main())
