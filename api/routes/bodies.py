"""Bodies: the issuing organs and the plans each issued."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import BodyId, LineageDep, unknown_is_404
from api.schemas import BodyOut, PlanSummary, problem_responses

router = APIRouter(prefix="/api/bodies", tags=["bodies"])


@router.get("", response_model=list[BodyOut])
def list_bodies(lin: LineageDep) -> list[dict[str, Any]]:
    """Every issuing body with the number of plans it issued."""
    return lin.bodies()


@router.get("/{id}/plans", response_model=list[PlanSummary], responses=problem_responses(404))
def body_plans(id: BodyId, lin: LineageDep) -> list[dict[str, Any]]:
    """The plans this body issued."""
    with unknown_is_404("body", id):
        return lin.body_plans(id)
