"""Plans: search, one plan, and its place in the cascade."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import LineageDep, PlanId, unknown_is_404
from api.paging import MAX_OFFSET, MAX_PAGE, Limit, Offset, page, traversal_page
from api.schemas import Level, PlanAtDepth, PlanDetail, PlanPage, PlanSummary, System, problem_responses
from graph.errors import NotFound
from graph.inputs import clean_text
from graph.sources import public_source

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
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
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
    # a store written before sources were kept as file names still holds the ingesting path
    return plan | {"source": public_source(plan.get("source"))}


@router.get("/{id}/children", response_model=list[PlanSummary], responses=problem_responses(404, 422))
def get_children(
    id: PlanId,
    lin: LineageDep,
    request: Request,
    response: Response,
    limit: Limit = MAX_PAGE,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    """The plans whose parents include this one (paged: X-Total-Count, Link rel=next)."""
    with unknown_is_404("plan", id):
        items = lin.children(id)
    return page(request, response, items, limit, offset)


# The traversals answer with bytes the service made once (Lineage.traversal_json):
# the response_model still documents the shape in OpenAPI, and a test checks that
# the bytes validate against it. A page is those very bytes whenever the list fits in it.
@router.get("/{id}/descendants", response_model=list[PlanAtDepth], responses=problem_responses(404, 422))
def get_descendants(
    id: PlanId,
    lin: LineageDep,
    request: Request,
    max_depth: MaxDepth = None,
    limit: Limit = MAX_PAGE,
    offset: Offset = 0,
) -> Response:
    """Every plan below this one, each with its depth (1 = child), nearest first (paged)."""
    with unknown_is_404("plan", id):
        body = lin.traversal_json(id, True, max_depth)
    return traversal_page(request, body, limit, offset)


@router.get("/{id}/ancestors", response_model=list[PlanAtDepth], responses=problem_responses(404, 422))
def get_ancestors(
    id: PlanId,
    lin: LineageDep,
    request: Request,
    max_depth: MaxDepth = None,
    limit: Limit = MAX_PAGE,
    offset: Offset = 0,
) -> Response:
    """Every plan above this one up to the roots, each with its depth (1 = parent), nearest first (paged)."""
    with unknown_is_404("plan", id):
        body = lin.traversal_json(id, False, max_depth)
    return traversal_page(request, body, limit, offset)
