"""Dereferenceable IRIs (issue 12, item 7): ``GET`` on a document's IRI path answers by content negotiation.

A document's IRI is ``{base}doc/`` + its id with ``.`` as ``/``; served with
``LINEAGE_BASE`` pointing at this server, the IRI itself is this route. HTML
asks are sent to the document's page (303 See Other, the Linked Data way for a
thing that is not itself a web page); RDF asks get its description
(:meth:`graph.service.Lineage.describe`) in Turtle, JSON-LD, N-Triples or
RDF/XML; ``*/*`` or no ``Accept`` gets Turtle; anything else a 406 that lists
what is offered.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from api.deps import LineageDep, unknown_is_404
from api.problems import ProblemError
from api.schemas import problem_responses

router = APIRouter(tags=["plans"])

# media type -> short format, in the order preferred when a client likes several equally
OFFERS = {
    "text/turtle": "ttl",
    "text/html": "html",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
    "application/rdf+xml": "rdfxml",
    "text/plain": "nt",  # N-Triples as old clients ask for it
}
_TEXT = {"text/turtle", "application/n-triples", "text/plain"}
_RESPONSES = {
    200: {
        "description": "the document's description in the negotiated RDF format",
        "content": {mt: {"schema": {"type": "string"}} for mt in OFFERS if mt != "text/html"},
    },
    303: {"description": "text/html: see the document's page, /view/plans/{id}"},
    **problem_responses(404, 406),
}


def negotiate(accept: str | None, offers: dict[str, str] = OFFERS) -> str | None:
    """The offered media type ``accept`` likes best (q-values and wildcards as RFC 9110 says;
    ties go to the order of ``offers``); the first offer when there is no header; None when
    nothing offered is acceptable."""
    if not accept or not accept.strip():
        return next(iter(offers))
    ranges: list[tuple[str, str, float]] = []
    for item in accept.split(","):
        parts = [p.strip() for p in item.split(";")]
        mt, q = parts[0].lower(), 1.0
        for p in parts[1:]:
            name, _, value = p.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        kind, _, sub = mt.partition("/")
        if kind and sub:
            ranges.append((kind, sub, q))
    best, best_q = None, 0.0
    for offer in offers:
        kind, sub = offer.split("/")
        # the most specific range that matches the offer decides its q
        found = [
            (2 if (k, s) == (kind, sub) else 1 if k == kind and s == "*" else 0, q)
            for k, s, q in ranges
            if (k, s) == (kind, sub) or (k == kind and s == "*") or (k, s) == ("*", "*")
        ]
        if not found:
            continue
        q = max(found)[1]
        if q > best_q:
            best, best_q = offer, q
    return best


@router.get("/doc/{path:path}", response_class=Response, responses=_RESPONSES)
async def get_document(path: str, request: Request, lin: LineageDep) -> Response:
    """A document by its IRI: its page for a browser, its RDF description for a Linked Data client.

    The description holds the document's own triples, the evidence nodes of its
    links (at most 200, its own source's first) and the labels of its issuer and
    place; a stub is described by what the documents citing it say."""
    pid = path.strip("/").replace("/", ".")
    with unknown_is_404("document", pid):
        lin.summary(pid)  # NotFound before any negotiation
    mt = negotiate(request.headers.get("accept"))
    vary = {"Vary": "Accept"}
    if mt is None:
        offered = ", ".join(OFFERS)
        raise ProblemError(406, f"no acceptable representation: this IRI offers {offered}", headers=vary)
    if OFFERS[mt] == "html":
        return RedirectResponse(f"/view/plans/{pid}", status_code=303, headers=vary)
    body = await run_in_threadpool(lin.describe, pid, OFFERS[mt])
    media = f"{mt}; charset=utf-8" if mt in _TEXT else mt
    return Response(body, media_type=media, headers=vary)
