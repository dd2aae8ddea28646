"""The targets page: each child's targets against its parent's, below a plan, by indicator.

Reads: the :class:`graph.analytics.Analytics` of the app (the targets answer, cached per
read-model generation). Returns: an HTML page (jinja2, autoescape on): the plan's own
targets, two charts drawn as SVG by :mod:`viz.charts` (the relations per indicator and
per level of the child, stacked bars), and a table per indicator of the links below it
with both values and their relation. No script: it works offline and under
``script-src 'self'``; a plan number is a link to its page.

Why bounded: a national directive has 100,000 links below it; each indicator's table
lists its first :data:`MAX_ROWS` rows, the stricter and looser first (the CSV has all).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from graph.analytics import reuse
from graph.analytics.targets import RELATIONS
from graph.errors import NotFound
from graph.inputs import plausible_id
from viz.charts import Bar, Segment, bar_chart, legend
from viz.network import LEVEL_NAMES
from viz.reuse_views import analytics_of, render

__all__ = ["MAX_ROWS", "RELATION_COLORS", "router"]

MAX_ROWS = 200
RELATION_COLORS = {
    "stricter": "#1e8449",
    "equal": "#7b8a97",
    "looser": "#c0392b",
    "missing": "#d5d8dc",
    "added": "#2471a3",
}
RELATION_TEXT = {
    "stricter": "stricter than its parent's",
    "equal": "equal to its parent's",
    "looser": "looser than its parent's",
    "missing": "the parent's target left out",
    "added": "a target its parent does not set",
}
_ORDER = {"stricter": 0, "looser": 1, "added": 2, "missing": 3, "equal": 4}

router = APIRouter(include_in_schema=False)


def _bars(counts: dict[str, dict[str, int]], labels: dict[str, str], href: str | None = None) -> list[Bar]:
    out = []
    for key, c in counts.items():
        segs = tuple(
            Segment(c[r], f"{c[r]} {RELATION_TEXT[r]}", color=RELATION_COLORS[r])
            for r in RELATIONS
            if c.get(r)
        )
        out.append(Bar(labels.get(key, key), segs, href=f"#ind-{key}" if href else None))
    return out


@router.get("/view/plans/{id}/targets", response_class=HTMLResponse)
def targets_view(request: Request, id: str) -> HTMLResponse:
    """Targets along the cascade of a plan: charts of the relations and a table per indicator."""
    lin = request.app.state.lineage
    try:
        if not plausible_id(id):
            raise NotFound(id)
        answer = analytics_of(request).answer(
            "targets", id, limit=1_000_000_000, offset=0, texts=reuse.texts_generation(lin)
        )
    except NotFound:
        return render("not_found.html", 404, detail=f"No plan with id “{id}”.")
    labels = {i["key"]: i["label"] for i in answer["indicators"]}
    by_ind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in answer["rows"]:
        by_ind[r["indicator"]].append(r)
    tables = []
    for key in answer["by_indicator"]:
        rows = sorted(by_ind[key], key=lambda r: (_ORDER[r["relation"]], r["child_number"] or ""))
        tables.append(
            {"key": key, "label": labels.get(key, key), "rows": rows[:MAX_ROWS], "total": len(rows)}
        )
    charts = None
    if answer["total"]:
        charts = (
            bar_chart(
                _bars(answer["by_indicator"], labels, href="#"),
                label="Relations of the children's targets to their parents', per indicator",
                label_w=420,
                width=1000,
            ),
            bar_chart(
                _bars(answer["by_level"], {k: LEVEL_NAMES.get(k, k) for k in answer["by_level"]}),
                label="Relations per level of the child",
                label_w=200,
            ),
        )
    return render(
        "targets.html",
        plan=lin.summary(id),
        answer=answer,
        tables=tables,
        charts=charts,
        max_rows=MAX_ROWS,
        relations=RELATIONS,
        relation_text=RELATION_TEXT,
        chart_legend=legend([("circle", RELATION_TEXT[r], RELATION_COLORS[r]) for r in RELATIONS]),
        level_names=LEVEL_NAMES,
    )
