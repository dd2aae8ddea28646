"""Campaigns: the movements plans cite and the plans citing each."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import CampaignId, LineageDep, unknown_is_404
from api.schemas import CampaignOut, PlanSummary, problem_responses

router = APIRouter(prefix="/api/campaigns", tags=["campaigns"])


@router.get("", response_model=list[CampaignOut])
def list_campaigns(lin: LineageDep) -> list[dict[str, Any]]:
    """Every campaign with the number of plans citing it."""
    return lin.campaigns()


@router.get("/{id}/plans", response_model=list[PlanSummary], responses=problem_responses(404))
def campaign_plans(id: CampaignId, lin: LineageDep) -> list[dict[str, Any]]:
    """The plans citing this campaign."""
    with unknown_is_404("campaign", id):
        return lin.campaign_plans(id)
