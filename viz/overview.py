"""The whole cascade at a glance, aggregated for the home page.

Reads: a :class:`graph.service.Lineage`, through its public calls (``roots``,
``summary``, ``subgraph``). Returns: the root directives with their descendant
counts, and the graph folded into one group per (administrative level,
province) with the number of implements-links between groups.

Why it is cached: at national scale this walks 100,000 plans (about a second),
and the home page is the most visited one. The answer only changes when an
ingest refreshes the read model, so it is memoised per read-model generation
in the app's :class:`viz.cache.ViewCache`, and the page costs a dictionary
look-up after the first request. A national graph still has only ~200 groups
(63 provinces per level), which :func:`viz.network.overview_network` lays out
without physics.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from graph.service import Lineage
from viz.cache import ViewCache
from viz.layout import collation_key
from viz.network import LEVEL_ORDER, level_of, overview_network, to_script_json


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


def build_overview(lin: Lineage, cache: ViewCache) -> Overview:
    """Fold every root's cascade into groups and count descendants per root (memoised in ``cache``)."""
    return cache.get(lin, ("overview",), lambda: _build_overview(lin))


def overview_json(lin: Lineage, cache: ViewCache) -> str:
    """The overview's vis-network data as script-safe JSON (memoised with it)."""

    def build() -> str:
        ov = build_overview(lin, cache)
        return to_script_json(overview_network(ov.groups, ov.links))

    return cache.get(lin, ("overview-json",), build)


def _build_overview(lin: Lineage) -> Overview:
    members: set[str] = set()
    edges: set[tuple[str, str]] = set()  # parent edges among the members (each once)
    roots = []
    for root in lin.roots():
        sub = lin.subgraph(root["id"])  # a root has no ancestors: itself and what lies below
        roots.append({**root, "descendants": len(sub.descendants)})
        members.add(root["id"])
        members.update(pid for pid, _ in sub.descendants)
        edges.update(sub.edges)
    roots.sort(key=lambda r: (-r["descendants"], r.get("date") or "", r["id"]))

    key_of: dict[str, tuple[str, str | None]] = {}
    plans: Counter[tuple[str, str | None]] = Counter()
    stubs: Counter[tuple[str, str | None]] = Counter()
    for pid in members:
        summary = lin.summary(pid)
        key = key_of[pid] = group_key(summary)
        plans[key] += 1
        if summary.get("stub"):
            stubs[key] += 1
    between: Counter[tuple[str, str]] = Counter()
    for pid, parent in edges:
        between[(_key_id(key_of[pid]), _key_id(key_of[parent]))] += 1

    groups = [
        {"key": _key_id(k), "level": k[0], "province": k[1], "plans": plans[k], "stubs": stubs[k]}
        for k in sorted(plans, key=lambda k: (LEVEL_ORDER.index(k[0]), collation_key(k[1] or "")))
    ]
    links = [{"source": s, "target": t, "count": c} for (s, t), c in sorted(between.items())]
    return Overview(roots=roots, groups=groups, links=links)
