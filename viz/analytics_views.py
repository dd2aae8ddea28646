"""The analytics pages: a plan's coverage (table, province × system matrix, map) and its timeline.

Reads: the :class:`graph.analytics.Analytics` on ``app.state.analytics`` (answers
cached per read-model generation) and the Lineage for the labels of the plans
they name. Returns: HTML pages rendered with jinja2 (autoescape on); their
charts and maps are SVG drawn here by :mod:`viz.charts`, so the pages carry no
script at all and every click is a plain link (a map point or a table row to a
unit's plan, a matrix cell to the districts of its province).

Why bounded: a national directive has 100,000 documents below it. The coverage
page lists its 189 province × system units (the districts on demand); the
timeline draws each document only up to :data:`MAX_MARKS`, beyond that a weekly
histogram per level, and lists the first :data:`MAX_LINK_ROWS` links (the CSV
has them all).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from graph.analytics import Analytics
from graph.analytics.dates import bounds
from graph.analytics.units import BadParameter, admin_map
from graph.errors import NotFound
from graph.inputs import clean_text, plausible_id
from viz.charts import Bin, MapPoint, Mark, lane_histogram, legend, point_map, timeline
from viz.network import LEVEL_COLORS, LEVEL_NAMES

__all__ = ["MAX_LINK_ROWS", "MAX_MARKS", "router"]

MAX_MARKS = 600  # documents drawn one by one on the timeline; more are binned by week
MAX_LINK_ROWS = 300  # links listed under the timeline (the CSV has every one)
MAX_PLANS_SHOWN = 5  # plans listed per unit in the coverage table
SYSTEMS = ("party", "state", "front")
SYSTEM_NAMES = {"party": "Party (Đảng)", "state": "State (chính quyền)", "front": "Front (MTTQ)"}
STATUS_COLORS = {"covered": "#1e8449", "skipping": "#b9770e", "gap": "#9aa5ae"}
LANES = ("central", "province", "district", "commune", "other")

router = APIRouter(include_in_schema=False)


def _analytics(request: Request) -> Analytics:
    """The app's Analytics (made by the app factory; made here for an app built without one)."""
    state = request.app.state
    if getattr(state, "analytics", None) is None:
        state.analytics = Analytics(state.lineage)
    analytics: Analytics = state.analytics
    return analytics


_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(template).render(**context), status_code=status)


def _label(lin: Any, pid: str) -> str:
    s = lin.summary(pid)
    return str(s.get("number") or s.get("title") or pid)


def _lag_text(r: dict[str, Any]) -> str:
    if r.get("lag_days") is not None:
        return f"{r['lag_days']} d"
    rng = r.get("lag_range")
    if rng:
        return f"{rng[0]}–{rng[1]} d ({r.get('precision')})"
    return ""


