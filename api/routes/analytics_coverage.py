"""Coverage of a plan: the units expected to carry it out and what each one issued (issue 12, item 1)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.deps import PlanId
from api.routes.analytics_common import CSV_RESPONSE, AnalyticsDep, answering, csv_response
from api.routes.analytics_models import CoverageOut
from api.schemas import problem_responses
from graph.inputs import clean_text

router = APIRouter(prefix="/api/plans", tags=["analytics"])

Province = Annotated[
    str | None,
    Query(
        max_length=200,
        description="a central document: drill its province × system matrix down to the "
        "district-level units of this province (e.g. 'Bắc Kạn'); any other plan: keep its units "
        "in this province. A province the 2024 map does not know lists no unit "
        "(province_found false)",
    ),
]
Part = Annotated[Literal["party", "state", "front"] | None, Query(description="keep the units of one system")]


@router.get("/{id}/coverage", response_model=CoverageOut, responses=problem_responses(404, 422))
def get_coverage(
    id: PlanId, analytics: AnalyticsDep, province: Province = None, system: Part = None
) -> Response:
    """The units expected to implement this plan, and the plans each one issued (none: a gap).

    Expected units: for a central document each of the 63 provinces × Party, State
    and Front (``matrix`` gives them as a table; ``province=`` drills down to that
    province's districts, and narrows any other plan's units to that province); for
    a provincial or district plan of a territory's own
    committee, each district (or commune) of its territory with the plan's system;
    and the units its recipients name. A unit is covered by a document of it below
    the plan, or ``skipping`` a level by one below a higher document the plan itself
    implements."""
    with answering(id):
        body = analytics.json("coverage", id, province=clean_text(province), system=system)
    return Response(body, media_type="application/json")


@router.get(
    "/{id}/coverage.csv", response_class=Response, responses=CSV_RESPONSE | problem_responses(404, 422)
)
def get_coverage_csv(
    id: PlanId, analytics: AnalyticsDep, province: Province = None, system: Part = None
) -> Response:
    """The coverage as CSV: one row per expected unit."""
    with answering(id):
        text = analytics.csv("coverage", id, province=clean_text(province), system=system)
    return csv_response(text, f"coverage-{id}.csv")
