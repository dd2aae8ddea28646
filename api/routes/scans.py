"""The pages of a scanned plan as images, to see a field's evidence where OCR read it (issue 14)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.deps import LineageDep, PlanId, unknown_is_404
from api.problems import ProblemError
from api.schemas import problem_responses
from graph.scans import MAX_PAGES, page_image

router = APIRouter(prefix="/api/plans", tags=["plans"])

_JPEG_RESPONSE = {
    200: {
        "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
        "description": "the page as JPEG, levelled as OCR read it (evidence boxes are in its pixels)",
    }
}


@router.get(
    "/{id}/pages/{page}", response_class=Response, responses=_JPEG_RESPONSE | problem_responses(404, 422)
)
def get_page_image(
    id: PlanId,
    page: Annotated[int, Path(ge=1, le=MAX_PAGES, description="page number, from 1")],
    lin: LineageDep,
) -> Response:
    """One page of the scan a plan was read from (only for plans ingested from a scan).

    The page as rendered for OCR and turned level, at most 1240 pixels wide: the boxes of
    an evidence's ``page`` (pixels of the page at its ``dpi``) scale onto it by its width.
    404 when the plan was not read from a scan, the page does not exist, or its image
    can no longer be had (neither in the OCR cache nor from the scanned file)."""
    with unknown_is_404("plan", id):
        lin.summary(id)  # NotFound for an unknown id
    data = page_image(lin.texts, id, page)
    if data is None:
        raise ProblemError(404, f"no page {page} of a scan for plan {id!r}")
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=3600"})
