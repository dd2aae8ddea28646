"""Build the vis-network data of the views with pyvis.

Reads: the service's summaries and cascades (plain dicts). Returns: a dict
``{"nodes", "edges", "options"}`` ready to embed as JSON; the page script
draws it with the vendored vis-network (pyvis's own HTML template pulls
Bootstrap and vis from CDNs, so we use pyvis for the network model only).

Escaping: a pyvis node ``title`` is HTML (the page turns it into an element
for the tooltip), so every string from a document goes through
:func:`html.escape` before it is put there. Labels are drawn on the canvas as
text and the ``info`` fields are written with ``textContent``, so they stay
raw; the JSON embedding itself escapes ``<``, ``>`` and ``&``.

Direction: every edge points from a plan to the document it implements
(child -> parent), and the hierarchical layout puts ancestors above. When one
row of a cascade would hold more than :data:`WIDE_ROW` nodes, the nodes become
small dots in a force layout that stabilises and then stops (physics off).
Graphs larger than that (the national overview, the level-of-detail cascades
of :mod:`viz.lod`) come with positions from :mod:`viz.layout` and
:func:`preset_options`: no layout work at all in the browser.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from pyvis.network import Network

from ontology.vocab import LEVELS
from viz.layout import band_layout, collation_key, rows_of

LEVEL_ORDER = LEVELS
LEVEL_COLORS = {
    "central": "#c0392b",
    "province": "#2471a3",
    "district": "#1e8449",
    "commune": "#b9770e",
    "other": "#717d7e",
}
LEVEL_NAMES = {
    "central": "Central (Trung ương)",
    "province": "Province (tỉnh)",
    "district": "District (huyện)",
    "commune": "Commune (xã)",
    "other": "Other / unknown",
}
# The service calls the reduced implements-edges "parent" edges.
RELATION_NAMES = {"parent": "implements"}
# A hierarchical row wider than this is unreadable: switch to a force layout.
WIDE_ROW = 24


def level_of(summary: Mapping[str, Any]) -> str:
    """The administrative level of a plan's issuer, ``other`` when unknown."""
    issuer = summary.get("issuer") or {}
    level = issuer.get("level")
    return level if level in LEVEL_COLORS else "other"


def lighten(hex_color: str, amount: float = 0.7) -> str:
    """Mix a colour with white: stubs are drawn in a lighter shade."""
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#{:02x}{:02x}{:02x}".format(*mix)


def label_of(summary: Mapping[str, Any]) -> str:
    """A short canvas label: the number, else the start of the title, else the id."""
    number = summary.get("number")
    if number:
        head = str(number)
    else:
        title = str(summary.get("title") or summary.get("id") or "?")
        head = title if len(title) <= 28 else title[:27] + "…"
    issuer = (summary.get("issuer") or {}).get("name")
    if issuer:
        issuer = str(issuer)
        head += "\n" + (issuer if len(issuer) <= 30 else issuer[:29] + "…")
    return head


def tooltip_of(summary: Mapping[str, Any]) -> str:
    """The hover text as HTML, every document string escaped."""
    issuer = summary.get("issuer") or {}
    parts = [f"<b>{escape(str(summary.get('number') or 'không số'))}</b>"]
    if summary.get("date"):
        parts[0] += f" · {escape(str(summary['date']))}"
    if issuer.get("name"):
        parts.append(escape(str(issuer["name"])))
    if summary.get("title"):
        parts.append(f"<i>{escape(str(summary['title']))}</i>")
    if summary.get("stub"):
        parts.append("(known only by reference)")
    return "<br>".join(parts)


