"""The example app on Flask: ``create_app()`` (the extension is ``authguard.flask``)."""

from __future__ import annotations

from example_apps.flask_app.app import create_app

__all__ = ["create_app"]
