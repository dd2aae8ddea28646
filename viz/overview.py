"""The whole cascade at a glance, aggregated for the home page.

Reads: a :class:`graph.service.Lineage`. Returns: the root directives with
their descendant counts, and the graph folded into one group per
(administrative level, province) with the number of implements-links between
groups. It walks each root's cascade once; a level-of-detail index for very
large graphs can replace this without changing the page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from graph.service import Lineage
from viz.network import LEVEL_ORDER, level_of


@dataclass
class Overview:
    """What the home page shows besides the search box."""

    roots: list[dict[str, Any]] = field(default_factory=list)  # summary + "descendants"
    groups: list[dict[str, Any]] = field(default_factory=list)  # key, level, province, plans, stubs
    links: list[dict[str, Any]] = field(default_factory=list)  # source, target, count


def group_key(summary: dict[str, Any]) -> tuple[str, str | None]:
    """(level, province) of a plan's issuer; central bodies have no province."""
    level = level_of(summary)
    province = (summary.get("issuer") or {}).get("province")
    return level, (None if level == "central" else province)


def _key_id(key: tuple[str, str | None]) -> str:
    return f"{key[0]}:{key[1] or ''}"


def build_overview(lin: Lineage) -> Overview:
    """Fold every root's cascade into groups and count descendants per root."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: set[tuple[str, str]] = set()
    roots = []
    for root in lin.roots():
        cascade = lin.cascade(root["id"])
        below = {n["id"] for n in cascade.get("nodes", []) if int(n.get("depth") or 0) > 0}
        roots.append({**root, "descendants": len(below)})
        for n in cascade.get("nodes", []):
            nodes.setdefault(n["id"], n)
        for e in cascade.get("edges", []):
            edges.add((e["source"], e["target"]))
    roots.sort(key=lambda r: (-r["descendants"], r.get("date") or "", r["id"]))

    plans: Counter[tuple[str, str | None]] = Counter()
    stubs: Counter[tuple[str, str | None]] = Counter()
    for n in nodes.values():
        key = group_key(n)
        plans[key] += 1
        if n.get("stub"):
            stubs[key] += 1
    between: Counter[tuple[str, str]] = Counter()
    for s, t in edges:
        if s in nodes and t in nodes:
            between[(_key_id(group_key(nodes[s])), _key_id(group_key(nodes[t])))] += 1

    groups = [
        {"key": _key_id(k), "level": k[0], "province": k[1], "plans": plans[k], "stubs": stubs[k]}
        for k in sorted(plans, key=lambda k: (LEVEL_ORDER.index(k[0]), k[1] or ""))
    ]
    links = [{"source": s, "target": t, "count": c} for (s, t), c in sorted(between.items())]
    return Overview(roots=roots, groups=groups, links=links)
