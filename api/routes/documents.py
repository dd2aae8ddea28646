"""Documents: uploads ingested while the server keeps answering (``POST /api/documents``).

Reads: a ``multipart/form-data`` body of ``file`` fields (any format ``lineage
extract`` reads), streamed to a spool folder within the bounds of the settings
(``upload_max_bytes``, ``upload_max_files``; :mod:`api.uploads`), and the
``Authorization: Bearer`` token (:func:`api.deps.require_token`, checked before
a byte of the body is read). Writes: through :func:`graph.uploads.ingest_uploads`,
the one write path. Returns: 201 with ``{"ingested": [ids], "unchanged": [ids],
"failed": [{"file", "reason"}], "documents": [...]}``, each document with its
extracted record and where its plan landed (parents and roots).

Why a writer of its own: uploads run one at a time on a capacity limiter of one
(at most :data:`MAX_WAITING` queue behind it; beyond, 503 with Retry-After),
in a worker thread, so the event loop and the threads of the read routes stay
free. The read model is published whole when a write settles: a reader gets
the old answers or the new ones, never a mix, and never waits for a write.
"""

from __future__ import annotations

import logging
import shutil
from functools import partial
from typing import Any, Literal

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from api.deps import LineageDep, require_token, writes_on
from api.problems import ProblemError
from api.schemas import PlanSummary, Problem
from api.uploads import DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES, UploadRejected, spool, spool_folder, sweep
from graph.uploads import CurationUnusable, Upload, ingest_uploads
from viz.upload import upload_page

__all__ = ["MAX_WAITING", "page_router", "router", "upload_limits"]

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/documents", tags=["documents"])

MAX_WAITING = 8  # uploads queued behind the one being written; more get 503
RETRY_AFTER = "5"


class UploadFailure(BaseModel):
    """A file that was not ingested, and why."""

    file: str
    reason: str


class UploadedDocument(BaseModel):
    """A file ingested (or found unchanged), its record and its place in the cascade."""

    file: str
    status: Literal["ingested", "unchanged"]
    id: str
    record: dict[str, Any]
    parents: list[PlanSummary]
    root: list[PlanSummary]


class UploadOut(BaseModel):
    """What an upload did: the plan ids written, those already there as sent, the failures."""

    ingested: list[str]
    unchanged: list[str]
    failed: list[UploadFailure]
    documents: list[UploadedDocument]


_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": "string", "format": "binary"},
                            "description": "one or more documents (.txt, .md, .docx, .pdf, ...)",
                        }
                    },
                }
            }
        },
    }
}
_PROBLEMS = {
    400: "Malformed multipart body",
    401: "No token: send Authorization: Bearer <LINEAGE_TOKEN>",
    403: "Wrong token, or writes are off (the server has no LINEAGE_TOKEN)",
    413: "Over the upload size limit (LINEAGE_UPLOAD_MAX_BYTES) or file count",
    415: "Not multipart/form-data",
    422: "No `file` field, or one that is not a file (no file name)",
    503: "Too many uploads queued (Retry-After), or the server's curation file is unusable",
}


def upload_limits(settings: Any) -> tuple[int, int]:
    """``(max bytes per request, max files per request)`` from the settings, else the defaults."""
    max_bytes = getattr(settings, "upload_max_bytes", None) or DEFAULT_MAX_BYTES
    max_files = getattr(settings, "upload_max_files", None) or DEFAULT_MAX_FILES
    return int(max_bytes), int(max_files)


def _writer(request: Request) -> anyio.CapacityLimiter:
    """The app's one writer slot (made on first use, inside the event loop)."""
    state = request.app.state
    limiter = getattr(state, "upload_writer", None)
    if limiter is None:
        limiter = state.upload_writer = anyio.CapacityLimiter(1)
        sweep()  # spool folders of servers that died mid-upload
    return limiter


@router.post(
    "",
    status_code=201,
    response_model=UploadOut,
    dependencies=[Depends(require_token)],
    openapi_extra=_BODY,
    responses={
        s: {"model": Problem, "content": {"application/problem+json": {}}, "description": d}
        for s, d in _PROBLEMS.items()
    },
)
async def upload_documents(request: Request, lin: LineageDep) -> dict[str, Any]:
    """Ingest uploaded documents (multipart `file` fields) and say where each plan landed.

    Needs `Authorization: Bearer <LINEAGE_TOKEN>`. Re-sending a file changes nothing
    (it is listed under `unchanged`). Readers keep their answers until the write settles."""
    settings = request.app.state.settings
    max_bytes, max_files = upload_limits(settings)
    writer = _writer(request)
    if writer.statistics().tasks_waiting >= MAX_WAITING:
        busy = "too many uploads are waiting; try again shortly"
        raise ProblemError(503, busy, {"Retry-After": RETRY_AFTER})
    folder = spool_folder()
    try:
        try:
            files, unnamed = await spool(request, folder, max_bytes, max_files)
        except UploadRejected as e:
            raise ProblemError(e.status, e.detail) from e
        if unnamed:  # a plain form value under "file": the request is malformed, not a document
            detail = f"{unnamed} `file` field(s) without a file name: send each document as a file"
            raise ProblemError(422, detail)
        if not files:
            raise ProblemError(422, "no `file` field: send each document as a `file` field")
        work = partial(
            ingest_uploads,
            lin,
            [Upload(f.path, f.name) for f in files],
            getattr(settings, "workers", None),
            getattr(settings, "curation", None),
        )
        try:
            report = await anyio.to_thread.run_sync(work, limiter=writer)
        except CurationUnusable as e:
            log.error("upload refused: %s", e)
            raise ProblemError(503, "the server's curation file is unusable; its log says why") from e
    finally:
        await anyio.to_thread.run_sync(partial(shutil.rmtree, folder, ignore_errors=True))
    return report.to_json()


# The page beside the route it sends to: the limits it shows are the ones enforced here.
page_router = APIRouter(include_in_schema=False)


@page_router.get("/upload", response_class=HTMLResponse)
def upload_view(request: Request) -> HTMLResponse:
    """The upload page: drag and drop, a file picker, the token, and each answer drawn."""
    settings = request.app.state.settings
    return upload_page(writes_on(request), *upload_limits(settings))
