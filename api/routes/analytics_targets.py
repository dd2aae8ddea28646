"""Targets along a plan's cascade: each child's targets against its parent's (issue 12, item 4)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.deps import PlanId
from api.routes.analytics_common import CSV_RESPONSE, AnalyticsDep, answering, csv_response
from api.routes.analytics_reuse import MAX_PAGE, Limit, Offset
from api.routes.analytics_texts_models import TargetsOut
from api.schemas import problem_responses
from graph.analytics import reuse

router = APIRouter(prefix="/api/plans", tags=["analytics"])


@router.get("/{id}/targets", response_model=TargetsOut, responses=problem_responses(404, 422))
def get_targets(
    id: PlanId, request: Request, analytics: AnalyticsDep, limit: Limit = MAX_PAGE, offset: Offset = 0
) -> Response:
    """Each child's targets below this plan against its parent's: stricter, equal, looser, missing, added.

    A row per parent → child link and indicator either sets. Targets are compared by
    their indicator key (``people_exercising``: the vocabulary's indicators, matched
    from the target's words; a target no key matches is compared by its own words)
    and unit: ``stricter`` when the child asks for more (less, for an indicator where
    less is better, or the same with ``>`` for ``>=``), ``missing`` when the child
    sets none of the parent's, ``added`` when the parent set none. ``by_indicator``
    and ``by_level`` count the relations over all rows; ``limit`` and ``offset`` page
    the rows."""
    gen = reuse.texts_generation(analytics.lin)
    with answering(id):
        body = analytics.json("targets", id, limit=limit, offset=offset, texts=gen)
        total = analytics.answer("targets", id, limit=limit, offset=offset, texts=gen)["total"]
    response = Response(body, media_type="application/json")
    response.headers["X-Total-Count"] = str(total)
    if offset + limit < total:
        response.headers["Link"] = f'<{request.url.path}?limit={limit}&offset={offset + limit}>; rel="next"'
    return response


@router.get("/{id}/targets.csv", response_class=Response, responses=CSV_RESPONSE | problem_responses(404))
def get_targets_csv(id: PlanId, analytics: AnalyticsDep) -> Response:
    """The targets along the cascade as CSV: one row per (link, indicator)."""
    gen = reuse.texts_generation(analytics.lin)
    with answering(id):
        text = analytics.csv("targets", id, limit=1_000_000_000, offset=0, texts=gen)
    return csv_response(text, f"targets-{id}.csv")
