"""SPARQL reads of the store: the service's own SELECTs, and the read-only queries users send.

Reads: a :class:`graph.storage.Store`. Returns: rows as tuples of strings
(:func:`select`, with the project's prefixes declared), or the store's result
object for a user's query (:func:`read_only_query`), which the caller
serialises (the HTTP endpoint negotiates the format: ``api/routes/sparql.py``).

Why the user's query is its own function: it is the one place a stranger's
query reaches the store, so it refuses updates before they get there, and it
is the seam where limits (a pool of its own, a time limit, streaming) belong.
"""

from __future__ import annotations

import re

from graph.errors import QueryError
from graph.storage import QueryResult, Store
from ontology.ns import DCTERMS, ELI, LIN, ORG, PROV, RDF, RDFS, SKOS

__all__ = ["PREFIXES", "read_only_query", "select"]

PREFIXES = f"""PREFIX eli: <{ELI._NS}>
PREFIX lin: <{LIN._NS}>
PREFIX org: <{ORG._NS}>
PREFIX prov: <{PROV._NS}>
PREFIX skos: <{SKOS}>
PREFIX rdfs: <{RDFS}>
PREFIX rdf: <{RDF}>
PREFIX dcterms: <{DCTERMS}>
"""
_UPDATE_RE = re.compile(
    r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b\s*(DATA|WHERE|SILENT|GRAPH|DEFAULT|ALL|NAMED|\{|<)",
    re.IGNORECASE,
)


def select(store: Store, query: str) -> list[tuple[str, ...]]:
    """The rows of a SELECT (``query`` without prefixes: :data:`PREFIXES` are added) as value tuples."""
    out = []
    for row in store.query(PREFIXES + query):
        out.append(tuple(t.value if t is not None else None for t in row))
    return out


def read_only_query(store: Store, query: str) -> QueryResult:
    """A user's SPARQL query evaluated on the store; QueryError for an empty query or an update.

    The result is lazy: a SELECT is evaluated while it is serialised, so the
    caller turns errors raised then into QueryError too.
    """
    if not query or not query.strip():
        raise QueryError("empty query")
    stripped = re.sub(r"#[^\n]*", " ", query)
    stripped = re.sub(r"\b(PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)", " ", stripped, flags=re.I)
    if _UPDATE_RE.match(stripped.strip()) or re.match(
        r"\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|WITH)\b", stripped, re.I
    ):
        raise QueryError("the SPARQL endpoint is read-only: updates are refused")
    try:
        return store.query(query)
    except QueryError:
        raise
    except Exception as e:  # the store's own errors, as the endpoint always reported them
        raise QueryError(f"query failed: {e}") from e
