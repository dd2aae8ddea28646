"""Stats: counts over the whole graph."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import LineageDep
from api.schemas import StatsOut

router = APIRouter(prefix="/api/stats", tags=["stats"])


@router.get("", response_model=StatsOut)
def stats(lin: LineageDep) -> dict[str, Any]:
    """Counts of plans, stubs, edges, bodies, campaigns and provinces."""
    return lin.stats()
