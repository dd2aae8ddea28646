"""SPARQL: a read-only SPARQL 1.1 Protocol endpoint over the union graph.

GET ``?query=``; POST either a form (``query=``) or the query itself as
``application/sparql-query``. The ``Accept`` header picks the result format
(:func:`negotiate`, here: the graph side only evaluates). Updates are refused
before they reach the store: a form ``update=`` or an
``application/sparql-update`` body is a 403, and an UPDATE sent as a query is
refused by the graph's read-only query (a 400).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request, Response
from pyoxigraph import QueryTriples
from starlette.concurrency import run_in_threadpool

from api.deps import LineageDep
from api.problems import ProblemError
from api.schemas import problem_responses
from graph.errors import QueryError
from graph.formats import GRAPH_FORMATS, RESULT_FORMATS, media_type
from graph.service import Lineage
from graph.storage import QueryResult

router = APIRouter(prefix="/api/sparql", tags=["sparql"])

MAX_QUERY_BYTES = 1_000_000
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
_RESULTS = {
    200: {
        "description": "Query results in the negotiated format",
        "content": {
            "application/sparql-results+json": {},
            "application/sparql-results+xml": {},
            "text/csv": {},
            "text/tab-separated-values": {},
            "text/turtle": {},
            "application/n-triples": {},
        },
    },
    **problem_responses(400, 403, 413, 415),
}


def negotiate(result: QueryResult, accept: str | None) -> tuple[bytes, str]:
    """``result`` serialised in the first offered media type ``accept`` lists (in the
    header's order, q-values aside), else the default; the body and its media type.
    A SELECT is evaluated while serialised: its errors become QueryError."""
    wanted = [media_type(a) for a in (accept or "").split(",") if a.strip()]
    try:
        if isinstance(result, QueryTriples):
            mt = next((a for a in wanted if a in GRAPH_OFFERS), GRAPH_OFFERS[0])
            return result.serialize(format=GRAPH_FORMATS[mt]), mt
        mt = next((a for a in wanted if a in RESULT_OFFERS), RESULT_OFFERS[0])
        return result.serialize(format=RESULT_FORMATS[mt]), mt
    except Exception as e:  # evaluation errors surface lazily while serialising
        raise QueryError(f"query failed: {e}") from e


def _evaluate(lin: Lineage, query: str, accept: str | None) -> tuple[bytes, str]:
    return negotiate(lin.sparql(query), accept)


async def _answer(lin: Lineage, query: str | None, request: Request, dataset: bool) -> Response:
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
    accept = request.headers.get("accept")
    try:
        body, mt = await run_in_threadpool(_evaluate, lin, query, accept)
    except QueryError:
        raise
    except (ValueError, SyntaxError) as e:  # a parser error the service let through
        raise ProblemError(400, f"invalid SPARQL query: {e}") from e
    return Response(content=body, media_type=mt)


@router.get("", responses=_RESULTS, response_class=Response)
async def sparql_get(
    request: Request,
    lin: LineageDep,
    query: Annotated[
        str | None, Query(description="a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE)")
    ] = None,
    default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
    named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
) -> Response:
    """Run a read-only SPARQL query given in the URL."""
    return await _answer(lin, query, request, bool(default_graph_uri or named_graph_uri))


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
                        "properties": {"query": {"type": "string"}},
                        "required": ["query"],
                    }
                },
                "application/sparql-query": {"schema": {"type": "string"}},
            },
        }
    },
)
async def sparql_post(request: Request, lin: LineageDep) -> Response:
    """Run a read-only SPARQL query sent as a form or as application/sparql-query."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/sparql-update":
        raise ProblemError(403, _READ_ONLY)
    if media not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        raise ProblemError(
            415,
            f"unsupported content type {media or '(none)'!r}: "
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
        return await _answer(lin, text, request, dataset)
    form = parse_qs(text, keep_blank_values=True)
    if "update" in form:
        raise ProblemError(403, _READ_ONLY)
    queries = form.get("query", [])
    if len(queries) > 1:
        raise ProblemError(400, "more than one query= in the form")
    dataset = dataset or bool(form.get("default-graph-uri") or form.get("named-graph-uri"))
    return await _answer(lin, queries[0] if queries else None, request, dataset)
