"""Public response shapes, kept apart from the service's internal dicts.

The service (:class:`graph.service.Lineage`) answers with plain dicts; these
models are what the API promises, so they are what OpenAPI documents. Every
document field is optional because a stub (a document known only by
reference) may lack any of them. The plan detail allows extra keys so that
fields the record grows later pass through without an API change.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ontology.vocab import LEVELS, SYSTEMS

# From the one vocabulary table: Literal gives OpenAPI an enum and FastAPI a 422
# for anything else.
Level = Literal[LEVELS]  # type: ignore[valid-type]
System = Literal[SYSTEMS]  # type: ignore[valid-type]


class IssuerOut(BaseModel):
    """The issuing body as the document names it, placed on the administrative map."""

    name: str | None = None
    system: str | None = None
    level: str | None = None
    province: str | None = None
    district: str | None = None
    commune: str | None = None
    province_current: str | None = None


class PlanSummary(BaseModel):
    """A plan in a list: enough to show and link it."""

    id: str
    iri: str
    doc_type: str | None = None
    number: str | None = None
    date: str | None = None
    title: str | None = None
    issuer: IssuerOut | None = None
    stub: bool = Field(False, description="true when the document is known only by reference")


class PlanAtDepth(PlanSummary):
    """A plan below or above another, with its distance in implements-steps."""

    depth: int


class PlanPage(BaseModel):
    """One page of search results."""

    total: int
    limit: int
    offset: int
    items: list[PlanSummary]


class EvidenceOut(BaseModel):
    """The span of the source text a link was read from."""

    text: str | None = None
    start: int | None = None
    end: int | None = None
    method: str | None = None
    confidence: float | None = None
    basis: str | None = None


class LinkOut(BaseModel):
    """A typed link from this plan to another document, with its evidence."""

    model_config = ConfigDict(extra="allow")

    source: str | None = None
    target: str
    relation: str
    evidence: EvidenceOut | None = None
    review: str | None = Field(None, description="review state of the link")
    stated_by: str | None = Field(None, description="id of the document whose text states the link")


class PlanDetail(BaseModel):
    """One plan: the extracted record plus its place in the lineage graph."""

    model_config = ConfigDict(extra="allow")

    id: str
    iri: str
    stub: bool = False
    parents: list[str] = []
    children: list[str] = []
    root: list[str] = []  # ids of the roots above this plan
    links: list[LinkOut] = []
    source: str | None = None
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    date: str | None = None
    title: str | None = None
    issuer: IssuerOut | None = None
    implements: list[dict[str, Any]] = []
    based_on: list[dict[str, Any]] = []
    cites: list[dict[str, Any]] = []
    campaigns: list[str] = []
    signer: dict[str, Any] | None = None
    recipients: list[str] = []
    targets: list[dict[str, Any]] = []


class ResolveOut(BaseModel):
    """The plans a free-text reference names, best first."""

    ref: str
    ids: list[str]
    items: list[PlanSummary]


class CampaignOut(BaseModel):
    """A movement or campaign (SKOS concept) and how many plans cite it."""

    id: str
    label: str
    alt_labels: list[str] = []
    plan_count: int = 0


class BodyOut(BaseModel):
    """An issuing body and how many plans it issued."""

    id: str
    name: str | None = None
    system: str | None = None
    level: str | None = None
    province: str | None = None
    district: str | None = None
    plan_count: int = 0


class StatsOut(BaseModel):
    """Counts over the whole graph."""

    plans: int
    stubs: int
    edges: int
    bodies: int
    campaigns: int
    provinces: int


class Problem(BaseModel):
    """RFC 9457 problem details: the one error shape."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries documenting problem+json for these statuses."""
    return {
        s: {"model": Problem, "content": {"application/problem+json": {}}, "description": _DESCRIPTIONS[s]}
        for s in statuses
    }


_DESCRIPTIONS = {
    400: "Malformed request (e.g. bad SPARQL)",
    403: "Forbidden (e.g. SPARQL UPDATE on the read-only endpoint)",
    404: "Unknown id",
    406: "No acceptable representation",
    413: "Request too large",
    415: "Unsupported media type",
    414: "URL too long",
    422: "Invalid parameters",
    431: "Request headers too large",
    503: "Busy or over a limit (SPARQL: all query processes busy, with Retry-After; or the time limit)",
}
