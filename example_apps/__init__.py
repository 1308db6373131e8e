"""The same small app three times (FastAPI, Django, Flask), protected by authguard.

``python -m example_apps`` (or ``python3 tasks.py demo``) starts the dev server and one of them;
``python -m example_apps.serve`` serves one app alone, configured from the ``CLERK_*`` variables.

Routes, identical in every app: ``/`` public, ``/dashboard`` signed-in, ``/admin`` needs
``org:admin``, ``/orgs/<org_id>`` only for members of that org, ``/api/me`` and
``/api/admin/stats`` (JSON, ``org:admin``).
"""
