"""The response shapes of the analytics routes, as OpenAPI documents them (issue 12).

The analyses (:mod:`graph.analytics`) answer plain dicts, which the routes send as
bytes made once per read model; these models are what the API promises and what a
test validates those bytes against. They keep to ``interface.md`` ("Analytics")
and add fields, never remove one.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas import IssuerOut

__all__ = [
    "CoverageOut",
    "CoverageUnitOut",
    "LagFigures",
    "MatrixCell",
    "MatrixRow",
    "RankedUnit",
    "SystemCounts",
    "TimelineLink",
    "TimelineOut",
]


class CoverageUnitOut(BaseModel):
    """A unit expected to carry out the plan, and what it issued below it."""

    name: str = Field(description="the unit's committee: 'Huyện ủy Ba Bể', 'UBND huyện Ba Bể'")
    place: str | None = Field(None, description="the place as text prints it: 'huyện Ba Bể'")
    level: str
    system: str
    province: str | None = None
    district: str | None = None
    commune: str | None = None
    lat: float | None = None
    lon: float | None = None
    source: list[str] = Field([], description="why it is expected: gazetteer, recipients")
    plans: list[str] = Field(description="ids of its documents below the plan; empty: none found")
    first_date: str | None = None
    lag_days: int | None = Field(
        None, description="days from the plan's date to first_date, when both are days"
    )
    precision: str | None = Field(None, description="day, month or year: the coarser of the two dates")
    lag_range: list[int] | None = Field(None, description="[min, max] days the two dates allow")
    skipping: bool = Field(False, description="covered by a document that implements a higher one directly")


class SystemCounts(BaseModel):
    expected: int
    covered: int
    skipping: int


class MatrixCell(BaseModel):
    plans: int
    first: str | None = None
    first_date: str | None = None
    lag_days: int | None = None
    skipping: bool = False


class MatrixRow(BaseModel):
    """One province of a central document's matrix, a cell per system."""

    province: str
    lat: float | None = None
    lon: float | None = None
    covered: int
    cells: dict[str, MatrixCell]


class CoverageOut(BaseModel):
    """Who was expected to carry out the plan and who did (``GET /api/plans/{id}/coverage``)."""

    plan: str
    number: str | None = None
    date: str | None = None
    issuer: IssuerOut | None = None
    province_filter: str | None = Field(None, description="the province asked for, as the map spells it")
    province_found: bool | None = Field(
        None, description="whether the 2024 map knows that province (false: no unit is listed)"
    )
    system_filter: str | None = None
    map: str | None = Field(None, description="the administrative map the expected units come from")
    expected: int
    covered: int
    gaps: int
    skipping: int
    by_system: dict[str, SystemCounts]
    units: list[CoverageUnitOut]
    matrix: list[MatrixRow] | None = Field(None, description="province × system, for a central document")


class TimelineLink(BaseModel):
    """A parent → child link below the plan with its lag."""

    parent: str
    child: str
    parent_number: str | None = None
    child_number: str | None = None
    parent_date: str | None = None
    child_date: str | None = None
    parent_level: str | None = None
    child_level: str | None = None
    child_system: str | None = None
    child_province: str | None = None
    child_district: str | None = None
    child_issuer: str | None = None
    depth: int
    lag_days: int | None = Field(None, description="null unless both dates are days")
    precision: str | None = Field(None, description="day, month or year; null when a date is missing")
    lag_range: list[int] | None = None


class LagFigures(BaseModel):
    """Lags of a group of links: figures over the day-exact ones."""

    links: int
    count: int = Field(description="links with a day-exact lag")
    median: float | None = None
    p90: int | None = None
    min: int | None = None
    max: int | None = None
    inexact: int = Field(0, description="links with a month or year date")
    undated: int = 0
    before_parent: int = Field(0, description="children certainly dated before their parent")


class RankedUnit(BaseModel):
    """A unit's quickest answer in the cascade."""

    name: str | None = None
    level: str | None = None
    system: str | None = None
    province: str | None = None
    district: str | None = None
    plan: str
    number: str | None = None
    parent: str
    lag_days: int


class TimelineOut(BaseModel):
    """How fast the plan travelled down its cascade (``GET /api/plans/{id}/timeline``)."""

    plan: str
    number: str | None = None
    date: str | None = None
    issuer: IssuerOut | None = None
    documents: int
    links: list[TimelineLink]
    overall: LagFigures
    by_level: dict[str, LagFigures]
    by_system: dict[str, LagFigures]
    by_province: dict[str, LagFigures]
    slowest: list[RankedUnit]
    fastest: list[RankedUnit]
