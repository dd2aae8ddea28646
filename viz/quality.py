"""The data-quality view: the findings, each linking to the plans involved, and the most-wanted list.

Reads: the app's :class:`graph.analytics.Analytics` (``app.state.analytics``: the
quality answer kept per read-model generation) and the Lineage for the labels of
the documents a finding names. Returns: ``GET /view/quality`` (HTML), filtered by
``severity`` and ``kind`` through plain links, scoped to one plan's cascade by
``plan`` (an id or a reference such as "70-KL/TW").

Why no script at all: a table of links and a GET form are everything this view
needs, so it works offline and under the Content-Security-Policy unchanged; the
CSV links are the API's downloads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from graph.analytics import Analytics
from graph.analytics.quality import KINDS, MOST_WANTED, SEVERITIES, SEVERITY
from graph.errors import NotFound
from graph.inputs import clean_text
from graph.service import Lineage

__all__ = ["MAX_ROWS", "router"]

MAX_ROWS = 500  # findings drawn on the page (the CSV has them all)

router = APIRouter(include_in_schema=False)
_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_KIND_TEXT = {
    "date_before_parent": "child dated before its parent",
    "cycle": "documents implementing each other",
    "same_number_different_title": "one number, issuer and year, different titles",
    "self_successor": "a place succeeded by itself",
    "implements_lower": "implements a lower body's plan",
    "unresolved_reference": "reference not tied to one document",
    "ingested_twice": "one document from several files",
}


def _label(lin: Lineage, pid: str) -> dict[str, Any]:
    if not lin.knows(pid):
        return {"id": pid, "label": pid, "stub": False, "title": None}
    s = lin.summary(pid)
    name = (s["issuer"] or {}).get("name")
    return {
        "id": pid,
        "label": s["number"] or "không số",
        "title": " · ".join(x for x in (name, s["date"], s["title"]) if x),
        "stub": s["stub"],
    }


def _plan(lin: Lineage, text: str | None) -> str | None:
    """The plan an id or a free-text reference names (NotFound when none)."""
    if not text:
        return None
    if lin.knows(text):
        return text
    ids = lin.resolve(text, limit=1)
    if not ids:
        raise NotFound(f"No plan matches “{text}”.")
    return ids[0]


@router.get("/view/quality", response_class=HTMLResponse)
def quality_view(
    request: Request,
    plan: Annotated[str | None, Query(max_length=1000)] = None,
    severity: Annotated[str | None, Query(max_length=20)] = None,
    kind: Annotated[str | None, Query(max_length=60)] = None,
) -> HTMLResponse:
    """Findings (errors first) with links to the plans involved, and the most-wanted documents."""
    lin: Lineage = request.app.state.lineage
    analytics: Analytics = request.app.state.analytics
    asked = clean_text(plan)
    try:
        pid = _plan(lin, asked)
        answer = analytics.quality(pid, most_wanted=MOST_WANTED)
    except NotFound as e:
        html = _env.get_template("not_found.html").render(detail=str(e))
        return HTMLResponse(html, status_code=404)
    sel_severity = severity if severity in SEVERITIES else None
    sel_kind = kind if kind in KINDS else None
    findings = answer["findings"]
    counts = {s: sum(1 for f in findings if f["severity"] == s) for s in SEVERITIES}
    by_kind = [
        {
            "kind": k,
            "severity": SEVERITY[k],
            "text": _KIND_TEXT[k],
            "n": sum(1 for f in findings if f["kind"] == k),
        }
        for k in KINDS
    ]
    shown = [
        f
        for f in findings
        if (sel_severity is None or f["severity"] == sel_severity)
        and (sel_kind is None or f["kind"] == sel_kind)
    ]
    rows = [
        f | {"docs": [_label(lin, i) for i in f["ids"][:12]], "more": len(f["ids"]) - 12}
        for f in shown[:MAX_ROWS]
    ]
    scope = {"plan": pid} if pid else {}
    html = _env.get_template("quality.html").render(
        plan=_label(lin, pid) if pid else None,
        asked=asked,
        counts=counts,
        by_kind=by_kind,
        rows=rows,
        shown=len(shown),
        total=len(findings),
        max_rows=MAX_ROWS,
        sel_severity=sel_severity,
        sel_kind=sel_kind,
        most_wanted=answer["most_wanted"],
        wanted_limit=MOST_WANTED,
        query=lambda **kw: "?" + urlencode(scope | {k: v for k, v in kw.items() if v}),
        csv_query=("?" + urlencode(scope)) if scope else "",
        kind_text=_KIND_TEXT,
    )
    return HTMLResponse(html)
