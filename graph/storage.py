"""The storage interface: what the graph layer needs of a store, whatever holds the data.

Reads/returns: nothing by itself; :class:`Store` is the protocol that
:class:`graph.store.OxigraphStore` (embedded) and
:class:`graph.sparql_store.SparqlStore` (remote) implement, and
:func:`triple_line` the N-Triples line both write in their updates.

Why pyoxigraph result objects in the interface: a remote implementation can
build the very same objects with ``pyoxigraph.parse_query_results`` (SELECT,
ASK) and ``pyoxigraph.parse`` (CONSTRUCT), so callers never care where the
data lives. Queries see the union of the named graphs as their default graph.
Why a module of its own: both implementations need these pieces, and neither
should import the other for them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from pyoxigraph import QueryBoolean, QuerySolutions, QueryTriples, Triple

__all__ = ["QueryResult", "Store", "triple_line"]

QueryResult = QuerySolutions | QueryBoolean | QueryTriples


@runtime_checkable
class Store(Protocol):
    """What the graph layer needs from storage (see module docstring)."""

    def replace_graph(self, graph: str, triples: Iterable[Triple]) -> None:
        """Replace the named graph's content in one transaction."""

    def load_nquads(self, source: bytes | str | os.PathLike[str]) -> None:
        """Add N-Quads (``bytes``, or the path of a file) in bulk: for graphs not in the store."""

    def remove_graph(self, graph: str) -> None:
        """Drop a named graph (no error if absent)."""

    def graph_triples(self, graph: str) -> set[Triple]:
        """The triples of one named graph (to detect unchanged re-ingests)."""

    def graphs(self) -> list[str]:
        """The named graph IRIs, sorted."""

    def query(self, sparql: str) -> QueryResult:
        """A read-only SPARQL 1.1 query over the union of the named graphs."""

    def dump(self, fmt: str = "nq") -> bytes:
        """The dataset (nq, trig) or the union graph (nt, ttl, jsonld) serialised."""

    def close(self) -> None:
        """Release the store (flushes and unlocks an on-disk store)."""


def triple_line(t: Triple) -> str:
    """One triple as an N-Triples statement (the body of an ``INSERT DATA``)."""
    return f"{t.subject} {t.predicate} {t.object} ."
