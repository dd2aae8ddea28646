"""A preset layout for large graphs: rows by longest path, wide rows wrapped.

Reads: node ids with a fallback depth and a sort key, and ``(child, parent)``
edges. Returns: ``{id: (x, y)}`` positions in canvas pixels.

Why our own layout instead of vis-network's hierarchical layout or physics: at
national scale a cascade row holds one box per province (63 and more), which
vis-network's hierarchical layout spreads over one 12,000-pixel line, and a
force layout needs hundreds of physics steps (seconds in the browser) before
the page answers. Computing the positions here takes milliseconds, the browser
draws at once with physics off, and a wide row wraps onto several lines so the
whole graph keeps a screen-like shape.

Rows: a node sits one row below its lowest parent (longest path from the top),
so every edge points upwards, like :func:`viz.network.layers`; when bad data
holds a cycle the rows fall back to the given depths. Order inside a row: by the
mean position of the node's parents (the barycentre heuristic, one pass top
down), then by the sort key, so a province's district group sits under the
province's own group and edges stay short.
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from graphlib import CycleError, TopologicalSorter
from typing import Any

# Horizontal distance between neighbours and vertical distance between the
# wrapped lines of one row and between rows (pixels, at zoom 1).
DX = 200
LINE_DY = 95
ROW_GAP = 150


def rows_of(depth: Mapping[str, int], edges: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Row of each node: one below its lowest parent; the depths when there is a cycle."""
    parents: dict[str, set[str]] = {n: set() for n in depth}
    for child, parent in edges:
        if child in parents and parent in parents and child != parent:
            parents[child].add(parent)
    try:
        order = list(TopologicalSorter(parents).static_order())
    except CycleError:
        top = min(depth.values(), default=0)
        return {n: d - top for n, d in depth.items()}
    row: dict[str, int] = {}
    for n in order:
        row[n] = max((row[p] + 1 for p in parents[n]), default=0)
    return row


def wrap_width(widest: int) -> int:
    """Nodes per line: about the square root of the widest row, times 2.5.

    With lines of ``DX`` pixels per node and ``LINE_DY`` between lines this keeps
    the widest row about three times as wide as it is tall, close to a screen.
    """
    return max(10, min(32, math.ceil(math.sqrt(max(widest, 1) * 2.5))))


def band_layout(
    depth: Mapping[str, int],
    edges: Sequence[tuple[str, str]],
    sort_key: Mapping[str, Sequence[Any]],
) -> dict[str, tuple[int, int]]:
    """Positions of every node of ``depth``; ``edges`` are (child, parent) pairs."""
    row = rows_of(depth, edges)
    parents: dict[str, list[str]] = defaultdict(list)
    for child, parent in edges:
        if child in row and parent in row and child != parent and row[parent] < row[child]:
            parents[child].append(parent)
    by_row: dict[int, list[str]] = defaultdict(list)
    for n, r in row.items():
        by_row[r].append(n)
    width = wrap_width(max((len(v) for v in by_row.values()), default=1))
    where: dict[str, float] = {}  # a node's place in its row, from 0 (left) to 1 (right)
    pos: dict[str, tuple[int, int]] = {}
    y = 0
    for r in sorted(by_row):
        members = by_row[r]

        def key(n: str) -> tuple[float, Sequence[Any]]:
            ps = [where[p] for p in parents.get(n, ()) if p in where]
            return (sum(ps) / len(ps) if ps else 0.5, sort_key.get(n, ()))

        members.sort(key=key)
        count = len(members)
        per_line = min(count, width)
        for i, n in enumerate(members):
            line, col = divmod(i, width)
            in_line = min(per_line, count - line * width)
            x = (col - (in_line - 1) / 2) * DX
            pos[n] = (round(x), y + line * LINE_DY)
            where[n] = (i + 0.5) / count
        y += (math.ceil(count / width) - 1) * LINE_DY + ROW_GAP
    return pos


def collation_key(name: str) -> str:
    """A place name for sorting: "Bạc Liêu" between "Ba Vì" and "Bắc Giang", then the exact name.

    Code-point order would put every accented initial after "Z"; dropping the
    marks (and đ -> d) gives the order of a Vietnamese gazetteer closely enough.
    """
    bare = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in bare if not unicodedata.combining(c)).casefold() + "\x00" + name
