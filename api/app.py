"""The app factory: ``create_app(lineage, settings) -> FastAPI``.

Nothing is built at import time: the caller (``lineage serve``, a test) builds
the :class:`graph.service.Lineage` and hands it in, and every route reads it
from ``app.state`` through :data:`api.deps.LineageDep`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from api.docs import add_docs
from api.fastpath import TraversalRoute
from api.problems import install_problem_handlers
from api.routes import (
    analytics_coverage,
    analytics_reuse,
    analytics_targets,
    analytics_timeline,
    bodies,
    campaigns,
    plans,
    resolve,
    sparql,
    stats,
)
from graph.analytics import Analytics
from graph.service import Lineage
from viz import add_views

DESCRIPTION = (
    "A knowledge graph of Vietnamese Party/State plan documents and the higher documents "
    "each one implements. Errors are RFC 9457 `application/problem+json`."
)


def create_app(lineage: Lineage, settings: Any | None = None) -> FastAPI:
    """Build the API and the HTML views over one Lineage.

    ``settings`` is optional; when given, its ``title`` attribute (if any)
    names the app and the object is kept on ``app.state.settings``.
    """
    title = getattr(settings, "title", None) or "Directive lineage"
    app = FastAPI(
        title=title,
        description=DESCRIPTION,
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.lineage = lineage
    app.state.settings = settings
    app.state.analytics = Analytics(lineage)  # the analyses' answers, kept per read-model generation
    install_problem_handlers(app)
    routes = (plans, resolve, campaigns, bodies, sparql, stats, analytics_coverage, analytics_timeline)
    for module in (*routes, analytics_reuse, analytics_targets):
        _summaries_from_docstrings(module.router)
        app.include_router(module.router)
    add_docs(app, app.openapi_url or "/openapi.json")
    add_views(app)
    # First in the router: plain traversal GETs answered from prepared bytes (api.fastpath);
    # whatever it does not match goes on to the documented routes.
    app.router.routes.insert(0, TraversalRoute())
    return app


def _summaries_from_docstrings(router: APIRouter) -> None:
    """Use each route's one-line docstring as its OpenAPI summary (not the function name)."""
    for route in router.routes:
        if isinstance(route, APIRoute) and route.description and not route.summary:
            route.summary = route.description.strip().splitlines()[0].rstrip(".")
