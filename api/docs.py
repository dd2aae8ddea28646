"""API docs at /docs that work offline.

FastAPI's own /docs loads Swagger UI from a CDN. When the ``fastapi-offline``
package is installed we serve the Swagger UI files it ships (Swagger UI 5,
which reads OpenAPI 3.1) from ``/docs/assets``; otherwise /docs is a plain
local page listing the operations from the OpenAPI document. Swagger UI's page
sets up the bundle in one inline script, which its Content-Security-Policy
allows by hash (:func:`api.csp.docs_policy`).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment

from api.csp import docs_policy

ASSETS_URL = "/docs/assets"

_FALLBACK = Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }} – API</title>
<link rel="stylesheet" href="/static/viz.css"></head>
<body><main class="page"><h1>{{ title }} – HTTP API</h1>
<p>Machine-readable description: <a href="{{ openapi_url }}">{{ openapi_url }}</a></p>
<table class="data"><thead><tr><th>method</th><th>path</th><th>what</th></tr></thead><tbody>
{% for method, path, summary in ops %}<tr><td>{{ method }}</td><td><code>{{ path }}</code></td>
<td>{{ summary }}</td></tr>{% endfor %}
</tbody></table></main></body></html>"""
)


def _swagger_assets() -> Path | None:
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:
        return None
    static = Path(next(iter(spec.submodule_search_locations))) / "static"
    return static if (static / "swagger-ui-bundle.js").is_file() else None


def add_docs(app: FastAPI, openapi_url: str = "/openapi.json") -> None:
    """Serve /docs from local files only (Swagger UI when available)."""
    assets = _swagger_assets()
    if assets is not None:
        app.mount(ASSETS_URL, StaticFiles(directory=assets), name="docs-assets")

        @app.get("/docs", include_in_schema=False)
        def swagger_docs() -> HTMLResponse:
            page = get_swagger_ui_html(
                openapi_url=openapi_url,
                title=f"{app.title} – API",
                swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
                swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
                swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            )
            # its one inline script (SwaggerUIBundle's settings) allowed by hash, nothing else
            page.headers["content-security-policy"] = docs_policy(bytes(page.body).decode("utf-8"))
            return page

        return

    @app.get("/docs", include_in_schema=False)
    def plain_docs() -> HTMLResponse:
        spec = app.openapi()
        ops = [
            (method.upper(), path, op.get("summary") or op.get("description", ""))
            for path, item in spec.get("paths", {}).items()
            for method, op in item.items()
            if isinstance(op, dict)
        ]
        return HTMLResponse(_FALLBACK.render(title=app.title, openapi_url=openapi_url, ops=ops))
