"""The app factory: ``create_app(lineage, settings) -> FastAPI``.

Nothing is built at import time: the caller (``lineage serve``, a test) builds
the :class:`graph.service.Lineage` and hands it in, and every route reads it
from ``app.state`` through :data:`api.deps.LineageDep`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from api.csp import install_csp
from api.docs import add_docs
from api.fastpath import TraversalRoute
from api.limits import RequestLimits, document_limits
from api.problems import install_problem_handlers
from api.routes import (
    analytics_coverage,
    analytics_quality,
    analytics_reuse,
    analytics_targets,
    analytics_timeline,
    bodies,
    campaigns,
    doc,
    documents,
    exports,
    feeds,
    plans,
    resolve,
    scans,
    sparql,
    stats,
)
from graph.analytics import Analytics
from graph.service import Lineage
from graph.sparql_pool import Limits, QueryPool
from viz import add_views
from viz import quality as quality_view

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
    pool = QueryPool(lineage.store, lambda: lineage.generation, sparql_limits(settings))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        pool.warm()
        yield
        pool.close()  # a stopping server kills its query processes, whatever they run

    app = FastAPI(
        lifespan=lifespan,
        title=title,
        description=DESCRIPTION,
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.lineage = lineage
    app.state.settings = settings
    app.state.sparql = pool  # users' SPARQL, bounded (api/routes/sparql.py)
    app.state.analytics = Analytics(lineage)  # the analyses' answers, kept per read-model generation
    install_problem_handlers(app)
    for module in (
        plans,
        scans,
        resolve,
        campaigns,
        bodies,
        sparql,
        stats,
        analytics_coverage,
        analytics_timeline,
        analytics_quality,
        analytics_reuse,
        analytics_targets,
        feeds,
        doc,
    ):
        _summaries_from_docstrings(module.router)
        app.include_router(module.router)
    # Exports and validation (what the CLI asks a running server), and the write routes.
    for module in (exports, documents):
        _summaries_from_docstrings(module.router)
        app.include_router(module.router)
    app.include_router(documents.page_router)
    _document_sparql_limits(app, pool.limits)
    add_docs(app, app.openapi_url or "/openapi.json")
    add_views(app)
    app.include_router(quality_view.router)  # the data-quality view (viz/quality.py)
    # First in the router: plain traversal GETs answered from prepared bytes (api.fastpath);
    # whatever it does not match goes on to the documented routes.
    app.router.routes.insert(0, TraversalRoute())
    app.add_middleware(RequestLimits)  # 414 / 431 as problem+json before any route
    make_schema = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_limits(make_schema())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    install_csp(app)  # a Content-Security-Policy header on every answer (api/csp.py)
    return app


def sparql_limits(settings: Any | None) -> Limits:
    """The SPARQL endpoint's bounds from ``settings`` (``lineage.config.Settings``), else the defaults."""
    d = Limits()
    return Limits(
        timeout=getattr(settings, "sparql_timeout", d.timeout),
        max_rows=getattr(settings, "sparql_max_rows", d.max_rows),
        max_bytes=getattr(settings, "sparql_max_bytes", d.max_bytes),
        concurrency=getattr(settings, "sparql_concurrency", d.concurrency),
        memory_mb=getattr(settings, "sparql_memory_mb", d.memory_mb),
    )


def _document_sparql_limits(app: FastAPI, lim: Limits) -> None:
    """The bounds this server's SPARQL endpoint enforces, in its OpenAPI description."""
    text = (
        f"\n\nBounds: {lim.concurrency} queries at once (beyond: 503 with Retry-After); "
        f"each stopped after {lim.timeout:g} s (503); at most {lim.max_rows} rows and "
        f"{lim.max_bytes} bytes per answer (a capped answer is a complete document; "
        "`X-Result-Truncated: rows|bytes` when known before the first byte). Updates, SERVICE "
        "and LOAD are refused (403)."
    )
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path == "/api/sparql" and route.methods & {"GET", "POST"}:
            route.description = (route.description or "") + text


def _summaries_from_docstrings(router: APIRouter) -> None:
    """Use each route's one-line docstring as its OpenAPI summary (not the function name)."""
    for route in router.routes:
        if isinstance(route, APIRoute) and route.description and not route.summary:
            route.summary = route.description.strip().splitlines()[0].rstrip(".")
