"""Resolve: from a free-text reference ("241-KH/TU Bắc Kạn") to plan ids."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import LineageDep
from api.schemas import ResolveOut, problem_responses
from graph.inputs import clean_text

router = APIRouter(prefix="/api/resolve", tags=["resolve"])


@router.get("", response_model=ResolveOut, responses=problem_responses(422))
def resolve(
    lin: LineageDep,
    ref: Annotated[str, Query(min_length=1, max_length=1000, description="e.g. 241-KH/TU Bắc Kạn")],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> dict[str, Any]:
    """The ids a free-text reference names, best first."""
    text = clean_text(ref)
    if text is None:  # only spaces or characters that do not print: it names nothing
        return {"ref": "", "ids": [], "items": []}
    ids = lin.resolve(text, limit=limit)
    items = [lin.summary(i) for i in ids]
    return {"ref": text, "ids": ids, "items": items}
