"""The embedded store, and the one place a store spec becomes a store.

Reads/writes: an RDF dataset. ``open_store(spec)`` picks the implementation of
:class:`graph.storage.Store`: a directory path -> :class:`OxigraphStore` on disk;
``"memory:"`` -> in memory; ``"sparql+http://..."`` / ``"sparql+https://..."`` ->
a remote SPARQL 1.1 Protocol server, :class:`graph.sparql_store.SparqlStore`
(its docstring lists the spec forms for Oxigraph server, Virtuoso, GraphDB,
Neptune and Fuseki).

Why pyoxigraph embedded by default: one process, no server to run, and its bulk
loader fills a national store in minutes. Queries see the union of the named
graphs as their default graph.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import NamedNode, QueryTriples, RdfFormat, Triple
from pyoxigraph import Store as OxStore

from graph.errors import QueryError, StoreError
from graph.formats import RDF_FORMAT_NAMES
from graph.sparql_store import SparqlStore
from graph.storage import QueryResult, Store, triple_line

__all__ = ["OxigraphStore", "QueryResult", "Store", "open_store"]


class OxigraphStore:
    """The embedded store: pyoxigraph on disk (``path``) or in memory (``None``)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        try:
            self._store = OxStore(str(self.path)) if self.path is not None else OxStore()
        except OSError as e:
            raise StoreError(f"cannot open store at {self.path}: {e}") from e

    def replace_graph(self, graph: str, triples: Iterable[Triple]) -> None:
        g = NamedNode(graph)
        body = "\n".join(triple_line(t) for t in triples)
        # DROP + INSERT DATA in one update request: oxigraph applies it as one transaction.
        update = f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n{body}\n}} }}"
        try:
            self._store.update(update)
        except (OSError, SyntaxError) as e:
            raise StoreError(f"cannot write graph {graph}: {e}") from e

    def load_nquads(self, source: bytes | str | os.PathLike[str]) -> None:
        """Oxigraph's bulk loader: no per-graph transaction, many times faster on big batches.

        ``lenient``: the N-Quads come from terms pyoxigraph already validated when they
        were built (:mod:`graph.bulk`), so checking every IRI again only costs time."""
        try:
            if isinstance(source, bytes):
                self._store.bulk_load(source, format=RdfFormat.N_QUADS, lenient=True)
            else:
                self._store.bulk_load(path=os.fspath(source), format=RdfFormat.N_QUADS, lenient=True)
        except (OSError, SyntaxError) as e:
            raise StoreError(f"cannot load N-Quads into the store: {e}") from e

    def remove_graph(self, graph: str) -> None:
        try:
            self._store.update(f"DROP SILENT GRAPH {NamedNode(graph)}")
        except OSError as e:
            raise StoreError(f"cannot remove graph {graph}: {e}") from e

    def graph_triples(self, graph: str) -> set[Triple]:
        return {
            Triple(q.subject, q.predicate, q.object)
            for q in self._store.quads_for_pattern(None, None, None, NamedNode(graph))
        }

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs())

    def query(self, sparql: str) -> QueryResult:
        try:
            return self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as e:
            raise QueryError(str(e)) from e
        except OSError as e:
            raise StoreError(str(e)) from e

    def dump(self, fmt: str = "nq") -> bytes:
        if fmt not in RDF_FORMAT_NAMES:
            raise ValueError(f"unknown format {fmt!r}; one of {sorted(RDF_FORMAT_NAMES)}")
        rf = RDF_FORMAT_NAMES[fmt]
        if rf.supports_datasets:
            return self._store.dump(format=rf) or b""
        union = self._store.query(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
        )
        assert isinstance(union, QueryTriples)
        return union.serialize(format=rf) or b""

    def checkpoint(self, target: str | os.PathLike[str]) -> None:
        """A consistent copy of the on-disk store in ``target`` (a new directory; hard links
        where it can, so it costs a fraction of a second): other processes open it
        read-only (the bounded SPARQL endpoint, :mod:`graph.sparql_pool`) while this one
        keeps writing the store itself."""
        if self.path is None:
            raise StoreError("an in-memory store has no checkpoint")
        try:
            self._store.backup(os.fspath(target))
        except OSError as e:
            raise StoreError(f"cannot checkpoint the store into {target}: {e}") from e

    def __len__(self) -> int:
        return len(self._store)

    def close(self) -> None:
        if self.path is not None:
            self._store.flush()
        # pyoxigraph releases the RocksDB lock when the object is collected.
        del self._store

    def __enter__(self) -> OxigraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(spec: str | os.PathLike[str]) -> Store:
    """Open a store from a spec: a directory, ``memory:``, or ``sparql+http(s)://``."""
    s = os.fspath(spec)
    if s == "memory:":
        return OxigraphStore(None)
    if s.startswith(("sparql+http://", "sparql+https://")):
        return SparqlStore(s)
    if "://" in s:
        raise StoreError(f"unknown store spec {s!r}: expected a directory, 'memory:' or sparql+http(s)://")
    return OxigraphStore(s)
