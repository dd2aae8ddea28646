"""A grouped cascade drawn for vis-network: nodes, counted edges, positions, what a click opens.

Reads: a :class:`viz.grouping.CascadeLOD` (the groups of a cascade and, for an
open set, the nodes and edge counts of its drawing) and, for the plans it
draws, their summaries from the service the cascade was built from. Returns:
``{"nodes", "edges"}`` with preset positions for the first drawing
(:func:`vis`), and the delta a page applies when one group opens
(:func:`expand`): nodes removed and added, new edges, every new position.

Why apart from the grouping: the grouping is a model of the cascade (which
plans fall in which group, what opens into what) that knows nothing of
colours, labels or pixels; this module decides how a group and a plan look,
names groups in the administration's words ("Bắc Kạn › Chợ Đồn", "Tỉnh ủy /
UBND / MTTQ") and places them (:mod:`viz.layout`).

Escaping: a node's ``title`` is HTML (the page turns it into the tooltip
element), so every string from a document goes through :func:`html.escape`
there; labels are drawn on the canvas as text and ``info`` is written with
``textContent``, so they stay raw (see :mod:`viz.network`).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from graph.errors import NotFound
from viz.grouping import (
    PLACE_KEYS,
    SYSTEM_ORDER,
    CascadeLOD,
    Drawing,
    GroupPath,
    deepest,
    group_id,
    parse_group_id,
    path_of,
)
from viz.layout import band_layout
from viz.network import LEVEL_COLORS, LEVEL_NAMES, lighten, plan_node_data

__all__ = ["bodies_label", "edge_data", "expand", "layout", "node_data", "place_label", "vis"]

# How the bodies of each system are called at each level, for group labels.
BODY_WORDS: dict[str, dict[str, str]] = {
    "party": {"central": "Trung ương Đảng", "province": "Tỉnh ủy", "district": "Huyện ủy"},
    "state": {"central": "Chính phủ"},
    "front": {},
    "mass_org": {},
}
BODY_DEFAULT = {"party": "Đảng ủy", "state": "UBND", "front": "MTTQ", "mass_org": "đoàn thể"}


def vis(lod: CascadeLOD, opened: Iterable[GroupPath] = (), explode: bool = False) -> dict[str, Any]:
    """Nodes with preset positions and counted edges, ready for vis-network.

    ``explode`` draws every plan (for a depth-limited cascade small enough).
    """
    d = lod.drawing(opened, explode)
    nodes = [node_data(lod, n) | {"x": x, "y": y} for n, (x, y) in layout(lod, d).items()]
    return {"nodes": nodes, "edges": [edge_data(a, b, c) for (a, b), c in sorted(d.edges.items())]}


def expand(lod: CascadeLOD, opened: Iterable[GroupPath], group: GroupPath) -> dict[str, Any]:
    """What changes when ``group`` opens: nodes removed and added, new edges, all positions."""
    before = lod.closed(opened)
    after = lod.closed(before | {group})
    old = lod.drawing(before)
    new = lod.drawing(after)
    old_ids, new_ids = set(old.nodes), set(new.nodes)
    added = [n for n in new.nodes if n not in old_ids]
    fresh = set(added)
    pos = layout(lod, new)
    return {
        "group": group_id(group),
        "open": sorted(group_id(p) for p in deepest(after)),
        "removed": sorted(old_ids - new_ids),
        "nodes": [node_data(lod, n) | {"x": pos[n][0], "y": pos[n][1]} for n in added],
        "edges": [edge_data(a, b, c) for (a, b), c in sorted(new.edges.items()) if a in fresh or b in fresh],
        "positions": {n: [x, y] for n, (x, y) in pos.items()},
        "count": len(new.nodes),
    }


def layout(lod: CascadeLOD, d: Drawing) -> dict[str, tuple[int, int]]:
    """Positions of a drawing's nodes (rows by longest path, see :mod:`viz.layout`)."""
    depth: dict[str, int] = {}
    order: dict[str, tuple[Any, ...]] = {}
    for n in d.nodes:
        path = parse_group_id(n)
        if path is not None:
            depth[n] = lod.stats(path).depth
            order[n] = (*lod.sort_key(path), "")
        else:
            depth[n] = lod.depth[n]
            key = lod.sort_key(path_of(lod.attrs[n]))
            order[n] = (*key, *([""] * (6 - len(key))), n)
    pos = band_layout(depth, list(d.edges), order)
    return {n: pos[n] for n in d.nodes}


