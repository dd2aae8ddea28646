"""The lineage index: implements edges as integer adjacency lists, derived from the store.

Reads: ``(child, implemented)`` id pairs (the service fetches them from the
store). Returns: parents (the per-node transitive reduction), children,
depth-carrying traversals, roots and paths.

Why plain lists of ints and not a networkx graph: at national scale (100,000
plans) a province plan's descendants are walked for every request. A BFS over
pre-sorted tuples of ints with a list of seen flags touches no dicts and no
views, so it runs as fast as a bare ``networkx`` traversal while also carrying
each node's depth; the arrays also pickle compactly, so ``lineage serve``
starts from a snapshot instead of rebuilding. :meth:`to_networkx` gives the
graph to callers that want networkx's algorithms (exports, the benchmark).
Bad data may contain cycles, so every traversal keeps a visited set.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import networkx as nx

N = TypeVar("N", bound=Hashable)
# Neighbours per node: a sequence indexed by int nodes, or a mapping of any nodes.
StepMap = Sequence[Sequence[N]] | Mapping[N, Sequence[N]]


def bfs(
    start: N,
    step: StepMap[N],
    max_depth: int | None = None,
    label: Callable[[N], Any] | None = None,
) -> list[tuple[Any, int]]:
    """Everything reachable from ``start`` along ``step`` with its minimum depth, level by
    level, neighbours in ``step``'s order; each node reported as ``label(node)``.

    Shared by the in-memory index (``step``: tuples of ints per node) and the
    property-path index (``step``: a dict of ids), so both give the same order."""
    name = label if label is not None else _same
    seen = {start}
    out: list[tuple[Any, int]] = []
    frontier = [start]
    depth = 0
    # Level by level: every node of a level gets the same (minimum) depth.
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        nxt: list[N] = []
        for cur in frontier:
            for j in step[cur]:
                if j not in seen:
                    seen.add(j)
                    nxt.append(j)
                    out.append((name(j), depth))
        frontier = nxt
    return out


def shortest(src: N, dst: N, step: StepMap[N]) -> list[N] | None:
    """The shortest path along ``step`` from ``src`` to ``dst`` (first neighbours first), or None."""
    prev: dict[N, N] = {src: src}
    queue = deque([src])
    while queue:
        cur = queue.popleft()
        if cur == dst:
            out = [cur]
            while out[-1] != src:
                out.append(prev[out[-1]])
            return list(reversed(out))
        for j in step[cur]:
            if j not in prev:
                prev[j] = cur
                queue.append(j)
    return None


def _same(x: Any) -> Any:
    return x


@dataclass(frozen=True)
class Subgraph:
    """One document's cascade: what lies above and below it, and the parent edges among them.

    ``ancestors`` and ``descendants``: ``(id, depth)`` nearest first, as the
    traversals give them; ``edges``: ``(child, parent)`` with both ends members,
    each member's (in :attr:`depth` order) parents by id.
    """

    focus: str
    ancestors: list[tuple[str, int]]
    descendants: list[tuple[str, int]]
    edges: list[tuple[str, str]]

    @property
    def depth(self) -> dict[str, int]:
        """Every member with its depth: 0 the focus, negative above, positive below (a
        member both above and below, in a cycle, counts as above)."""
        return members(self.focus, self.ancestors, self.descendants)

    @classmethod
    def of(
        cls,
        focus: str,
        ancestors: list[tuple[str, int]],
        descendants: list[tuple[str, int]],
        parents: Callable[[str], Iterable[str]],
    ) -> Subgraph:
        """The subgraph of these members, ``parents(id)`` giving each one's parents by id."""
        depth = members(focus, ancestors, descendants)
        edges = [(pid, p) for pid in depth for p in parents(pid) if p in depth and p != pid]
        return cls(focus, ancestors, descendants, edges)


def members(
    focus: str, ancestors: list[tuple[str, int]], descendants: list[tuple[str, int]]
) -> dict[str, int]:
    """The focus (0), its ancestors (negative depth), then its descendants; first depth wins."""
    depth = {focus: 0}
    for pid, d in ancestors:
        depth.setdefault(pid, -d)
    for pid, d in descendants:
        depth.setdefault(pid, d)
    return depth


