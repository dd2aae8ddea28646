"""Text reuse along a plan's links, one pair side by side, and the suggested parents (issue 12, item 3)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from api.deps import LineageDep, PlanId, unknown_is_404
from api.problems import ProblemError
from api.routes.analytics_common import CSV_RESPONSE, AnalyticsDep, answering, csv_response
from api.routes.analytics_texts_models import PairOut, ReuseOut, SuggestionPage
from api.schemas import problem_responses
from graph.analytics import reuse, suggest
from graph.analytics.tables import to_csv
from graph.inputs import plausible_id

router = APIRouter(tags=["analytics"])

MAX_PAGE = 10_000
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"at most this many items (at most {MAX_PAGE})")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="skip this many items first")]
ParentId = Annotated[str, Path(description="the id of the parent (or suggested parent) plan")]
SUGGESTION_COLUMNS = (
    "plan",
    "plan_number",
    "file",
    "parent",
    "parent_number",
    "share",
    "child_chars",
    "reused_chars",
    "passages",
)


def _page_headers(response: Response, total: int, limit: int, offset: int, path: str) -> None:
    response.headers["X-Total-Count"] = str(total)
    if offset + limit < total:
        response.headers["Link"] = f'<{path}?limit={limit}&offset={offset + limit}>; rel="next"'


@router.get("/api/plans/{id}/reuse", response_model=ReuseOut, responses=problem_responses(404, 422))
def get_reuse(
    id: PlanId, request: Request, analytics: AnalyticsDep, limit: Limit = MAX_PAGE, offset: Offset = 0
) -> Response:
    """Each ingested parent → child pair below this plan: the share of the child's text taken from its parent.

    The share is the printed length of the child's own sentences (its body, less
    headings, the sentences stating references or targets, and the formulas most
    plans repeat) found in the parent, over that of all of them; ``passages`` align
    each sentence taken with the parent's, as offsets into both original texts
    (``GET /api/plans/{child}/reuse/{parent}`` gives the texts). ``share`` is null
    when either text was not kept. Pairs nearest the plan first; ``limit`` and
    ``offset`` page them (``X-Total-Count``, ``Link: rel="next"``)."""
    gen = reuse.texts_generation(analytics.lin)
    with answering(id):
        body = analytics.json("reuse", id, limit=limit, offset=offset, texts=gen)
        total = analytics.answer("reuse", id, limit=limit, offset=offset, texts=gen)["total"]
    response = Response(body, media_type="application/json")
    _page_headers(response, total, limit, offset, request.url.path)
    return response


@router.get(
    "/api/plans/{id}/reuse.csv", response_class=Response, responses=CSV_RESPONSE | problem_responses(404)
)
def get_reuse_csv(id: PlanId, analytics: AnalyticsDep) -> Response:
    """The reuse of every pair below this plan as CSV: one row per pair (passages: how many)."""
    gen = reuse.texts_generation(analytics.lin)
    with answering(id):
        text = analytics.csv("reuse", id, limit=1_000_000_000, offset=0, texts=gen)
    return csv_response(text, f"reuse-{id}.csv")


@router.get("/api/plans/{id}/reuse/{parent}", response_model=PairOut, responses=problem_responses(404))
def get_pair(id: PlanId, parent: ParentId, lin: LineageDep) -> dict[str, Any]:
    """One pair side by side: both original texts, the passages of the child (``id``) taken from
    ``parent`` as offsets into each, and the child's formula sentences (not counted).

    ``parent`` may be any document: a parent, a suggested parent, or one to compare with."""
    if not plausible_id(parent):
        raise ProblemError(404, f"no plan with id {parent!r}")
    with unknown_is_404("plan", id):
        lin.summary(parent)
        view = reuse.pair_view(lin, lin.texts, parent, id)
    return {k: v for k, v in view.items() if not k.endswith("_segments")}


def _suggestion_rows(lin: Any) -> list[dict[str, Any]]:
    out = []
    for s in suggest.suggestions(lin, lin.texts):
        out.append(
            s
            | {
                "plan_number": lin.summary(s["plan"])["number"],
                "parent_number": lin.summary(s["parent"])["number"],
            }
        )
    return out


@router.get("/api/suggestions", response_model=SuggestionPage, responses=problem_responses(422))
def get_suggestions(
    request: Request, response: Response, lin: LineageDep, limit: Limit = MAX_PAGE, offset: Offset = 0
) -> dict[str, Any]:
    """The parents suggested for plans that name none, from the text they take (review state ``suggested``).

    Each plan whose text names no document it carries out, but takes at least 40% of
    its own text from a document its issuer may carry out, gets that document as a
    suggested parent (basis ``inferred``): shown in the plan's ``links``, never among
    its ``parents``. ``curation`` holds the two decisions of the curation file that
    settle it: ``confirm`` (an ``add`` of the link: the next ingest makes it a parent)
    and ``reject`` (it is not suggested again)."""
    items = _suggestion_rows(lin)
    _page_headers(response, len(items), limit, offset, request.url.path)
    return {"total": len(items), "limit": limit, "offset": offset, "items": items[offset : offset + limit]}


@router.get("/api/suggestions.csv", response_class=Response, responses=CSV_RESPONSE)
def get_suggestions_csv(lin: LineageDep) -> Response:
    """The suggested parents as CSV: one row per plan."""
    rows = [r | {"passages": len(r["passages"])} for r in _suggestion_rows(lin)]
    return csv_response(to_csv(SUGGESTION_COLUMNS, rows), "suggestions.csv")
