"""The embedded dev server (SPEC §10): ``authguard dev``, a local Clerk-compatible instance.

Public names: ``DevServer`` (``start()`` → URL, ``stop()``), ``DevConfig``, ``DevConfigError``,
``main(argv)`` and ``add_arguments(parser)`` for ``authguard.cli``. The users file format is
described in ``authguard.dev.directory``.

Besides sign-in/up and the Frontend API, it serves Clerk's Backend API (``bapi*``) and, with
``--webhook URL``, delivers signed webhooks for what happens: ``user.*``, ``session.*``,
``organization.created/updated/deleted``, ``organizationMembership.*`` and
``organizationInvitation.created/revoked`` (``data`` is the Backend API's JSON; there is no
accept endpoint, so no ``.accepted``). ``--claims FILE`` customises session tokens
(``claims_template``); ``--jwt-template NAME=FILE`` adds JWT templates for
``sessions.create_token(sid, NAME)`` (``jwt_templates``): tokens with header ``cat``
``cl_B7d4PD222AAA``, which session verification refuses, for other services.
"""

from __future__ import annotations

from authguard.dev.cli import add_arguments, main
from authguard.dev.config import DevConfig, DevConfigError
from authguard.dev.server import DevServer

__all__ = ["DevConfig", "DevConfigError", "DevServer", "add_arguments", "main"]
