"""The response shapes of the text reuse, suggested parents and targets routes, as OpenAPI documents them.

The analyses (:mod:`graph.analytics.reuse`, :mod:`graph.analytics.suggest`,
:mod:`graph.analytics.targets`) answer plain dicts, sent as bytes made once per read
model; these models are what the API promises and what a test validates them against.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.schemas import PlanSummary

__all__ = ["PairOut", "Passage", "ReuseOut", "ReusePair", "SuggestionOut", "SuggestionPage", "TargetsOut"]


class Passage(BaseModel):
    """A sentence of the child taken from the parent: where it is in each original text."""

    child: list[int] = Field(description="[start, end) in the child's original text")
    parent: list[int] = Field(description="[start, end) in the parent's original text")
    similarity: float = Field(description="estimated Jaccard similarity of their word 3-grams")


class ReusePair(BaseModel):
    parent: str
    child: str
    parent_number: str | None = None
    child_number: str | None = None
    child_level: str | None = None
    child_issuer: str | None = None
    share: float | None = Field(
        description="share of the child's own text taken from the parent; null: no text"
    )
    child_chars: int | None = Field(None, description="printed length of the child's own sentences")
    reused_chars: int | None = Field(None, description="of which taken from the parent")
    passages: list[Passage]


class ReuseOut(BaseModel):
    """Text reuse along the links below a plan (``GET /api/plans/{id}/reuse``)."""

    plan: str
    total: int = Field(description="parent → child pairs below the plan, both ingested")
    with_text: int = Field(description="pairs whose two texts are kept")
    mean_share: float | None = None
    limit: int
    offset: int
    pairs: list[ReusePair]


class Span(BaseModel):
    start: int
    end: int


class PairOut(BaseModel):
    """One pair side by side (``GET /api/plans/{id}/reuse/{parent}``)."""

    parent: PlanSummary
    child: PlanSummary
    available: bool = Field(description="false when either text was not kept")
    share: float | None = None
    child_chars: int | None = None
    reused_chars: int | None = None
    passages: list[Passage]
    formulas: list[Span] = Field([], description="the child's sentences most plans repeat: not counted")
    parent_text: str | None = None
    child_text: str | None = None


class SuggestionOut(BaseModel):
    """A parent suggested for a plan that names none."""

    plan: str
    plan_number: str | None = None
    file: str | None = None
    parent: str
    parent_number: str | None = None
    share: float
    child_chars: int
    reused_chars: int
    passages: list[Passage]
    alternatives: list[dict[str, Any]] = Field([], description="the next candidates: parent and share")
    basis: str = Field(description="inferred")
    review: str = Field(description="suggested")
    method: str
    curation: dict[str, dict[str, Any]] = Field(
        description="the decisions of the curation file that confirm (add) or reject it"
    )


class SuggestionPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[SuggestionOut]


class TargetRow(BaseModel):
    """One indicator of one parent → child link."""

    parent: str
    child: str
    parent_number: str | None = None
    child_number: str | None = None
    child_level: str | None = None
    child_issuer: str | None = None
    indicator: str = Field(description="the indicator key, or 'text:' and the words of an unknown one")
    label: str | None = None
    unit: str | None = None
    relation: str = Field(description="stricter, equal, looser, missing or added")
    parent_value: float | None = None
    child_value: float | None = None
    parent_comparator: str | None = None
    child_comparator: str | None = None
    parent_year: int | None = None
    child_year: int | None = None
    parent_text: str | None = None
    child_text: str | None = None


class IndicatorOut(BaseModel):
    key: str
    label: str


class TargetsOut(BaseModel):
    """Targets along the cascade of a plan (``GET /api/plans/{id}/targets``)."""

    plan: str
    targets: list[dict[str, Any]] = Field(description="the plan's own targets")
    links: int = Field(description="parent → child links below the plan, both ingested")
    total: int = Field(description="rows: (link, indicator)")
    limit: int
    offset: int
    indicators: list[IndicatorOut]
    by_indicator: dict[str, dict[str, int]]
    by_level: dict[str, dict[str, int]]
    rows: list[TargetRow]
