"""HTML views: the home page and the cascade of one plan.

Reads: the :class:`graph.service.Lineage` on ``app.state.lineage`` (set by
:func:`api.create_app`) and the app's :class:`viz.cache.ViewCache` (set by
:func:`add_views`). Returns: HTML pages rendered with jinja2 (autoescape on)
whose scripts and styles are all served from ``/static``, so the views work
offline and under a Content-Security-Policy without inline script or style
(what a page draws travels as JSON in a ``<script type="application/json">``
block that ``/static/lineage.js`` reads), and the JSON a cascade page fetches
to open a group.

A cascade of at most :data:`MAX_NODES` documents is drawn plan by plan. A larger
one is drawn at a level of detail: the focus and its ancestors as plans, the
plans below folded into groups by level and place (:mod:`viz.grouping`, drawn
by :mod:`viz.lod`), which a click opens through
``GET /view/plans/{id}/expand``. With an explicit ``max_depth``
the page draws every plan within that many steps while they are at most
:data:`MAX_FULL_NODES`, with positions computed on the server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from graph.errors import NotFound
from graph.inputs import clean_text, plausible_id
from graph.scans import scan_of
from graph.service import Lineage
from ontology.vocab import LEVELS
from viz import lod as lod_vis
from viz.analytics_views import router as analytics_router
from viz.cache import install_cache, view_cache
from viz.grouping import MAX_OPEN, CascadeLOD, cascade_lod, deepest, group_id, parse_group_id
from viz.network import (
    LEVEL_COLORS,
    LEVEL_NAMES,
    LEVEL_ORDER,
    cascade_network,
    level_of,
    preset_options,
)
from viz.network import to_script_json as to_json
from viz.overview import build_overview, overview_json
from viz.reuse_views import router as reuse_router
from viz.scan_evidence import scan_pages
from viz.targets_views import router as targets_router

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
MAX_ROOTS = 100
# Cascades of at most this many documents are drawn plan by plan (vis-network lays them out).
MAX_NODES = 400
# With an explicit max_depth, every plan is drawn up to this many (positions from viz.layout).
MAX_FULL_NODES = 1500

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


# The level colours as classes (``swatch level-province``): a page has no style attribute, so
# its Content-Security-Policy needs no 'unsafe-inline' for styles. Made from the one table.
LEVELS_CSS = "".join(f".swatch.level-{name}{{background:{color}}}\n" for name, color in LEVEL_COLORS.items())


@router.get("/view/levels.css")
def levels_css() -> Response:
    """The swatch colour of each administrative level (from :data:`viz.network.LEVEL_COLORS`)."""
    return Response(LEVELS_CSS, media_type="text/css", headers={"cache-control": "public, max-age=3600"})


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    q: str | None = None,
    level: str | None = None,
    province: str | None = None,
) -> HTMLResponse:
    """Search box, root directives with their descendant counts, and the overview graph."""
    lin = _lineage(request)
    q, province = clean_text(q), clean_text(province)
    sel_level = level if level in LEVELS else None
    results = None
    if q or province or sel_level:
        total, items = lin.search(q=q, province=province, level=sel_level, limit=100)
        results = {"total": total, "items": items}
    cache = view_cache(request)
    overview = build_overview(lin, cache)
    return _render(
        "index.html",
        stats=lin.stats(),
        q=q,
        province=province,
        sel_level=sel_level,
        results=results,
        overview=overview,
        overview_json=overview_json(lin, cache),
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
        plan = lin.plan(id) if plausible_id(id) else None
        if plan is None:
            raise NotFound(id)
        lod = cascade_lod(lin, view_cache(request), id, max_depth)
    except NotFound:
        return _render("not_found.html", status=404, detail=f"No plan with id “{id}”.")
    mode = "plans"
    groups: list[dict[str, Any]] = []
    depth_links: list[tuple[int, int]] = []
    if lod.size <= MAX_NODES:
        cascade = lod.cascade()
        graph = cascade_network(cascade, id)
        nodes = cascade["nodes"]
    elif max_depth is not None and lod.size <= MAX_FULL_NODES:
        mode = "every"
        graph = lod_vis.vis(lod, explode=True) | {"options": preset_options()}
        nodes = lod.cascade()["nodes"]
    else:
        mode = "grouped"
        opened = lod.initial_open()
        graph = lod_vis.vis(lod, opened) | {"options": preset_options()}
        graph["lod"] = {
            "expand": f"/view/plans/{id}/expand",
            "open": sorted(group_id(g) for g in deepest(opened)),
            "max_depth": max_depth,
        }
        nodes = [lin.summary(pid) | {"depth": lod.depth[pid]} for pid in lod.individual]
        groups = _group_rows(lod)
        depth_links = [(k, n) for k, n in lod.depth_counts() if n <= MAX_FULL_NODES]
    nodes = sorted(nodes, key=lambda n: (int(n.get("depth") or 0), n.get("number") or ""))
    for n in nodes:
        n["level_key"] = level_of(n)
    labels = {n["id"]: _short(n.get("number") or n.get("title") or n["id"]) for n in nodes}
    links = evidence_rows(id, plan.get("links", []), labels)
    return _render(
        "plan.html",
        plan=plan,
        scan_pages=scan_pages(plan, scan_of(lin.texts, id)) if plan.get("text_source") == "ocr" else [],
        nodes=nodes,
        links=links,
        mode=mode,
        size=lod.size,
        groups=groups,
        depth_links=depth_links,
        max_depth=max_depth,
        graph_json=to_json(graph),
    )


@router.get("/view/plans/{id}/expand")
def expand_group(
    request: Request,
    id: str,
    group: Annotated[str, Query(min_length=3, max_length=2000)],
    opened: Annotated[list[str] | None, Query(alias="open")] = None,
    max_depth: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> JSONResponse:
    """Open one group of a large cascade: the nodes it leaves and brings, new edges, new positions.

    ``open`` lists the groups the page has open already (what it was drawn with,
    plus every group opened since), so the answer depends on the request alone.
    Unknown ids and groups are a 404, too many open groups a 422.
    """
    lin = _lineage(request)
    if not plausible_id(id):
        raise NotFound(f"unknown plan id: {id}")
    if opened is not None and len(opened) > MAX_OPEN:
        raise HTTPException(422, f"at most {MAX_OPEN} open groups")
    lod = cascade_lod(lin, view_cache(request), id, max_depth)
    path = parse_group_id(group)
    if path is None or not lod.is_group(path):
        raise NotFound(f"no group {group!r} in the cascade of {id}")
    paths = [p for p in (parse_group_id(g) for g in opened or ()) if p is not None]
    return JSONResponse(lod_vis.expand(lod, paths, path))


def _group_rows(lod: CascadeLOD) -> list[dict[str, Any]]:
    """The top groups for the table under the graph, with their search links."""
    rows = []
    for path in lod.tops:
        s = lod.stats(path)
        level = path[0]
        province = path[1] if level != "central" and len(path) > 1 and path[1] else None
        rows.append(
            {
                "level": level,
                "place": lod_vis.place_label(path),
                "province": province,
                "plans": s.plans,
                "stubs": s.stubs,
                "depth": s.depth,
            }
        )
    return rows


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
            "review": link.get("review"),
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


def add_views(app: FastAPI, lineage: Lineage | None = None) -> None:
    """Mount /static and the HTML routes on ``app``, with the app's view cache (the API
    factory calls this)."""
    if lineage is not None:
        app.state.lineage = lineage
    install_cache(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)
    app.include_router(analytics_router)  # coverage and timeline pages (issue 12)
    app.include_router(reuse_router)  # text reuse, side by side, suggested parents (issue 12)
    app.include_router(targets_router)  # targets along the cascade (issue 12)