def info_of(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The fields the side panel shows (written with textContent, so raw)."""
    issuer = summary.get("issuer") or {}
    return {
        "id": summary.get("id"),
        "number": summary.get("number"),
        "date": summary.get("date"),
        "doc_type": summary.get("doc_type"),
        "title": summary.get("title"),
        "issuer": issuer.get("name"),
        "province": issuer.get("province"),
        "district": issuer.get("district"),
        "level": level_of(summary),
        "stub": bool(summary.get("stub")),
        "depth": summary.get("depth"),
        "url": f"/view/plans/{summary.get('id')}",
    }


def _hierarchical_options(level_separation: int = 130, node_spacing: int = 230) -> dict[str, Any]:
    return {
        "layout": {
            "hierarchical": {
                "enabled": True,
                "direction": "UD",
                "levelSeparation": level_separation,
                "nodeSpacing": node_spacing,
                "treeSpacing": 200,
                "blockShifting": True,
                "edgeMinimization": True,
                "parentCentralization": True,
            }
        },
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "keyboard": True, "multiselect": False},
        "nodes": {
            "shape": "box",
            "margin": 8,
            "font": {"size": 14, "face": "sans-serif"},
            "widthConstraint": {"maximum": 210},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.7}},
            "color": {"color": "#8c8c8c", "highlight": "#222222", "hover": "#444444"},
            "smooth": {
                "enabled": True,
                "type": "cubicBezier",
                "forceDirection": "vertical",
                "roundness": 0.4,
            },
        },
    }


def _force_options() -> dict[str, Any]:
    """For rows too wide to read: a force layout that settles in a few hundred steps, then stops."""
    options = _hierarchical_options()
    options["layout"] = {"improvedLayout": False, "randomSeed": 7}
    options["physics"] = {
        "enabled": True,
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {
            "gravitationalConstant": -45,
            "centralGravity": 0.01,
            "springLength": 70,
            "springConstant": 0.08,
            "avoidOverlap": 0.5,
        },
        "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 50, "fit": True},
        "minVelocity": 1.5,
    }
    options["nodes"] = {"shape": "dot", "size": 12, "font": {"size": 12, "face": "sans-serif"}}
    options["edges"]["smooth"] = {"enabled": False}
    return options


def plan_node_data(
    summary: Mapping[str, Any], layout_level: int | None, focus: bool, compact: bool = False
) -> dict[str, Any]:
    """The vis-network node of one plan: coloured by level, stubs lighter and dashed.

    Shared by the full drawing (through pyvis) and the level-of-detail view (which
    builds its node dicts directly, with preset positions instead of a level).
    """
    level = level_of(summary)
    color = LEVEL_COLORS[level]
    stub = bool(summary.get("stub"))
    background = lighten(color, 0.75) if stub else color
    if compact:  # a dot with the number under it
        label = str(summary.get("number") or label_of(summary).split("\n")[0])
        shape, font = "dot", {"color": "#222222", "size": 16 if focus else 11}
    else:
        label = label_of(summary)
        shape, font = "box", {"color": "#333333" if stub else "#ffffff", "size": 16 if focus else 13}
    data: dict[str, Any] = {
        "id": str(summary["id"]),
        "label": label,
        "shape": shape,
        "size": 22 if focus else 12,
        "color": {
            "background": background,
            "border": "#111111" if focus else color,
            "highlight": {"background": background, "border": "#000000"},
            "hover": {"background": background, "border": "#000000"},
        },
        "font": font,
        "borderWidth": 4 if focus else (2 if stub else 1),
        "shapeProperties": {"borderDashes": [6, 4] if stub else False},
        "title": tooltip_of(summary),
        "info": info_of(summary),
    }
    if layout_level is not None:
        data["level"] = layout_level
    return data


def _add_plan_node(
    net: Network, summary: Mapping[str, Any], layout_level: int, focus: bool, compact: bool = False
) -> None:
    data = plan_node_data(summary, layout_level, focus, compact)
    nid, label, shape, color = data.pop("id"), data.pop("label"), data.pop("shape"), data.pop("color")
    net.add_node(nid, label=label, shape=shape, color=color, **data)


def layers(nodes: Iterable[Mapping[str, Any]], edges: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Row of each node: one below its lowest parent (longest path from the top).

    The service's ``depth`` is the shortest distance, which can put a plan on the
    row of one of its parents when it implements documents at different depths;
    rows by longest path keep every edge pointing upwards.
    """
    return rows_of({str(n["id"]): int(n.get("depth") or 0) for n in nodes}, edges)


def cascade_network(cascade: Mapping[str, Any], focus_id: str) -> dict[str, Any]:
    """The cascade of one plan: ancestors above, descendants below, edges child -> parent."""
    nodes = {str(n["id"]): n for n in cascade.get("nodes") or []}
    edges = [
        (
            str(e["source"]),
            str(e["target"]),
            RELATION_NAMES.get(e.get("relation") or "", e.get("relation") or "implements"),
        )
        for e in cascade.get("edges") or []
        if str(e["source"]) in nodes and str(e["target"]) in nodes
    ]
    row = layers(nodes.values(), [(s, t) for s, t, _ in edges])
    compact = max(Counter(row.values()).values(), default=0) > WIDE_ROW
    net = Network(directed=True)
    for nid, node in nodes.items():
        _add_plan_node(net, node, row[nid], nid == focus_id, compact)
    for source, target, relation in dict.fromkeys(edges):
        net.add_edge(source, target, title=escape(relation), relation=relation, arrows="to")
    return _data(net, _force_options() if compact else _hierarchical_options())


def preset_options() -> dict[str, Any]:
    """Options for a graph whose positions were computed by :mod:`viz.layout`.

    No hierarchical layout and no physics: the browser draws the given positions
    at once, which keeps a page of hundreds of boxes interactive within a second.
    Straight edges and edges hidden while dragging keep redraws cheap.
    """
    options = _hierarchical_options()
    options["layout"] = {"hierarchical": {"enabled": False}, "improvedLayout": False}
    options["physics"] = {"enabled": False}
    options["interaction"].update(hideEdgesOnDrag=True, hideEdgesOnZoom=False)
    options["nodes"]["widthConstraint"] = {"maximum": 180}
    options["edges"]["smooth"] = {"enabled": False}
    options["edges"]["arrows"]["to"]["scaleFactor"] = 0.6
    options["edges"]["font"] = {"size": 11, "color": "#555555", "strokeWidth": 3, "align": "middle"}
    return options


def overview_network(
    groups: Iterable[Mapping[str, Any]], links: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """The whole graph at a glance: one node per (level, province), edges weighted by count.

    A national graph has a row of 63 province boxes per level: such wide rows are
    laid out here (:func:`viz.layout.band_layout`) instead of by physics.
    """
    net = Network(directed=True)
    ids: set[str] = set()
    depth: dict[str, int] = {}
    order: dict[str, tuple[int, str]] = {}
    for g in groups:
        level = g["level"] if g["level"] in LEVEL_COLORS else "other"
        gid = str(g["key"])
        ids.add(gid)
        place = g.get("province") or ("Trung ương" if level == "central" else "—")
        label = f"{place}\n{level} · {g['plans']}"
        tip = f"<b>{escape(str(place))}</b><br>{escape(LEVEL_NAMES[level])}<br>{g['plans']} plans"
        if g.get("stubs"):
            tip += f", {g['stubs']} known only by reference"
        depth[gid] = LEVEL_ORDER.index(level)
        order[gid] = (LEVEL_ORDER.index(level), collation_key(str(g.get("province") or "")))
        net.add_node(
            gid,
            label=label,
            shape="box",
            color={"background": LEVEL_COLORS[level], "border": LEVEL_COLORS[level]},
            font={"color": "#ffffff", "size": 13},
            title=tip,
            level=LEVEL_ORDER.index(level),
            info={"level": level, "province": g.get("province"), "plans": g["plans"]},
        )
    pairs: list[tuple[str, str]] = []
    for link in links:
        s, t = str(link["source"]), str(link["target"])
        if s in ids and t in ids and s != t:
            n = int(link["count"])
            pairs.append((s, t))
            net.add_edge(s, t, title=f"{n} implements links", label=str(n), width=min(1 + n**0.5, 10))
    wide = max(Counter(n["level"] for n in net.nodes).values(), default=0) > WIDE_ROW
    if not wide:
        return _data(net, _hierarchical_options(150, 190))
    positions = band_layout(depth, pairs, order)
    for node in net.nodes:
        node["x"], node["y"] = positions[node["id"]]
        del node["level"]  # a level would ask vis-network for its hierarchical layout
    return _data(net, preset_options())


def _data(net: Network, options: dict[str, Any]) -> dict[str, Any]:
    net.options = options  # pyvis serialises a dict options as-is (Network.get_network_data)
    nodes, edges, _heading, _height, _width, options_json = net.get_network_data()
    return {"nodes": nodes, "edges": edges, "options": json.loads(options_json)}


def to_script_json(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``."""
    return (
        json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        .replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
