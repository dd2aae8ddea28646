"""Bodies: the issuing organs and the plans each issued."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import BodyId, LineageDep, unknown_is_404
from api.paging import MAX_PAGE, Limit, Offset, page
from api.schemas import BodyOut, PlanSummary, problem_responses

router = APIRouter(prefix="/api/bodies", tags=["bodies"])


@router.get("", response_model=list[BodyOut], responses=problem_responses(422))
def list_bodies(
    lin: LineageDep, request: Request, response: Response, limit: Limit = MAX_PAGE, offset: Offset = 0
) -> list[dict[str, Any]]:
    """Every issuing body with the number of plans it issued (paged: X-Total-Count, Link rel=next)."""
    return page(request, response, lin.bodies(), limit, offset)


@router.get("/{id}/plans", response_model=list[PlanSummary], responses=problem_responses(404, 422))
def body_plans(
    id: BodyId,
    lin: LineageDep,
    request: Request,
    response: Response,
    limit: Limit = MAX_PAGE,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    """The plans this body issued (paged: X-Total-Count, Link rel=next)."""
    with unknown_is_404("body", id):
        items = lin.body_plans(id)
    return page(request, response, items, limit, offset)