# -- coverage --------------------------------------------------------------------------------
def _unit_rows(lin: Any, units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for u in units:
        plans = [{"id": p, "label": _label(lin, p)} for p in u["plans"][:MAX_PLANS_SHOWN]]
        status = "skipping" if u["skipping"] else "covered" if u["plans"] else "gap"
        out.append(
            u | {"status": status, "shown": plans, "more": len(u["plans"]) - len(plans), "lag": _lag_text(u)}
        )
    return out


def _drill(pid: str, province: str, system: str | None = None) -> str:
    q = {"province": province} | ({"system": system} if system else {})
    return f"/view/plans/{pid}/coverage?{urlencode(q)}"


def _coverage_map(pid: str, answer: dict[str, Any], central: bool) -> Any:
    """The units at their coordinates: one mark per unit (three side by side per province of a
    central document's matrix), a link to its first plan, or for a gap of the matrix to the
    province's districts; the map's other units as faint dots for the shape around them."""
    amap = admin_map()
    points = []
    offsets = {"party": -7.0, "state": 0.0, "front": 7.0} if central else {}
    for u in answer["units"]:
        if u["lat"] is None:
            continue
        if u["plans"]:
            shape = "diamond" if u["skipping"] else "circle"
            color = STATUS_COLORS["skipping" if u["skipping"] else "covered"]
            href = f"/view/plans/{u['plans'][0]}"
        else:
            shape, color = "cross", STATUS_COLORS["gap"]
            href = _drill(pid, u["province"], u["system"]) if central else None
        state = "skipping a level" if u["skipping"] else "covered" if u["plans"] else "no plan found"
        lag = _lag_text(u)
        title = f"{u['name']} ({SYSTEM_NAMES[u['system']]}): {state}" + (f", {lag}" if lag else "")
        label = u["place"] if not central and len(answer["units"]) <= 40 else None
        points.append(
            MapPoint(
                u["lat"],
                u["lon"],
                title,
                href=href,
                label=label,
                color=color,
                shape=shape,
                dx=offsets.get(u["system"], 0.0),
                r=4.5 if central else 5.5,
            )
        )
    if central and not answer.get("province_filter"):
        back = [(p.lat, p.lon) for p in amap.provinces]
    else:
        province = answer.get("province_filter") or (answer.get("issuer") or {}).get("province")
        back = [
            (c.lat, c.lon) for d in amap.districts_of(province) for c in amap.communes_of(province, d.name)
        ]
    return point_map(
        points, backdrop=back, label=f"Map of the units expected to implement {answer.get('number') or pid}"
    )


@router.get("/view/plans/{id}/coverage", response_class=HTMLResponse)
def coverage_view(
    request: Request,
    id: str,
    province: Annotated[str | None, Query(max_length=200)] = None,
    system: Literal["party", "state", "front"] | None = None,
) -> HTMLResponse:
    """Who was expected to carry out the plan and who did: summary, matrix, map, table."""
    lin = request.app.state.lineage
    province = clean_text(province)
    try:
        if not plausible_id(id):
            raise NotFound(id)
        answer = _analytics(request).coverage(id, province=province, system=system)
    except NotFound:
        return _render("not_found.html", 404, detail=f"No plan with id “{id}”.")
    except BadParameter as e:
        return _render("analytics_error.html", 422, detail=str(e))
    central = (answer.get("issuer") or {}).get("level") == "central"
    params = urlencode({k: v for k, v in (("province", province), ("system", system)) if v})
    return _render(
        "coverage.html",
        plan=lin.summary(id),
        answer=answer,
        central=central,
        matrix=answer.get("matrix"),
        units=_unit_rows(lin, answer["units"]),
        systems=SYSTEMS,
        system_names=SYSTEM_NAMES,
        map_svg=_coverage_map(id, answer, central),
        map_legend=legend(
            [
                ("circle", "covered (a plan of the unit below this one)", STATUS_COLORS["covered"]),
                ("diamond", "covered, skipping a level", STATUS_COLORS["skipping"]),
                ("cross", "no plan found", STATUS_COLORS["gap"]),
            ]
        ),
        query=("?" + params) if params else "",
        drill=lambda p, s=None: _drill(id, p, s),
    )


# -- timeline --------------------------------------------------------------------------------
def _marks(answer: dict[str, Any]) -> tuple[list[Mark], list[tuple[str, str]], int]:
    """One mark per dated document of the cascade, the links between them, and how many have no date."""
    docs: dict[str, tuple[str | None, str | None, str | None]] = {
        answer["plan"]: (answer.get("date"), (answer.get("issuer") or {}).get("level"), answer.get("number"))
    }
    for link in answer["links"]:
        docs.setdefault(link["parent"], (link["parent_date"], link["parent_level"], link["parent_number"]))
        docs.setdefault(link["child"], (link["child_date"], link["child_level"], link["child_number"]))
    marks, undated = [], 0
    for pid, (d, level, number) in docs.items():
        b = bounds(d)
        if b is None:
            undated += 1
            continue
        lane = level if level in LANES else "other"
        title = f"{number or 'không số'} · {d} · {LEVEL_NAMES.get(lane, lane)}"
        marks.append(
            Mark(pid, lane, b[0], b[1], title, href=f"/view/plans/{pid}", color=LEVEL_COLORS.get(lane))
        )
    return marks, [(x["parent"], x["child"]) for x in answer["links"]], undated


def _bins(answer: dict[str, Any]) -> tuple[list[Bin], int, int]:
    """Documents dated to the day, counted per level and week (Monday first); and how many are
    dated only by month or year, or not at all (left out of the histogram)."""
    seen: dict[str, tuple[str | None, str | None]] = {
        answer["plan"]: (answer.get("date"), (answer.get("issuer") or {}).get("level"))
    }
    for link in answer["links"]:
        seen.setdefault(link["child"], (link["child_date"], link["child_level"]))
    weeks: Counter[tuple[str, date]] = Counter()
    coarse = undated = 0
    for d, level in seen.values():
        b = bounds(d)
        if b is None:
            undated += 1
        elif b[2] != "day":
            coarse += 1
        else:
            weeks[(level if level in LANES else "other", b[0] - timedelta(days=b[0].weekday()))] += 1
    bins = [
        Bin(
            lane,
            start,
            start + timedelta(days=6),
            n,
            f"{n} {LEVEL_NAMES.get(lane, lane)} plan(s), week of {start}",
        )
        for (lane, start), n in sorted(weeks.items())
    ]
    return bins, coarse, undated


@router.get("/view/plans/{id}/timeline", response_class=HTMLResponse)
def timeline_view(request: Request, id: str) -> HTMLResponse:
    """The cascade on a date axis by level, the lags per level, system and province, the extremes."""
    lin = request.app.state.lineage
    try:
        if not plausible_id(id):
            raise NotFound(id)
        answer = _analytics(request).timeline(id)
    except NotFound:
        return _render("not_found.html", 404, detail=f"No plan with id “{id}”.")
    lanes = [x for x in LANES if x != "other"]
    lane_labels = {x: LEVEL_NAMES[x].split(" (")[0] for x in LANES}
    coarse = undated = 0
    if answer["documents"] <= MAX_MARKS:
        marks, links, undated = _marks(answer)
        if any(m.lane == "other" for m in marks):
            lanes.append("other")
        chart = timeline(
            lanes, marks, links, lane_labels=lane_labels, label=f"Timeline of {answer.get('number') or id}"
        )
        mode = "plans"
    else:
        bins, coarse, undated = _bins(answer)
        if any(b.lane == "other" for b in bins):
            lanes.append("other")
        chart = lane_histogram(
            lanes,
            bins,
            lane_labels=lane_labels,
            lane_colors=LEVEL_COLORS,
            label=f"Plans per week, {answer.get('number') or id}",
        )
        mode = "weeks"
    return _render(
        "timeline.html",
        plan=lin.summary(id),
        answer=answer,
        chart=chart,
        mode=mode,
        coarse=coarse,
        undated=undated,
        links=answer["links"][:MAX_LINK_ROWS],
        max_links=MAX_LINK_ROWS,
        lag_text=_lag_text,
        level_names=LEVEL_NAMES,
        system_names=SYSTEM_NAMES,
        chart_legend=legend([("circle", LEVEL_NAMES[x], LEVEL_COLORS[x]) for x in LANES if x != "other"]),
    )
