"""The lineage index: implements edges in networkx, derived from the store.

Reads: ``(child, implemented)`` id pairs (the service fetches them with one
SPARQL query). Returns: parents (the per-node transitive reduction), children,
depth-carrying traversals, roots and paths.

Why networkx and not property paths: traversals with minimum depth, per-node
reduction and graph exports are one call each here; the store stays the source
of truth and this index is rebuilt from it. Bad data may contain cycles, so
every traversal is a BFS with a visited set.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

import networkx as nx


class LineageIndex:
    """``implements`` (child -> implemented) and its reduction ``parent`` graph."""

    def __init__(self, edges: Iterable[tuple[str, str]] = (), nodes: Iterable[str] = ()) -> None:
        self.implements = nx.DiGraph()
        self.implements.add_nodes_from(nodes)
        self.implements.add_edges_from((a, b) for a, b in edges if a != b)
        self.tree = nx.DiGraph()  # child -> parent
        self.tree.add_nodes_from(self.implements.nodes)
        for n in self.implements.nodes:
            for p in self._reduce(n):
                self.tree.add_edge(n, p)

    def _reduce(self, n: str) -> list[str]:
        """Implemented docs of ``n`` that no other implemented doc of ``n`` implements
        (directly or not). In a cycle both stay: neither is above the other."""
        implemented = list(self.implements.successors(n))
        if len(implemented) < 2:
            return implemented
        above = {q: nx.descendants(self.implements, q) for q in implemented}
        return sorted(
            p
            for p in implemented
            if not any(q != p and p in above[q] and q not in above[p] for q in implemented)
        )

    def __contains__(self, n: object) -> bool:
        return n in self.tree

    def nodes(self) -> list[str]:
        return sorted(self.tree.nodes)

    def edges(self) -> list[tuple[str, str]]:
        """Parent edges ``(child, parent)``, sorted."""
        return sorted(self.tree.edges)

    def parents(self, n: str) -> list[str]:
        return sorted(self.tree.successors(n)) if n in self.tree else []

    def children(self, n: str) -> list[str]:
        return sorted(self.tree.predecessors(n)) if n in self.tree else []

    def _bfs(self, n: str, down: bool, max_depth: int | None) -> list[tuple[str, int]]:
        if n not in self.tree:
            return []
        step = self.tree.predecessors if down else self.tree.successors
        seen = {n}
        out: list[tuple[str, int]] = []
        queue = deque([(n, 0)])
        while queue:
            cur, d = queue.popleft()
            if max_depth is not None and d >= max_depth:
                continue
            for nxt in sorted(step(cur)):
                if nxt not in seen:
                    seen.add(nxt)
                    out.append((nxt, d + 1))
                    queue.append((nxt, d + 1))
        return out

    def descendants(self, n: str, max_depth: int | None = None) -> list[tuple[str, int]]:
        """Everything below ``n`` with its minimum depth, breadth first."""
        return self._bfs(n, True, max_depth)

    def ancestors(self, n: str, max_depth: int | None = None) -> list[tuple[str, int]]:
        """Everything above ``n`` with its minimum depth, breadth first."""
        return self._bfs(n, False, max_depth)

    def roots(self, n: str) -> list[str]:
        """The topmost ancestors of ``n`` (those without parents); [] for a root itself."""
        return sorted(a for a, _ in self.ancestors(n) if self.tree.out_degree(a) == 0)

    def global_roots(self) -> list[str]:
        """Documents with no parents that have children: the heads of cascades."""
        return sorted(
            n for n in self.tree.nodes if self.tree.out_degree(n) == 0 and self.tree.in_degree(n) > 0
        )

    def path(self, a: str, b: str) -> list[str] | None:
        """A shortest parent path between ``a`` and ``b`` (either direction), or None."""
        if a not in self.tree or b not in self.tree:
            return None
        for src, dst in ((a, b), (b, a)):
            try:
                p = nx.shortest_path(self.tree, src, dst)
            except nx.NetworkXNoPath:
                continue
            return p if src == a else list(reversed(p))
        return None
