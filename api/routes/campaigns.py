"""Campaigns: the movements plans cite and the plans citing each."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import CampaignId, LineageDep, unknown_is_404
from api.paging import MAX_PAGE, Limit, Offset, page
from api.schemas import CampaignOut, PlanSummary, problem_responses

router = APIRouter(prefix="/api/campaigns", tags=["campaigns"])


@router.get("", response_model=list[CampaignOut], responses=problem_responses(422))
def list_campaigns(
    lin: LineageDep, request: Request, response: Response, limit: Limit = MAX_PAGE, offset: Offset = 0
) -> list[dict[str, Any]]:
    """Every campaign with the number of plans citing it (paged: X-Total-Count, Link rel=next)."""
    return page(request, response, lin.campaigns(), limit, offset)


@router.get("/{id}/plans", response_model=list[PlanSummary], responses=problem_responses(404, 422))
def campaign_plans(
    id: CampaignId,
    lin: LineageDep,
    request: Request,
    response: Response,
    limit: Limit = MAX_PAGE,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    """The plans citing this campaign (paged: X-Total-Count, Link rel=next)."""
    with unknown_is_404("campaign", id):
        items = lin.campaign_plans(id)
    return page(request, response, items, limit, offset)
