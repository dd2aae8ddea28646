"""HTML views: the home page and the cascade of one plan.

Reads: the :class:`graph.service.Lineage` on ``app.state.lineage`` (set by
:func:`api.create_app`). Returns: HTML pages rendered with jinja2
(autoescape on) whose scripts and styles are all served from ``/static``, so
the views work offline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from graph.errors import NotFound
from graph.service import Lineage
from ingest.model import LEVELS
from viz.network import LEVEL_COLORS, LEVEL_NAMES, LEVEL_ORDER, cascade_network, level_of, overview_network
from viz.network import to_script_json as to_json
from viz.overview import build_overview

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
MAX_ROOTS = 100
# Past this many nodes the page asks for a depth limit (until level-of-detail lands).
MAX_NODES = 400

router = APIRouter(include_in_schema=False)

_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_COMMON = {"levels": LEVEL_ORDER, "colors": LEVEL_COLORS, "level_names": LEVEL_NAMES}


def _render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _env.get_template(template).render(**_COMMON, **context)
    return HTMLResponse(html, status_code=status)


def _lineage(request: Request) -> Lineage:
    lineage: Lineage = request.app.state.lineage
    return lineage


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    out = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return out[:1000] or None


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    q: str | None = None,
    level: str | None = None,
    province: str | None = None,
) -> HTMLResponse:
    """Search box, root directives with their descendant counts, and the overview graph."""
    lin = _lineage(request)
    q, province = _clean(q), _clean(province)
    sel_level = level if level in LEVELS else None
    results = None
    if q or province or sel_level:
        total, items = lin.search(q=q, province=province, level=sel_level, limit=100)
        results = {"total": total, "items": items}
    overview = build_overview(lin)
    return _render(
        "index.html",
        stats=lin.stats(),
        q=q,
        province=province,
        sel_level=sel_level,
        results=results,
        overview=overview,
        overview_json=to_json(overview_network(overview.groups, overview.links)),
        max_roots=MAX_ROOTS,
    )


@router.get("/view/plans/{id}", response_class=HTMLResponse)
def plan_view(
    request: Request,
    id: str,
    max_depth: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> HTMLResponse:
    """The interactive cascade of one plan: ancestors above, descendants below."""
    lin = _lineage(request)
    try:
        plan = lin.plan(id) if _plausible_id(id) else None
        if plan is None:
            raise NotFound(id)
        cascade = lin.cascade(id, max_depth=max_depth)
        truncated = False
        if max_depth is None and len(cascade.get("nodes", [])) > MAX_NODES:
            max_depth, truncated = 2, True
            cascade = lin.cascade(id, max_depth=max_depth)
    except NotFound:
        return _render("not_found.html", status=404, detail=f"No plan with id “{id}”.")
    nodes = sorted(cascade.get("nodes", []), key=lambda n: (int(n.get("depth") or 0), n.get("number") or ""))
    for n in nodes:
        n["level_key"] = level_of(n)
    labels = {n["id"]: _short(n.get("number") or n.get("title") or n["id"]) for n in nodes}
    links = evidence_rows(id, plan.get("links", []), labels)
    return _render(
        "plan.html",
        plan=plan,
        nodes=nodes,
        links=links,
        truncated=truncated,
        max_depth=max_depth,
        graph_json=to_json(cascade_network(cascade, id)),
    )


def evidence_rows(pid: str, links: list[dict[str, Any]], labels: dict[str, str]) -> list[dict[str, Any]]:
    """The links of a plan for the side panel: its own statements first, duplicates dropped."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    ordered = sorted(
        links, key=lambda link: (link.get("stated_by") not in (None, pid), link.get("relation") or "")
    )
    for link in ordered:
        target = str(link.get("target") or "")
        text = str((link.get("evidence") or {}).get("text") or "")
        key = (str(link.get("relation") or ""), target, text)
        if key in rows or not target:
            continue
        by = link.get("stated_by")
        rows[key] = {
            "relation": key[0],
            "target": target,
            "target_label": labels.get(target, target),
            "text": text or None,
            "stated_by": by if by not in (None, pid) else None,
            "stated_by_label": labels.get(by, by) if by else None,
        }
    return list(rows.values())


def _short(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _plausible_id(ident: str) -> bool:
    return 0 < len(ident) <= 512 and all(c.isascii() and (c.isalnum() or c in "._~-") for c in ident)


def add_views(app: FastAPI, lineage: Lineage | None = None) -> None:
    """Mount /static and the HTML routes on ``app`` (the API factory calls this)."""
    if lineage is not None:
        app.state.lineage = lineage
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)
