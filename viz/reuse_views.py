"""The text reuse pages: the reuse below a plan, one pair side by side, and the suggested parents.

Reads: the :class:`graph.analytics.Analytics` on ``app.state.analytics`` (answers cached per
read-model generation) and the Lineage with its text store. Returns: HTML pages (jinja2,
autoescape on) with their charts drawn as SVG by :mod:`viz.charts`: no script at all, so
they work offline and under ``script-src 'self'``; every click is a plain link.

- ``/view/plans/{id}/reuse``: how much each plan below takes from its parent (the shares'
  distribution and their mean per level, as charts; the pairs that take most, as a table);
- ``/view/plans/{child}/reuse/{parent}``: the passages taken, aligned row by row with the
  words that differ marked, then both texts side by side with the passages highlighted and
  numbered alike: a passage is a link to its counterpart in the other text (``#p3`` /
  ``#c3``, outlined by CSS ``:target``); the child's formula sentences are greyed;
- ``/view/suggestions``: every suggested parent, with the curation decisions that settle it.

Why bounded: a national directive has 100,000 pairs below it; the table lists the
:data:`MAX_ROWS` that take most (the CSV has every one).
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from graph.analytics import Analytics, reuse, suggest
from graph.errors import NotFound
from graph.inputs import plausible_id
from viz.charts import Bar, Segment, bar_chart
from viz.network import LEVEL_COLORS, LEVEL_NAMES

__all__ = ["MAX_ROWS", "router"]

MAX_ROWS = 300
LEVELS = ("province", "district", "commune", "central", "other")
_TOKEN = re.compile(r"\S+\s*")

router = APIRouter(include_in_schema=False)

env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page of ``templates/`` (the text analyses' pages share this environment)."""
    return HTMLResponse(env.get_template(template).render(**context), status_code=status)


def analytics_of(request: Request) -> Analytics:
    """The app's Analytics (made here for an app built without one)."""
    state = request.app.state
    if getattr(state, "analytics", None) is None:
        state.analytics = Analytics(state.lineage)
    analytics: Analytics = state.analytics
    return analytics


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x:.0%}"


def _share_charts(pairs: list[dict[str, Any]]) -> tuple[Any, Any]:
    """The shares' distribution (pairs per tenth, stacked by the child's level) and the mean
    share per level."""
    bins: dict[int, Counter[str]] = defaultdict(Counter)
    by_level: dict[str, list[float]] = defaultdict(list)
    for p in pairs:
        if p["share"] is None:
            continue
        level = p["child_level"] if p["child_level"] in LEVELS else "other"
        bins[min(9, int(p["share"] * 10))][level] += 1
        by_level[level].append(p["share"])
    dist = [
        Bar(
            f"{10 * i}–{10 * i + 10}%",
            tuple(
                Segment(
                    bins[i][lv],
                    f"{bins[i][lv]} {LEVEL_NAMES.get(lv, lv)} plan(s)",
                    color=LEVEL_COLORS.get(lv),
                )
                for lv in LEVELS
                if bins[i][lv]
            ),
        )
        for i in range(10)
    ]
    means = [
        Bar(
            f"{LEVEL_NAMES.get(lv, lv)}, {len(v):,}",
            (
                Segment(
                    sum(v) / len(v), f"{len(v)} pairs, mean {sum(v) / len(v):.0%}", color=LEVEL_COLORS.get(lv)
                ),
            ),
            text=f"{sum(v) / len(v):.0%}",
        )
        for lv in LEVELS
        if (v := by_level.get(lv))
    ]
    return (
        bar_chart(dist, label="Pairs by the share of the child's text taken from its parent", label_w=90),
        bar_chart(means, label="Mean share taken from the parent, by level of the child", label_w=190)
        if means
        else None,
    )


@router.get("/view/plans/{id}/reuse", response_class=HTMLResponse)
def reuse_view(request: Request, id: str) -> HTMLResponse:
    """How much of its text each plan below this one takes from its parent: charts and the top pairs."""
    lin = request.app.state.lineage
    try:
        if not plausible_id(id):
            raise NotFound(id)
        answer = analytics_of(request).answer(
            "reuse", id, limit=1_000_000_000, offset=0, texts=reuse.texts_generation(lin)
        )
    except NotFound:
        return render("not_found.html", 404, detail=f"No plan with id “{id}”.")
    pairs = answer["pairs"]
    dist, means = _share_charts(pairs)
    top = sorted((p for p in pairs if p["share"] is not None), key=lambda p: (-p["share"], p["child"]))
    return render(
        "reuse.html",
        plan=lin.summary(id),
        answer=answer,
        dist=dist,
        means=means,
        rows=top[:MAX_ROWS],
        max_rows=MAX_ROWS,
        no_text=sum(1 for p in pairs if p["share"] is None),
        has_texts=lin.texts is not None,
        pct=_pct,
        level_names=LEVEL_NAMES,
    )


def _diff(a: str, b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """The words of ``a`` and of ``b``, each marked when the other does not have it there."""
    wa, wb = _TOKEN.findall(a), _TOKEN.findall(b)
    ka = [w.strip().casefold() for w in wa]
    kb = [w.strip().casefold() for w in wb]
    out_a: list[tuple[str, bool]] = []
    out_b: list[tuple[str, bool]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        same = op == "equal"
        out_a += [(w, not same) for w in wa[i1:i2]]
        out_b += [(w, not same) for w in wb[j1:j2]]
    return out_a, out_b


@router.get("/view/plans/{id}/reuse/{parent}", response_class=HTMLResponse)
def pair_page(request: Request, id: str, parent: str) -> HTMLResponse:
    """One plan against a parent (or any document): the passages it takes, aligned, and both texts."""
    lin = request.app.state.lineage
    try:
        if not (plausible_id(id) and plausible_id(parent)):
            raise NotFound(id)
        view = reuse.pair_view(lin, lin.texts, parent, id)
    except NotFound:
        return render("not_found.html", 404, detail=f"No plan with id “{id}” or “{parent}”.")
    rows = []
    if view["available"]:
        for k, p in enumerate(view["passages"], 1):
            c = view["child_text"][p["child"][0] : p["child"][1]]
            q = view["parent_text"][p["parent"][0] : p["parent"][1]]
            cw, pw = _diff(c, q)
            rows.append({"k": k, "child": cw, "parent": pw, "similarity": p["similarity"]})
    return render(
        "reuse_pair.html",
        view=view,
        rows=rows,
        pct=_pct,
        is_parent=parent in lin.index.parents(id),
        suggested=(suggest.suggestion(lin, lin.texts, id) or {}).get("parent") == parent,
    )


@router.get("/view/suggestions", response_class=HTMLResponse)
def suggestions_page(
    request: Request, offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0
) -> HTMLResponse:
    """Every parent suggested from the text a plan takes, with the decisions that settle it."""
    lin = request.app.state.lineage
    items = suggest.suggestions(lin, lin.texts)
    shown = []
    for s in items[offset : offset + MAX_ROWS]:
        shown.append(
            s
            | {
                "plan_s": lin.summary(s["plan"]),
                "parent_s": lin.summary(s["parent"]),
                "confirm_json": json.dumps(s["curation"]["confirm"], ensure_ascii=False, indent=1),
                "reject_json": json.dumps(s["curation"]["reject"], ensure_ascii=False, indent=1),
            }
        )
    return render(
        "suggestions.html",
        items=shown,
        total=len(items),
        offset=offset,
        max_rows=MAX_ROWS,
        pct=_pct,
        has_texts=lin.texts is not None,
    )
