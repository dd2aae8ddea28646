"""SPARQL: a read-only SPARQL 1.1 Protocol endpoint over the union graph, bounded.

GET ``?query=``; POST either a form (``query=``) or the query itself as
``application/sparql-query``. The ``Accept`` header picks the result format
(:func:`negotiate`). Before anything runs, :func:`graph.sparql.check_query`
refuses updates (also ``update=`` beside a query, in the URL or the form, and
``application/sparql-update``), ``SERVICE`` and ``LOAD``: a 403. A dataset
(``default-graph-uri``, ``named-graph-uri``) is not supported: a 400 (use FROM).

The query then runs in a process of the bounded executor
(:class:`graph.sparql_pool.QueryPool`, on ``app.state.sparql``), never in the
thread pool of the other routes: a 503 with ``Retry-After`` when every process
is busy; a 503 past the time limit; rows and bytes capped (the answer stays a
well-formed document, ``X-Result-Truncated`` says so when it is known before
the first byte goes out). The answer is streamed as the process writes it, and
:class:`SparqlAnswer` kills the process when the client goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request, Response
from pyoxigraph import QueryTriples
from starlette.types import Receive, Scope, Send

from api.problems import ProblemError, problem
from api.schemas import problem_responses
from graph.errors import QueryError
from graph.formats import GRAPH_FORMATS, RESULT_FORMATS, media_type
from graph.sparql import QueryRefused, check_query
from graph.sparql_pool import QueryFailed, QueryPool
from graph.sparql_results import Outcome, stream
from graph.storage import QueryResult

router = APIRouter(prefix="/api/sparql", tags=["sparql"])
log = logging.getLogger(__name__)

MAX_QUERY_BYTES = 1_000_000
MAX_GET_QUERY_CHARS = 1000  # percent-encoded, still within api.limits.MAX_URL_BYTES
RETRY_AFTER = "2"
_READ_ONLY = "this endpoint is read-only: SPARQL UPDATE is not accepted"
# What the endpoint offers (the first is the default): a subset of graph.formats' media types.
RESULT_OFFERS = (
    "application/sparql-results+json",
    "application/json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
GRAPH_OFFERS = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
_SPARQL_JSON = {  # SPARQL 1.1 Query Results JSON: a SELECT's bindings or an ASK's boolean
    "type": "object",
    "required": ["head"],
    "properties": {
        "head": {"type": "object"},
        "results": {
            "type": "object",
            "properties": {"bindings": {"type": "array", "items": {"type": "object"}}},
        },
        "boolean": {"type": "boolean"},
    },
}
_ANSWER_SCHEMAS: dict[str, dict[str, Any]] = {
    "application/sparql-results+json": _SPARQL_JSON,
    "application/json": _SPARQL_JSON,
    "application/ld+json": {"type": ["array", "object"]},
}
_RESULTS = {
    200: {
        "description": "Query results in the negotiated format (rows and bytes capped; see the endpoint)",
        "content": {
            mt: {"schema": _ANSWER_SCHEMAS.get(mt, {"type": "string"})} for mt in RESULT_OFFERS + GRAPH_OFFERS
        },
    },
    **problem_responses(400, 403, 413, 415, 422, 503),
}
EXAMPLE_QUERIES = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "PREFIX eli: <http://data.europa.eu/eli/ontology#> SELECT ?d WHERE { ?d a eli:LegalResource } LIMIT 10",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5",
)
_QUERY_DOC = (
    "a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE); no SERVICE, no update; "
    f"at most {MAX_QUERY_BYTES} bytes"
)


def choose_media(form: str, accept: str | None) -> str:
    """The first offered media type ``accept`` lists for a query of this form (in the
    header's order, q-values aside), else the form's default."""
    wanted = [media_type(a) for a in (accept or "").split(",") if a.strip()]
    offers = GRAPH_OFFERS if form in ("construct", "describe") else RESULT_OFFERS
    return next((a for a in wanted if a in offers), offers[0])


def negotiate(result: QueryResult, accept: str | None) -> tuple[bytes, str]:
    """A whole result (of :meth:`graph.service.Lineage.sparql`, in this process) written as
    the endpoint writes it, uncapped, in the media type ``accept`` picks: the body and its
    media type. For callers in the same process (tests, scripts); the endpoint streams."""
    media = choose_media("construct" if isinstance(result, QueryTriples) else "select", accept)
    fmt = RESULT_FORMATS.get(media) or GRAPH_FORMATS[media]
    try:
        return b"".join(stream(result, fmt, 1 << 62, 1 << 62, Outcome())), media
    except (OSError, ValueError, SyntaxError) as e:  # evaluation errors surface while writing
        raise QueryError(f"query failed: {e}") from e


class SparqlAnswer(Response):
    """The ASGI answer to one query: streamed from its process; the process is killed
    when the client disconnects (the work stops, not only the response)."""

    def __init__(self, pool: QueryPool, slot: int, query: str, media: str, instance: str) -> None:
        super().__init__(media_type=media)
        self.pool, self.slot, self.query, self.media, self.instance = pool, slot, query, media, instance

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        stream = asyncio.ensure_future(self._stream(scope, receive, send))
        watch = asyncio.ensure_future(_disconnected(receive))
        try:
            await asyncio.wait({stream, watch}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (watch, stream):
                if not task.done():
                    task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _stream(self, scope: Scope, receive: Receive, send: Send) -> None:
        messages = self.pool.run(self.slot, self.query, self.media)
        held: bytes | None = None  # the first chunk waits for the next message: small answers are whole
        started = False
        try:
            async for msg in messages:
                if msg[0] == "data":
                    if held is not None:
                        if not started:
                            await _start(send, self.media, None)
                            started = True
                        await send({"type": "http.response.body", "body": held, "more_body": True})
                    held = msg[1]
                    continue
                _, _rows, truncated = msg
                if not started:
                    await _start(send, self.media, truncated, len(held or b""))
                await send({"type": "http.response.body", "body": held or b"", "more_body": False})
                return
        except QueryFailed as e:
            if started:  # too late for a status: cut the connection, the client sees the body end early
                log.warning("SPARQL answer cut after it started: %s", e.detail)
                return
            headers = {"Retry-After": RETRY_AFTER} if e.status == 503 else None
            await problem(e.status, e.detail, self.instance, headers)(scope, receive, send)
        finally:
            await messages.aclose()


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _start(send: Send, media: str, truncated: str | None, length: int | None = None) -> None:
    headers = [(b"content-type", media.encode("latin-1"))]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    if truncated:
        headers.append((b"x-result-truncated", truncated.encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})


def _answer(request: Request, query: str | None, dataset: bool) -> Response:
    if dataset:
        raise ProblemError(
            400, "default-graph-uri / named-graph-uri are not supported; use FROM in the query"
        )
    if query is None or not query.strip():
        raise ProblemError(400, "missing SPARQL query: pass query=")
    if len(query.encode("utf-8", "surrogatepass")) > MAX_QUERY_BYTES:
        raise ProblemError(413, f"query longer than {MAX_QUERY_BYTES} bytes")
    if "\x00" in query:
        raise ProblemError(400, "the query contains a NUL character")
    try:
        form = check_query(query)
    except QueryRefused as e:
        raise ProblemError(403, str(e)) from e
    except QueryError as e:
        raise ProblemError(400, str(e)) from e
    pool: QueryPool = request.app.state.sparql
    slot = pool.lease()
    if slot is None:
        raise ProblemError(
            503,
            f"{pool.limits.concurrency} SPARQL queries are running, the most this server runs at once: "
            "try again shortly",
            {"Retry-After": RETRY_AFTER},
        )
    return SparqlAnswer(
        pool, slot, query, choose_media(form, request.headers.get("accept")), request.url.path
    )


def _refuse_update(params: Any) -> None:
    if "update" in params:
        raise ProblemError(403, _READ_ONLY)


@router.get("", responses=_RESULTS, response_class=Response)
async def sparql_get(
    request: Request,
    query: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_GET_QUERY_CHARS,
            pattern=r"\S",
            description=f"{_QUERY_DOC}; in the URL at most {MAX_GET_QUERY_CHARS} characters (POST for more)",
            examples=list(EXAMPLE_QUERIES),
        ),
    ],
) -> Any:
    """Run a read-only SPARQL query given in the URL."""
    _refuse_update(request.query_params)
    params = request.query_params
    return _answer(
        request, query, bool(params.getlist("default-graph-uri") or params.getlist("named-graph-uri"))
    )


@router.post(
    "",
    responses=_RESULTS,
    response_class=Response,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "query": {
                                "type": "string",
                                "minLength": 1,
                                "pattern": r"\S",
                                "description": _QUERY_DOC,
                            }
                        },
                        "required": ["query"],
                    }
                },
                "application/sparql-query": {
                    "schema": {"type": "string", "minLength": 1, "pattern": r"\S", "description": _QUERY_DOC}
                },
            },
        }
    },
)
async def sparql_post(request: Request) -> Any:
    """Run a read-only SPARQL query sent as a form or as application/sparql-query."""
    _refuse_update(request.query_params)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/sparql-update":
        raise ProblemError(403, _READ_ONLY)
    if media not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        raise ProblemError(
            415,
            f"unsupported content type {media[:80] or '(none)'!r}: "
            "send application/x-www-form-urlencoded or application/sparql-query",
        )
    raw = await request.body()
    if len(raw) > MAX_QUERY_BYTES:
        raise ProblemError(413, f"request body longer than {MAX_QUERY_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ProblemError(400, "the request body is not UTF-8") from e
    params = request.query_params
    dataset = bool(params.getlist("default-graph-uri") or params.getlist("named-graph-uri"))
    if media == "application/sparql-query":
        return _answer(request, text, dataset)
    form = parse_qs(text, keep_blank_values=True)
    _refuse_update(form)
    queries = form.get("query", [])
    if len(queries) > 1:
        raise ProblemError(400, "more than one query= in the form")
    dataset = dataset or bool(form.get("default-graph-uri") or form.get("named-graph-uri"))
    return _answer(request, queries[0] if queries else None, dataset)


@router.options("", status_code=204, response_class=Response)
async def sparql_options() -> Response:
    """The methods this endpoint serves."""
    return Response(status_code=204, headers={"Allow": "GET, POST, OPTIONS"})