def node_data(lod: CascadeLOD, nid: str) -> dict[str, Any]:
    """The vis-network node for a plan id or a group id (without position)."""
    path = parse_group_id(nid)
    if path is not None:
        return group_node(lod, path)
    try:
        summary = lod.lin.summary(nid)
    except NotFound:  # the read model was replaced under us: draw what we know
        summary = {"id": nid, "stub": True, "issuer": {"level": lod.attrs[nid].level}}
    summary = summary | {"depth": lod.depth.get(nid)}
    return plan_node_data(summary, None, nid == lod.focus, compact=nid not in lod.individual)


def group_node(lod: CascadeLOD, path: GroupPath) -> dict[str, Any]:
    """The vis-network node of a group: a box in its level's colour, counts in the label."""
    level = path[0]
    s = lod.stats(path)
    place = place_label(path)
    bodies = bodies_label(level, s.systems)
    count = f"{s.plans:,} plan" + ("" if s.plans == 1 else "s")
    color = LEVEL_COLORS[level]
    k = lod.split(path)
    opens = "its plans" if k is None else f"{len({lod.path[p][:k] for p in lod.members(path)})} groups"
    tip = (
        f"<b>{escape(place)}</b><br>{escape(LEVEL_NAMES[level])}<br>{escape(bodies)}<br>{count}"
        + (f", {s.stubs:,} known only by reference" if s.stubs else "")
        + f"<br><i>click to open: {escape(opens)}</i>"
    )
    return {
        "id": group_id(path),
        "label": f"{place}\n{bodies} — {count}",
        "shape": "box",
        "color": {
            "background": color,
            "border": "#1d2329",
            "highlight": {"background": lighten(color, 0.25), "border": "#000000"},
            "hover": {"background": lighten(color, 0.25), "border": "#000000"},
        },
        "font": {"color": "#ffffff", "size": 14},
        "borderWidth": 2,
        "shapeProperties": {"borderRadius": 8},
        "margin": 10,
        "title": tip,
        "info": {
            "kind": "group",
            "group": group_id(path),
            "level": level,
            "place": place,
            "bodies": bodies,
            "plans": s.plans,
            "stubs": s.stubs,
            "opens": opens,
            "province": path[1] if len(path) > 1 and level != "central" else None,
        },
    }


def place_label(path: GroupPath) -> str:
    """ "Bắc Kạn › Chợ Đồn" for a group path; "Trung ương" for central groups."""
    level = path[0]
    if level == "central":
        return "Trung ương"
    keys = PLACE_KEYS[level]
    places = [v or "?" for k, v in zip(keys, path[1:], strict=False) if k != "system"]
    return " › ".join(places) if places else "?"


def bodies_label(level: str, systems: Iterable[str]) -> str:
    """ "Tỉnh ủy / UBND / MTTQ" for the systems of a group's plans, in that order."""
    lvl = level if level in ("central", "province", "district", "commune") else None
    words: list[str] = []
    for s in sorted(set(systems), key=lambda s: SYSTEM_ORDER.index(s) if s in SYSTEM_ORDER else 9):
        w = BODY_WORDS.get(s, {}).get(lvl or "", BODY_DEFAULT.get(s, "khác"))
        if w not in words:
            words.append(w)
    return " / ".join(words) or "khác"


def edge_data(a: str, b: str, count: int) -> dict[str, Any]:
    """A vis-network edge standing for ``count`` implements-links from ``a`` to ``b``."""
    edge: dict[str, Any] = {
        "id": f"{a}\u001f{b}",
        "from": a,
        "to": b,
        "arrows": "to",
        "count": count,
        "width": min(1 + (count**0.5) / 2, 8),
        "title": f"{count:,} implements link" + ("" if count == 1 else "s"),
        "relation": "implements",
    }
    if count > 1:
        edge["label"] = f"{count:,}"
    return edge
