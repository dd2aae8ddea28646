"""Lineage questions over a read view: children, descendants, ancestors, roots, cascades.

Reads: a :class:`graph.readview.ReadView` (its index walks the lineage, in
memory or as property paths on the store). Returns: summaries carrying their
depth, JSON bytes ready to send, a cascade with its edges, or a
:class:`graph.index.Subgraph` for the views to draw. NotFound for an unknown id.

Why JSON bytes: a province plan has thousands of descendants at national scale
and is asked for again and again. Each document's JSON is made once per read
model, so an answer is a join of ready fragments, and whole answers are kept
in the view's small LRU bounded in bytes; both go with the view.
"""

from __future__ import annotations

from typing import Any

from graph.index import Subgraph
from graph.readview import ReadView

__all__ = [
    "ancestors",
    "cascade",
    "children",
    "descendants",
    "prepared_json",
    "roots",
    "subgraph",
    "traversal_json",
]


def children(v: ReadView, pid: str) -> list[dict[str, Any]]:
    """The documents whose parents include ``pid``."""
    v.doc(pid)
    return v.summaries(v.index.children(pid))


def descendants(v: ReadView, pid: str, max_depth: int | None = None) -> list[dict[str, Any]]:
    """Every document below ``pid`` with its (minimum) depth, nearest first."""
    v.doc(pid)
    return v.with_depth(v.index.descendants(pid, max_depth))


def ancestors(v: ReadView, pid: str, max_depth: int | None = None) -> list[dict[str, Any]]:
    """Every document above ``pid`` up to the roots, with its depth, nearest first."""
    v.doc(pid)
    return v.with_depth(v.index.ancestors(pid, max_depth))


def traversal_json(v: ReadView, pid: str, down: bool = True, max_depth: int | None = None) -> bytes:
    """:func:`descendants` (``down``) or :func:`ancestors` as JSON bytes (see module docstring)."""

    def make() -> bytes:
        v.doc(pid)
        pairs = v.index.descendants(pid, max_depth) if down else v.index.ancestors(pid, max_depth)
        frag = v.fragment
        return ("[" + ",".join(f'{frag(n)},"depth":{d}}}' for n, d in pairs) + "]").encode("utf-8")

    return v.cached_json((down, pid, max_depth), make)


def prepared_json(v: ReadView, pid: str, down: bool = True, max_depth: int | None = None) -> bytes | None:
    """The answer of :func:`traversal_json` when it is already made, else None (a dict
    look-up: cheap enough for an event loop, which must never walk a cascade)."""
    return v.kept_json((down, pid, max_depth))


def roots(v: ReadView) -> list[dict[str, Any]]:
    """Documents without parents that have descendants: the heads of cascades."""
    return v.summaries(v.index.global_roots())


def subgraph(v: ReadView, focus: str, max_depth: int | None = None) -> Subgraph:
    """``focus``'s ancestors and descendants (within ``max_depth`` steps) and the parent
    edges among them: one walk in memory, or one property-path query on the store."""
    v.doc(focus)
    return v.index.subgraph(focus, max_depth)


def cascade(v: ReadView, pid: str, max_depth: int | None = None) -> dict[str, Any]:
    """Ancestors (negative depth), the document (0) and descendants, with parent edges."""
    d = v.doc(pid)
    sub = v.index.subgraph(pid, max_depth)
    nodes = [v.summary(d) | {"depth": 0}]
    nodes += v.with_depth(sub.ancestors, -1)
    nodes += v.with_depth(sub.descendants)
    for n in nodes:
        n["level"] = n["issuer"]["level"]
    edges = [{"source": a, "target": b, "relation": "parent"} for a, b in sorted(sub.edges)]
    return {"nodes": nodes, "edges": edges}
