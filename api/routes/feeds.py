"""The change feed of a plan (issue 12, item 6): an Atom feed of the documents newly ingested below it."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import PlanId
from api.routes.analytics_common import AnalyticsDep, answering
from api.schemas import problem_responses
from graph.analytics.feed import ATOM_MEDIA_TYPE, DEFAULT_ENTRIES, MAX_ENTRIES, atom

router = APIRouter(prefix="/feeds", tags=["analytics"])

_ATOM_RESPONSE = {
    200: {"content": {ATOM_MEDIA_TYPE: {"schema": {"type": "string"}}}, "description": "an Atom 1.0 feed"},
    304: {"description": "not modified since the ETag the client sent"},
}


@router.get(
    "/plans/{id}.atom", response_class=Response, responses=_ATOM_RESPONSE | problem_responses(404, 422)
)
def get_feed(
    id: PlanId,
    request: Request,
    analytics: AnalyticsDep,
    limit: Annotated[
        int, Query(ge=1, le=MAX_ENTRIES, description="at most this many entries")
    ] = DEFAULT_ENTRIES,
) -> Response:
    """The documents newly ingested below this plan, newest first, as an Atom feed.

    An entry per ingested document below the plan: its IRI as id, number and
    title, the time it was first ingested as ``updated``, and a link to its page.
    Answers ``304`` when the client's ``If-None-Match`` is the feed's ETag."""
    with answering(id):
        answer = analytics.feed(id, limit=limit)
    site = str(request.base_url)
    body = atom(answer, str(request.url), site if site.endswith("/") else site + "/")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag in (request.headers.get("if-none-match") or "").replace(" ", "").split(","):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=f"{ATOM_MEDIA_TYPE}; charset=utf-8", headers=headers)
