"""The HTTP API: ``create_app(lineage, settings) -> FastAPI`` (JSON under /api, views at /)."""

from api.app import create_app

__all__ = ["create_app"]
