"""SPARQL reads of the store: the service's own SELECTs, and the guard on the queries users send.

Reads: a :class:`graph.storage.Store`, or a user's query text. Returns: rows as
tuples of strings (:func:`select`, with the project's prefixes declared); the
form of a user's query (:func:`check_query`: ``select``, ``ask``,
``construct`` or ``describe``) once it is known to be a plain read; or the
store's result for it (:func:`read_only_query`).

Why a guard of its own, by tokens: it is the one place a stranger's query is
judged before any store sees it. A query may only read: an update in any
spelling (keywords in any case, after comments, prefixes or a base) is
refused, and so are ``SERVICE`` (the store would call any address the client
names, on the client's behalf) and ``LOAD``. The text is cut into SPARQL's own
tokens (comments, strings, IRIs, variables and prefixed names apart), so a
keyword inside a string, an IRI or a comment is never taken for one, and one
outside them is never missed. Where the queries then run, bounded in time,
rows, bytes and number, is :mod:`graph.sparql_pool`.
"""

from __future__ import annotations

import re

from graph.errors import QueryError
from graph.storage import QueryResult, Store
from ontology.ns import DCTERMS, ELI, LIN, ORG, PROV, RDF, RDFS, SKOS

__all__ = ["FORMS", "PREFIXES", "QueryRefused", "check_query", "read_only_query", "select"]

PREFIXES = f"""PREFIX eli: <{ELI._NS}>
PREFIX lin: <{LIN._NS}>
PREFIX org: <{ORG._NS}>
PREFIX prov: <{PROV._NS}>
PREFIX skos: <{SKOS}>
PREFIX rdfs: <{RDFS}>
PREFIX rdf: <{RDF}>
PREFIX dcterms: <{DCTERMS}>
"""

FORMS = ("select", "ask", "construct", "describe")
# Words that only an update uses: met anywhere outside strings, IRIs and comments, the text is an update.
_UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"}
)
# SPARQL's tokens, longest first where two could start at the same character.
_TOKEN = re.compile(
    r"""
     (?P<ws>\s+)
    |(?P<comment>\#[^\n\r]*)
    |(?P<lstring>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
    |(?P<string>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
    |(?P<var>[?$][^\s(){}\[\],;.<>=!|&+*/"'^#-]*)
    |(?P<pname>[^\W\d][\w.-]*:[\w.:%\\-]*|:[\w.:%\\-]*)
    |(?P<word>[^\W\d]\w*)
    |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class QueryRefused(QueryError):
    """A query the endpoint will not run: an update, ``SERVICE`` or ``LOAD`` (an HTTP 403)."""


def select(store: Store, query: str) -> list[tuple[str, ...]]:
    """The rows of a SELECT (``query`` without prefixes: :data:`PREFIXES` are added) as value tuples."""
    out = []
    for row in store.query(PREFIXES + query):
        out.append(tuple(t.value if t is not None else None for t in row))
    return out


def _words(query: str) -> list[str]:
    """The bare words of the query (keywords, function names), upper-cased, in order."""
    return [m.group().upper() for m in _TOKEN.finditer(query) if m.lastgroup == "word"]


def _prologue_end(query: str) -> str | None:
    """The first bare word after the prologue (BASE and PREFIX declarations), upper-cased."""
    skip = 0
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        if skip:
            skip -= 1
            continue
        if kind == "word":
            w = m.group().upper()
            if w == "BASE":
                skip = 1
                continue
            if w == "PREFIX":
                skip = 2
                continue
            return w
        return None
    return None


def check_query(query: str) -> str:
    """The form of a user's query (one of :data:`FORMS`) when it may run.

    QueryError for an empty query; :class:`QueryRefused` for an update,
    ``SERVICE`` or ``LOAD``, however written (see the module docstring)."""
    if not query or not query.strip():
        raise QueryError("empty query")
    words = _words(query)
    if _UPDATE_WORDS.intersection(words):
        raise QueryRefused("the SPARQL endpoint is read-only: updates are refused")
    if "SERVICE" in words:
        raise QueryRefused("SERVICE is refused: this endpoint makes no request on a client's behalf")
    first = _prologue_end(query)
    if first is None or first.lower() not in FORMS:
        raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue")
    return first.lower()


def read_only_query(store: Store, query: str) -> QueryResult:
    """A user's SPARQL query evaluated on the store, in this process and without limits
    (the CLI and tests; the HTTP endpoint runs them bounded, :mod:`graph.sparql_pool`).

    QueryError for an empty or malformed query, :class:`QueryRefused` for an update or
    ``SERVICE``. The result is lazy: a SELECT is evaluated while it is read.
    """
    check_query(query)
    try:
        return store.query(query)
    except QueryError:
        raise
    except Exception as e:  # the store's own errors, as the endpoint always reported them
        raise QueryError(f"query failed: {e}") from e
