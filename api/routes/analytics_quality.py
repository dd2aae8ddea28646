"""Data quality of the graph and the most-wanted missing documents (issue 12, item 5)."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from api.routes.analytics_common import CSV_RESPONSE, AnalyticsDep, answering, csv_response
from api.schemas import IssuerOut, problem_responses
from graph.analytics.quality import MOST_WANTED, SEVERITIES

router = APIRouter(prefix="/api/quality", tags=["analytics"])


class FindingOut(BaseModel):
    """One thing wrong or unresolved in the graph."""

    kind: str = Field(
        description="date_before_parent, cycle, same_number_different_title, self_successor (errors); "
        "implements_lower, unresolved_reference (warnings); ingested_twice (info)"
    )
    severity: Literal[SEVERITIES]  # type: ignore[valid-type]
    ids: list[str] = Field(description="the documents involved (see each kind for their order)")
    detail: dict[str, Any] = Field(description="``message``: the finding in a sentence; and per kind")


class MostWantedOut(BaseModel):
    """A document known only by reference, with how many ingested documents implement it."""

    id: str
    number: str | None = None
    issuer: IssuerOut | None = None
    cited_by: int
    doc_type: str | None = None
    date: str | None = None
    title: str | None = None


class QualityOut(BaseModel):
    """The findings (errors first) and the most-wanted list (most cited first)."""

    findings: list[FindingOut]
    most_wanted: list[MostWantedOut]


Plan = Annotated[
    str | None,
    Query(max_length=1000, description="only the cascade below this plan (its id); else the whole store"),
]
Wanted = Annotated[int, Query(ge=0, le=100_000, description="how many most-wanted documents to list")]


def _quality(analytics: Any, plan: str | None, most_wanted: int, kind: str, csv: bool) -> Any:
    with answering(plan) if plan is not None else nullcontext():
        if csv:
            return analytics.quality_csv(kind, plan, most_wanted=most_wanted)
        return analytics.json(kind, plan, most_wanted=most_wanted)


@router.get("", response_model=QualityOut, responses=problem_responses(404, 422))
def get_quality(analytics: AnalyticsDep, plan: Plan = None, most_wanted: Wanted = MOST_WANTED) -> Response:
    """Data-quality findings, and the documents known only by reference that most plans implement.

    Errors (facts that cannot all be true): a child dated before its parent (the
    dates' precision respected), documents implementing each other, one number,
    issuer and year ingested with different titles, a place succeeded by itself.
    Warnings: a plan implementing a lower body's plan, a reference the graph could
    not tie to one document. Info: one document ingested from several files.
    ``most_wanted`` ranks the stubs by how many ingested documents implement them:
    what to collect next."""
    body = _quality(analytics, plan, most_wanted, "quality", csv=False)
    return Response(body, media_type="application/json")


@router.get("/findings.csv", response_class=Response, responses=CSV_RESPONSE | problem_responses(404, 422))
def get_findings_csv(analytics: AnalyticsDep, plan: Plan = None) -> Response:
    """The findings as CSV: one row per finding, errors first."""
    text = _quality(analytics, plan, MOST_WANTED, "quality", csv=True)
    return csv_response(text, "quality-findings.csv")


@router.get("/most-wanted.csv", response_class=Response, responses=CSV_RESPONSE | problem_responses(404, 422))
def get_most_wanted_csv(
    analytics: AnalyticsDep, plan: Plan = None, most_wanted: Wanted = MOST_WANTED
) -> Response:
    """The most-wanted documents as CSV, most cited first."""
    text = _quality(analytics, plan, most_wanted, "most_wanted", csv=True)
    return csv_response(text, "most-wanted.csv")
