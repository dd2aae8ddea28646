"""Plans: search, one plan, and its place in the cascade."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.deps import LineageDep, PlanId, unknown_is_404
from api.schemas import Level, PlanAtDepth, PlanDetail, PlanPage, PlanSummary, System, problem_responses
from graph.errors import NotFound
from graph.inputs import clean_text

router = APIRouter(prefix="/api/plans", tags=["plans"])

MaxDepth = Annotated[int | None, Query(ge=1, le=1000, description="stop after this many steps")]


@router.get("", response_model=PlanPage, responses=problem_responses(422))
def search_plans(
    lin: LineageDep,
    q: Annotated[
        str | None, Query(max_length=1000, description="diacritics-insensitive text: number, title, issuer")
    ] = None,
    province: Annotated[str | None, Query(max_length=200)] = None,
    level: Level | None = None,
    system: System | None = None,
    year: Annotated[int | None, Query(ge=1, le=9999)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Search plans by text, province, level, system and year."""
    total, items = lin.search(
        q=clean_text(q),
        province=clean_text(province),
        level=level,
        system=system,
        year=year,
        limit=limit,
        offset=offset,
    )
    return {"total": total, "limit": limit, "offset": offset, "items": items}


@router.get("/{id}", response_model=PlanDetail, responses=problem_responses(404))
def get_plan(id: PlanId, lin: LineageDep) -> dict[str, Any]:
    """One plan: its record, parents, children, roots and evidence-backed links."""
    with unknown_is_404("plan", id):
        plan = lin.plan(id)
        if plan is None:
            raise NotFound(id)
    return plan


@router.get("/{id}/children", response_model=list[PlanSummary], responses=problem_responses(404))
def get_children(id: PlanId, lin: LineageDep) -> list[dict[str, Any]]:
    """The plans whose parents include this one."""
    with unknown_is_404("plan", id):
        return lin.children(id)


# The traversals answer with bytes the service made once (Lineage.traversal_json):
# the response_model still documents the shape in OpenAPI, and a test checks that
# the bytes validate against it.
@router.get("/{id}/descendants", response_model=list[PlanAtDepth], responses=problem_responses(404, 422))
def get_descendants(id: PlanId, lin: LineageDep, max_depth: MaxDepth = None) -> Response:
    """Every plan below this one, each with its depth (1 = child)."""
    with unknown_is_404("plan", id):
        return Response(lin.traversal_json(id, True, max_depth), media_type="application/json")


@router.get("/{id}/ancestors", response_model=list[PlanAtDepth], responses=problem_responses(404, 422))
def get_ancestors(id: PlanId, lin: LineageDep, max_depth: MaxDepth = None) -> Response:
    """Every plan above this one up to the roots, each with its depth (1 = parent)."""
    with unknown_is_404("plan", id):
        return Response(lin.traversal_json(id, False, max_depth), media_type="application/json")
