"""Lineage traversals as SPARQL property paths on the store: the index for graphs too big to hold.

Reads: the derived named graph of ``lin:parent`` edges that every refresh writes
(see :meth:`graph.service.Lineage._write_derived`), through the store's SPARQL.
Returns: the same answers, in the same order, as :class:`graph.index.LineageIndex`.

Why: the in-memory index answers in microseconds, but it lives in the serving
process. With ``LINEAGE_TRAVERSAL=sparql`` the process keeps no adjacency
lists: each question is one property-path query (``?x lin:parent* <plan>``)
that the server (Oxigraph, Virtuoso, GraphDB, Neptune ...) evaluates where the
data is. A path query returns the reachable edges, not depths, so each answer
asks for the edges *inside* the reachable set and walks them here breadth
first: the depths and the order then match the in-memory index exactly.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
from pyoxigraph import NamedNode

from graph.identity import id_of_iri, iri_of
from graph.index import Subgraph, bfs, shortest
from graph.store import Store
from ontology.ns import ELI, LIN

__all__ = ["SparqlIndex"]


class SparqlIndex:
    """The questions of :class:`graph.index.LineageIndex`, asked of the store."""

    def __init__(self, store: Store, base: str, graph: str) -> None:
        self.store = store
        self.base = base
        self.graph = NamedNode(graph)
        self._parent = NamedNode(str(LIN.parent))

    # -- helpers -----------------------------------------------------------------------
    def _node(self, n: str) -> NamedNode:
        return NamedNode(iri_of(n, self.base))

    def _pairs(self, where: str) -> list[tuple[str, str]]:
        """``(?x, ?y)`` id pairs of a pattern over the derived graph."""
        rows = self.store.query(f"SELECT DISTINCT ?x ?y WHERE {{ GRAPH {self.graph} {{ {where} }} }}")
        out = []
        for row in rows:
            a, b = id_of_iri(row["x"].value, self.base), id_of_iri(row["y"].value, self.base)
            if a is not None and b is not None and a != b:
                out.append((a, b))
        return out

    def _ids(self, query: str, var: str = "x") -> list[str]:
        out = {id_of_iri(row[var].value, self.base) for row in self.store.query(query)}
        return sorted(i for i in out if i is not None)

    def _step(self, n: str, down: bool) -> defaultdict[str, list[str]]:
        """The edges below (``down``) or above ``n`` as neighbour lists, from one
        property-path query: parent -> children going down, child -> parents going up."""
        p = f"<{LIN.parent}>"
        reach = f"?y {p}* {self._node(n)} ." if down else f"{self._node(n)} {p}* ?x ."
        step: defaultdict[str, list[str]] = defaultdict(list)
        for child, parent in self._pairs(f"{reach} ?x {p} ?y ."):
            if down:
                step[parent].append(child)
            else:
                step[child].append(parent)
        for v in step.values():
            v.sort()  # the in-memory index's order: neighbours by id
        return step

    # -- the LineageIndex surface -------------------------------------------------------
    def __contains__(self, n: object) -> bool:
        if not isinstance(n, str):
            return False
        return bool(self.store.query(f"ASK {{ GRAPH ?g {{ {self._node(n)} a <{ELI.LegalResource}> }} }}"))

    def __len__(self) -> int:
        rows = list(
            self.store.query(
                f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ GRAPH ?g {{ ?d a <{ELI.LegalResource}> }} }}"
            )
        )
        return int(rows[0]["n"].value) if rows else 0

    def nodes(self) -> list[str]:
        return self._ids(f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x a <{ELI.LegalResource}> }} }}")

    def edges(self) -> list[tuple[str, str]]:
        """Parent edges ``(child, parent)``, sorted."""
        return sorted(self._pairs(f"?x <{LIN.parent}> ?y ."))

    def implemented(self, n: str) -> list[str]:
        """What ``n`` says it implements (any graph, before the reduction), sorted."""
        ids = self._ids(
            f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ {self._node(n)} <{LIN.implements}> ?x }} }}"
        )
        return [i for i in ids if i != n]

    def parents(self, n: str) -> list[str]:
        return self._ids(f"SELECT ?x WHERE {{ GRAPH {self.graph} {{ {self._node(n)} <{LIN.parent}> ?x }} }}")

    def children(self, n: str) -> list[str]:
        return self._ids(f"SELECT ?x WHERE {{ GRAPH {self.graph} {{ ?x <{LIN.parent}> {self._node(n)} }} }}")

    def child_count(self, n: str) -> int:
        return len(self.children(n))

    def descendants(self, n: str, max_depth: int | None = None) -> list[tuple[str, int]]:
        """Everything below ``n`` with its minimum depth, breadth first."""
        return bfs(n, self._step(n, True), max_depth)

    def ancestors(self, n: str, max_depth: int | None = None) -> list[tuple[str, int]]:
        """Everything above ``n`` with its minimum depth, breadth first."""
        return bfs(n, self._step(n, False), max_depth)

    def subgraph(self, n: str, max_depth: int | None = None) -> Subgraph:
        """``n``'s ancestors and descendants (up to ``max_depth`` steps) and the edges among
        them, from one property-path query: every parent edge leaving a document above or
        below ``n`` (or ``n`` itself), walked here as :class:`graph.index.LineageIndex` walks."""
        p = f"<{LIN.parent}>"
        node = self._node(n)
        down: defaultdict[str, list[str]] = defaultdict(list)
        up: defaultdict[str, list[str]] = defaultdict(list)
        for child, parent in self._pairs(f"{{ ?x {p}* {node} }} UNION {{ {node} {p}* ?x }} ?x {p} ?y ."):
            down[parent].append(child)
            up[child].append(parent)
        for v in (*down.values(), *up.values()):
            v.sort()  # the in-memory index's order: neighbours by id
        return Subgraph.of(n, bfs(n, up, max_depth), bfs(n, down, max_depth), lambda c: up.get(c, ()))

    def roots(self, n: str) -> list[str]:
        """The topmost ancestors of ``n`` (those without parents); [] for a root itself."""
        up = self._step(n, False)
        return sorted(a for a, _ in bfs(n, up) if not up.get(a))

    def global_roots(self) -> list[str]:
        """Documents with no parents that have children: the heads of cascades."""
        return self._ids(
            f"""SELECT DISTINCT ?x WHERE {{ GRAPH {self.graph} {{ ?c <{LIN.parent}> ?x
                FILTER NOT EXISTS {{ ?x <{LIN.parent}> ?z }} }} }}"""
        )

    def path(self, a: str, b: str) -> list[str] | None:
        """A shortest parent path between ``a`` and ``b`` (either direction), or None."""
        if a not in self or b not in self:
            return None
        for src, dst in ((a, b), (b, a)):
            p = shortest(src, dst, self._step(src, False))
            if p is not None:
                return p if src == a else list(reversed(p))
        return None

    def to_networkx(self) -> nx.DiGraph:
        """The parent tree as a networkx DiGraph (edges child -> parent), every node included."""
        g = nx.DiGraph()
        g.add_nodes_from(self.nodes())
        g.add_edges_from(self.edges())
        return g
