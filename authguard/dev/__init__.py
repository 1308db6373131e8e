"""The embedded dev server (SPEC §10): ``authguard dev``, a local Clerk-compatible instance.

Public names: ``DevServer`` (``start()`` → URL, ``stop()``), ``DevConfig``, ``DevConfigError``,
``main(argv)`` and ``add_arguments(parser)`` for ``authguard.cli``. The users file format is
described in ``authguard.dev.directory``.
"""

from __future__ import annotations

from authguard.dev.cli import add_arguments, main
from authguard.dev.config import DevConfig, DevConfigError
from authguard.dev.server import DevServer

__all__ = ["DevConfig", "DevConfigError", "DevServer", "add_arguments", "main"]
