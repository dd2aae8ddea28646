"""Export and validation over HTTP: what ``lineage export`` and ``lineage validate`` answer.

Reads: the whole graph (:meth:`graph.service.Lineage.export`, ``validate``).
Returns: the graph in one format with its media type (``GET /api/export``), and
``{"conforms", "report"}`` of the SHACL shapes (``GET /api/validate``).

Why here: while ``lineage serve`` runs it owns the embedded store, so these
commands ask it (:mod:`lineage.remote`). Both read everything and cost seconds
on a large graph: they run one at a time, in a worker thread, and a second
request while one runs gets 503 with Retry-After instead of piling up. A
verdict is kept until the read model changes (a write settles).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from api.deps import LineageDep
from api.problems import ProblemError
from api.schemas import Problem, problem_responses
from graph.export import FORMATS
from ontology.vocab import EXPORT_MEDIA_TYPES

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["export"])

ExportFormat = Literal[FORMATS]  # type: ignore[valid-type]
RETRY_AFTER = "10"


class ValidationOut(BaseModel):
    """The SHACL verdict on the whole store."""

    conforms: bool
    report: str


def _heavy(request: Request) -> anyio.CapacityLimiter:
    """The app's one slot for whole-graph reads (made on first use, inside the event loop)."""
    state = request.app.state
    limiter = getattr(state, "whole_graph_reader", None)
    if limiter is None:
        limiter = state.whole_graph_reader = anyio.CapacityLimiter(1)
    return limiter


async def _one_at_a_time(request: Request, work: Any) -> Any:
    limiter = _heavy(request)
    if limiter.borrowed_tokens >= limiter.total_tokens:
        busy = "an export or validation is running; try again shortly"
        raise ProblemError(503, busy, {"Retry-After": RETRY_AFTER})
    return await anyio.to_thread.run_sync(work, limiter=limiter)


_BUSY: dict[int | str, dict[str, Any]] = {
    503: {
        "model": Problem,
        "content": {"application/problem+json": {}},
        "description": "Another export or validation is running (Retry-After)",
    }
}


@router.get(
    "/export",
    response_class=Response,
    responses={
        200: {
            "description": "the whole graph (ttl, nt, jsonld) or its lineage (graphml, csv)",
            "content": {EXPORT_MEDIA_TYPES[f]: {} for f in FORMATS},
        },
        **problem_responses(422),
        **_BUSY,
    },
)
async def export_graph(
    request: Request,
    lin: LineageDep,
    format: Annotated[ExportFormat, Query(description="ttl, nt, jsonld (RDF); graphml, csv (the lineage)")],
) -> Response:
    """The whole graph in one format, as `lineage export` writes it."""
    data = await _one_at_a_time(request, partial(lin.export, format))
    return Response(
        data,
        media_type=EXPORT_MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="lineage.{format}"'},
    )


@router.get("/validate", response_model=ValidationOut, responses=_BUSY)
async def validate_store(request: Request, lin: LineageDep) -> dict[str, Any]:
    """Validate the store against the ontology's SHACL shapes, as `lineage validate` does."""
    state = request.app.state
    kept = getattr(state, "validated", None)
    if kept is not None and kept[0] == lin.generation:  # the same read model: the same verdict
        return kept[1]
    generation = lin.generation
    conforms, report = await _one_at_a_time(request, lin.validate)
    answer = {"conforms": conforms, "report": report}
    if lin.generation == generation:  # no write settled meanwhile: the verdict is that model's
        state.validated = (generation, answer)
    return answer
