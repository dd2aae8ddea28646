"""Timeline and lag of a plan's cascade (issue 12, item 2)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import PlanId
from api.routes.analytics_common import CSV_RESPONSE, AnalyticsDep, answering, csv_response
from api.routes.analytics_models import TimelineOut
from api.schemas import problem_responses

router = APIRouter(prefix="/api/plans", tags=["analytics"])


@router.get("/{id}/timeline", response_model=TimelineOut, responses=problem_responses(404))
def get_timeline(id: PlanId, analytics: AnalyticsDep) -> Response:
    """Every parent → child link below this plan with its lag in days, and the lags per level.

    ``lag_days`` is null unless both dates are days: a "2024-05" date is a month,
    so the link carries its ``precision`` and the ``lag_range`` of days the two
    dates allow. Figures (count, median, p90) per level, system and province are
    over the day-exact lags; ``slowest`` and ``fastest`` rank the units by their
    quickest answer."""
    with answering(id):
        body = analytics.json("timeline", id)
    return Response(body, media_type="application/json")


@router.get("/{id}/timeline.csv", response_class=Response, responses=CSV_RESPONSE | problem_responses(404))
def get_timeline_csv(id: PlanId, analytics: AnalyticsDep) -> Response:
    """The timeline as CSV: one row per parent → child link."""
    with answering(id):
        text = analytics.csv("timeline", id)
    return csv_response(text, f"timeline-{id}.csv")