class LineageIndex:
    """``implements`` (child -> implemented) and its reduction, the ``parent`` tree."""

    __slots__ = ("_ids", "_pos", "_impl", "_up", "_down", "_edges")

    def __init__(self, edges: Iterable[tuple[str, str]] = (), nodes: Iterable[str] = ()) -> None:
        pairs = [(a, b) for a, b in edges if a != b]
        names = set(nodes)
        for a, b in pairs:
            names.add(a)
            names.add(b)
        self._ids: list[str] = sorted(names)
        self._pos: dict[str, int] = {n: i for i, n in enumerate(self._ids)}
        pos = self._pos
        impl: list[set[int]] = [set() for _ in self._ids]
        for a, b in pairs:
            impl[pos[a]].add(pos[b])
        # Ids are numbered in sorted order, so sorting ints sorts by id.
        self._impl: list[tuple[int, ...]] = [tuple(sorted(s)) for s in impl]
        up = [self._reduce(i) for i in range(len(self._ids))]
        down: list[list[int]] = [[] for _ in self._ids]
        for i, ps in enumerate(up):
            for p in ps:
                down[p].append(i)
        self._up: list[tuple[int, ...]] = up
        self._down: list[tuple[int, ...]] = [tuple(c) for c in down]  # ascending: i grows
        self._edges: list[tuple[str, str]] | None = None

    # -- construction -------------------------------------------------------------
    def _above(self, i: int) -> set[int]:
        """Everything ``i`` implements, directly or not."""
        impl, seen, stack = self._impl, set(), [i]
        while stack:
            for j in impl[stack.pop()]:
                if j not in seen:
                    seen.add(j)
                    stack.append(j)
        return seen

    def _reduce(self, i: int) -> tuple[int, ...]:
        """Implemented docs of ``i`` that no other implemented doc of ``i`` implements
        (directly or not). In a cycle both stay: neither is above the other."""
        implemented = self._impl[i]
        if len(implemented) < 2:
            return implemented
        above = {q: self._above(q) for q in implemented}
        return tuple(
            p
            for p in implemented
            if not any(q != p and p in above[q] and q not in above[p] for q in implemented)
        )

    # -- membership and listing ---------------------------------------------------
    def __contains__(self, n: object) -> bool:
        return n in self._pos

    def __len__(self) -> int:
        return len(self._ids)

    def nodes(self) -> list[str]:
        return list(self._ids)

    def edges(self) -> list[tuple[str, str]]:
        """Parent edges ``(child, parent)``, sorted."""
        if self._edges is None:
            ids = self._ids
            self._edges = [(ids[i], ids[p]) for i, ps in enumerate(self._up) for p in ps]
        return list(self._edges)

    def implemented(self, n: str) -> list[str]:
        """What ``n`` says it implements (before the reduction), sorted."""
        i = self._pos.get(n)
        return [] if i is None else [self._ids[j] for j in self._impl[i]]

    def parents(self, n: str) -> list[str]:
        i = self._pos.get(n)
        return [] if i is None else [self._ids[j] for j in self._up[i]]

    def children(self, n: str) -> list[str]:
        i = self._pos.get(n)
        return [] if i is None else [self._ids[j] for j in self._down[i]]

    def child_count(self, n: str) -> int:
        i = self._pos.get(n)
        return 0 if i is None else len(self._down[i])

    # -- traversals -------------------------------------------------------------------
    def _bfs(self, n: str, down: bool, max_depth: int | None) -> list[tuple[str, int]]:
        start = self._pos.get(n)
        if start is None:
            return []
        return bfs(start, self._down if down else self._up, max_depth, self._ids.__getitem__)

    def descendants(self, n: str, max_depth: int | None = None) -> list[tuple[str, int]]:
        """Everything below ``n`` with its minimum depth, breadth first."""
        return self._bfs(n, True, max_depth)

    def ancestors(self, n: str, max_depth: int | None = None) -> list[tuple[str, int]]:
        """Everything above ``n`` with its minimum depth, breadth first."""
        return self._bfs(n, False, max_depth)

    def subgraph(self, n: str, max_depth: int | None = None) -> Subgraph:
        """``n``'s ancestors and descendants (up to ``max_depth`` steps) and the edges among them."""
        return Subgraph.of(n, self.ancestors(n, max_depth), self.descendants(n, max_depth), self.parents)

    def roots(self, n: str) -> list[str]:
        """The topmost ancestors of ``n`` (those without parents); [] for a root itself."""
        up = self._up
        return sorted(a for a, _ in self.ancestors(n) if not up[self._pos[a]])

    def global_roots(self) -> list[str]:
        """Documents with no parents that have children: the heads of cascades."""
        return [n for i, n in enumerate(self._ids) if not self._up[i] and self._down[i]]

    def path(self, a: str, b: str) -> list[str] | None:
        """A shortest parent path between ``a`` and ``b`` (either direction), or None."""
        if a not in self._pos or b not in self._pos:
            return None
        for src, dst in ((a, b), (b, a)):
            p = shortest(self._pos[src], self._pos[dst], self._up)
            if p is not None:
                names = [self._ids[i] for i in p]
                return names if src == a else list(reversed(names))
        return None

    # -- interop --------------------------------------------------------------------------
    def to_networkx(self) -> nx.DiGraph:
        """The parent tree as a networkx DiGraph (edges child -> parent), every node included."""
        g = nx.DiGraph()
        g.add_nodes_from(self._ids)
        g.add_edges_from(self.edges())
        return g

    def __getstate__(self) -> tuple[object, ...]:
        return (self._ids, self._impl, self._up, self._down)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        ids, impl, up, down = state
        self._ids = ids  # type: ignore[assignment]
        self._pos = {n: i for i, n in enumerate(self._ids)}
        self._impl, self._up, self._down = impl, up, down  # type: ignore[assignment]
        self._edges = None
