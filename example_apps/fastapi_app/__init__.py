"""The example app on FastAPI: ``create_app()`` (``authguard.fastapi``)."""

from __future__ import annotations

from example_apps.fastapi_app.app import create_app

__all__ = ["create_app"]
