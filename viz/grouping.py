"""The plans of a cascade folded into groups by level and place, and what a drawing shows.

Reads: a :class:`graph.service.Lineage`, only through its public calls
(``subgraph`` for the members, their depths and edges; ``summary`` for each
member's level and place). Returns: a :class:`CascadeLOD`: the groups of the
cascade, their members and counts, and for a set of open groups the nodes and
edge counts a drawing holds (:class:`Drawing`). :mod:`viz.lod` turns these
into vis-network data.

Why groups by place: a national cascade (one Politburo conclusion, 63 provinces,
~700 districts, ~10,000 communes) holds 100,000 plans; no browser lays that out
in seconds and nobody reads it. Researchers ask "what did Bắc Kạn do, and down
to which communes?", so the plans are folded the way the administration is:

* a group's path is ``(level, province, district, commune, system)`` cut to
  what the level has (:data:`PLACE_KEYS`); the top groups are one per level and
  province ("Tỉnh ủy / UBND / MTTQ plans of Bắc Kạn — 3 plans", "district plans
  of Bắc Kạn — 37 plans", "commune plans of Bắc Kạn — 1,520 plans");
* opening a group shows its plans when it holds at most :data:`EXPAND_MAX` of
  them, else its sub-groups by the next key (districts, then communes, then
  systems), skipping a key that would give a single sub-group;
* the focus and its ancestors are always drawn as plans (a handful of nodes);
* an edge between two drawn nodes carries how many implements-links it stands
  for.

What a client has opened is a set of group ids; every drawing is a pure
function of (cascade, open set), so the expansion route is stateless. The
cascade (members, depths, place attributes, edges) is computed once per
(read model generation, focus, max_depth) and memoised in the app's
:class:`viz.cache.ViewCache` (:func:`cascade_lod`).
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from graph.service import Lineage
from viz.cache import ViewCache
from viz.layout import collation_key
from viz.network import LEVEL_COLORS, LEVEL_ORDER

# A group of at most this many plans opens into its plans, a larger one into sub-groups.
EXPAND_MAX = 150
# The first drawing opens the largest groups while it stays within this many nodes.
INITIAL_NODES = 150
# At most this many open groups in one request (a URL stays well under 16 kB).
MAX_OPEN = 400

# The keys that subdivide the plans of each level, coarsest first.
PLACE_KEYS: dict[str, tuple[str, ...]] = {
    "central": ("system",),
    "province": ("province", "system"),
    "district": ("province", "district", "system"),
    "commune": ("province", "district", "commune", "system"),
    "other": ("province", "system"),
}
SYSTEM_ORDER = ("party", "state", "front", "mass_org", "other", "")

GroupPath = tuple[str, ...]
Pair = tuple[str, str]


class Attrs(NamedTuple):
    """What grouping needs of a plan: a few shared strings, not a whole summary.

    A national cascade keeps 100,000 of these in memory per cached view, so they
    stay small (a summary dict with its issuer is ~15 times larger).
    """

    level: str
    province: str
    district: str
    commune: str
    system: str
    stub: bool


def attrs_of(summary: Mapping[str, Any]) -> Attrs:
    """The grouping attributes of a service summary ("" for what is unknown)."""
    issuer = summary.get("issuer") or {}
    level = issuer.get("level")
    level = level if level in LEVEL_COLORS else "other"
    return Attrs(
        level,
        str(issuer.get("province") or ""),
        str(issuer.get("district") or ""),
        str(issuer.get("commune") or ""),
        str(issuer.get("system") or ""),
        bool(summary.get("stub")),
    )


def path_of(a: Attrs) -> GroupPath:
    """The deepest group path of a plan: its level, then its place keys."""
    return (a.level, *(getattr(a, k) for k in PLACE_KEYS[a.level]))


def top_len(level: str) -> int:
    """Length of the top group paths: (central,) or (level, province)."""
    return 1 if level == "central" else 2


def group_id(path: GroupPath) -> str:
    """A node id for a group: ``g:`` and the path joined by ``|`` (``|`` and ``%`` escaped).

    Plan ids never contain ``:``, so a group id is never taken for a plan.
    """
    return "g:" + "|".join(p.replace("%", "%25").replace("|", "%7C") for p in path)


def parse_group_id(gid: str) -> GroupPath | None:
    """The path of a group id, None when ``gid`` is not one."""
    if not gid.startswith("g:") or len(gid) > 2000:
        return None
    parts = gid[2:].split("|")
    return tuple(p.replace("%7C", "|").replace("%25", "%") for p in parts)


@dataclass
class GroupStats:
    """Counts shown on a group's node."""

    plans: int = 0
    stubs: int = 0
    depth: int = 0  # the smallest depth of a member below the focus
    systems: set[str] = field(default_factory=set)


@dataclass
class Drawing:
    """The visible graph for one open set: node ids and edge counts between them."""

    nodes: list[str]
    edges: Counter[Pair]


class CascadeLOD:
    """The cascade of one plan, ready to be drawn at any level of detail."""

    def __init__(self, lin: Lineage, focus: str, max_depth: int | None = None) -> None:
        self.lin = lin
        self.focus = focus
        self.max_depth = max_depth
        sub = lin.subgraph(focus, max_depth)  # NotFound for an unknown id
        self.depth: dict[str, int] = sub.depth
        # the focus and its ancestors: always drawn as plans
        self.individual = {pid for pid, d in self.depth.items() if d <= 0}
        self.attrs: dict[str, Attrs] = {pid: attrs_of(lin.summary(pid)) for pid in self.depth}
        self.edges: list[Pair] = list(sub.edges)
        self.path: dict[str, GroupPath] = {}
        self._members: dict[GroupPath, list[str]] = defaultdict(list)
        self.top: dict[str, str] = {}  # plan id -> id of its top group (itself when individual)
        for pid, a in self.attrs.items():
            if pid in self.individual:
                self.top[pid] = pid
                continue
            p = self.path[pid] = path_of(a)
            t = p[: top_len(a.level)]
            self._members[t].append(pid)
            self.top[pid] = group_id(t)
        self._members = dict(self._members)  # no default: a look-up must not create a group
        self.tops: list[GroupPath] = sorted(self._members, key=self.sort_key)
        # Edge counts between top-level nodes, and for each top group the edges touching it,
        # so a drawing only walks the edges of the groups that are open.
        self._top_pairs: Counter[Pair] = Counter()
        self._touching: dict[str, list[int]] = defaultdict(list)
        for i, (child, parent) in enumerate(self.edges):
            ta, tb = self.top[child], self.top[parent]
            self._top_pairs[(ta, tb)] += 1
            self._touching[ta].append(i)
            if tb != ta:
                self._touching[tb].append(i)
        self._split: dict[GroupPath, int | None] = {}
        self._stats: dict[GroupPath, GroupStats] = {}
        self._lock = threading.Lock()

    # ----------------------------------------------------------------- sizes
    @property
    def size(self) -> int:
        """Documents in the cascade, the focus and its ancestors included."""
        return len(self.depth)

    def depth_counts(self) -> list[tuple[int, int]]:
        """``(k, documents within k steps up or down)`` for k = 1 .. the deepest step."""
        hist = Counter(abs(d) for d in self.depth.values())
        out, total = [], hist.get(0, 0)
        for k in range(1, max(hist, default=0) + 1):
            total += hist.get(k, 0)
            out.append((k, total))
        return out

    def cascade(self) -> dict[str, Any]:
        """The whole cascade in the shape of ``Lineage.cascade`` (for drawing plan by plan).

        Built from the members and their parent edges; ``Lineage.cascade`` scans
        every edge of the graph to find those of one cascade.
        """
        nodes = []
        for pid, d in self.depth.items():
            s = self.lin.summary(pid) | {"depth": d}
            s["level"] = (s.get("issuer") or {}).get("level")
            nodes.append(s)
        edges = [{"source": a, "target": b, "relation": "parent"} for a, b in sorted(self.edges)]
        return {"nodes": nodes, "edges": edges}

    # ---------------------------------------------------------------- groups
    def is_group(self, path: GroupPath) -> bool:
        """Whether ``path`` names a non-empty group of this cascade."""
        if not path or path[0] not in PLACE_KEYS:
            return False
        if len(path) < top_len(path[0]) or len(path) > 1 + len(PLACE_KEYS[path[0]]):
            return False
        return bool(self.members(path))

    def members(self, path: GroupPath) -> list[str]:
        """The plans of a group (memoised: opening a group splits its parent's list)."""
        got = self._members.get(path)
        if got is not None:
            return got
        if not path or path[0] not in PLACE_KEYS or len(path) <= top_len(path[0]):
            return []  # an unknown level, or a top group without plans
        parent = self.members(path[:-1])
        n = len(path)
        out = [pid for pid in parent if self.path[pid][:n] == path]
        with self._lock:
            self._members[path] = out
        return out

    def split(self, path: GroupPath) -> int | None:
        """The path length of the sub-groups a group opens into, None when into its plans."""
        if path in self._split:
            return self._split[path]
        ms = self.members(path)
        result: int | None = None
        if len(ms) > EXPAND_MAX:
            full = 1 + len(PLACE_KEYS[path[0]])
            for k in range(len(path) + 1, full + 1):
                subs: dict[GroupPath, list[str]] = defaultdict(list)
                for pid in ms:
                    subs[self.path[pid][:k]].append(pid)
                if 1 < len(subs) < len(ms):
                    with self._lock:
                        for sub, sub_members in subs.items():
                            self._members.setdefault(sub, sub_members)
                    result = k
                    break
        self._split[path] = result
        return result

    def children(self, path: GroupPath) -> tuple[list[GroupPath], list[str]]:
        """What an open group shows: its sub-groups, or its plans."""
        k = self.split(path)
        ms = self.members(path)
        if k is None:
            return [], ms
        return sorted({self.path[pid][:k] for pid in ms}, key=self.sort_key), []

    def stats(self, path: GroupPath) -> GroupStats:
        """Plans, stubs, systems and smallest depth of a group (memoised)."""
        got = self._stats.get(path)
        if got is not None:
            return got
        s = GroupStats(depth=1 << 30)
        for pid in self.members(path):
            a = self.attrs[pid]
            s.plans += 1
            s.stubs += a.stub
            s.systems.add(a.system)
            s.depth = min(s.depth, self.depth[pid])
        self._stats[path] = s
        return s

    def sort_key(self, path: GroupPath) -> tuple[Any, ...]:
        """Groups in administrative order, then by place, systems Party first."""
        level = path[0]
        keys = PLACE_KEYS[level]
        rest = tuple(
            f"{SYSTEM_ORDER.index(v) if v in SYSTEM_ORDER else 9}" if k == "system" else collation_key(v)
            for k, v in zip(keys, path[1:], strict=False)
        )
        return (LEVEL_ORDER.index(level), *rest, *([""] * (len(keys) - len(rest))))

    # --------------------------------------------------------------- drawing
    def visible(self, pid: str, opened: set[GroupPath]) -> str:
        """The node that stands for plan ``pid`` when the groups ``opened`` are open."""
        if pid in self.individual:
            return pid
        path = self.path[pid]
        k = top_len(path[0])
        while path[:k] in opened:
            nk = self.split(path[:k])
            if nk is None:
                return pid
            k = nk
        return group_id(path[:k])

    def drawing(self, opened: Iterable[GroupPath] = (), explode: bool = False) -> Drawing:
        """The nodes and edge counts of the cascade with ``opened`` groups open.

        ``explode`` draws every plan (for a depth-limited cascade small enough).
        """
        if explode:
            nodes = list(self.depth)
            edges: Counter[Pair] = Counter(e for e in self.edges)
            return Drawing(nodes, edges)
        op = self.closed(opened)
        nodes = sorted(self.individual, key=lambda n: self.depth[n])
        stack = list(reversed(self.tops))
        while stack:
            g = stack.pop()
            if g not in op:
                nodes.append(group_id(g))
                continue
            subs, plans = self.children(g)
            nodes.extend(plans)
            stack.extend(reversed(subs))
        open_tops = {group_id(g) for g in op if len(g) == top_len(g[0])}
        edges = Counter()
        for (ta, tb), c in self._top_pairs.items():
            if ta != tb and ta not in open_tops and tb not in open_tops:
                edges[(ta, tb)] += c
        seen: set[int] = set()
        for t in open_tops:
            for i in self._touching.get(t, ()):
                if i in seen:
                    continue
                seen.add(i)
                a, b = self.edges[i]
                va, vb = self.visible(a, op), self.visible(b, op)
                if va != vb:
                    edges[(va, vb)] += 1
        return Drawing(nodes, edges)

    def closed(self, opened: Iterable[GroupPath]) -> set[GroupPath]:
        """The groups of ``opened`` that exist here, with every group above them.

        A sub-group can only have been opened from its open parent (the page has
        no per-group collapse, only "close all"), so a client may send the
        deepest open groups alone (:func:`deepest`) and keep its URLs short.
        """
        out: set[GroupPath] = set()
        for p in opened:
            if p in out or not self.is_group(p):
                continue
            out.update(p[:k] for k in range(top_len(p[0]), len(p) + 1))
        return out

    def initial_open(self, budget: int | None = None) -> set[GroupPath]:
        """Groups to open for the first drawing, a whole generation at a time.

        The top groups open together when the drawing then stays within ``budget``
        nodes (:data:`INITIAL_NODES` by default), then all their sub-groups, and so
        on. Whole generations keep the picture even (every district of a province
        opened, or none): a province's cascade opens down to its districts while
        the national one stays at one group per level and province.
        """
        budget = INITIAL_NODES if budget is None else budget
        opened: set[GroupPath] = set()
        count = len(self.individual) + len(self.tops)
        generation = list(self.tops)
        while generation and count < budget:
            cost, nxt = 0, []
            for g in generation:
                subs, plans = self.children(g)
                cost += len(subs) + len(plans) - 1
                nxt.extend(subs)
                if count + cost > budget:
                    return opened
            opened.update(generation)
            count += cost
            generation = nxt
        return opened


def deepest(opened: Iterable[GroupPath]) -> set[GroupPath]:
    """The open groups that no other open group lies in (see :meth:`CascadeLOD.closed`)."""
    ps = set(opened)
    return {p for p in ps if not any(len(q) > len(p) and q[: len(p)] == p for q in ps)}


def cascade_lod(lin: Lineage, cache: ViewCache, focus: str, max_depth: int | None = None) -> CascadeLOD:
    """The cascade of ``focus`` from ``cache`` (built once per read model); NotFound for an unknown id."""
    lin.summary(focus)  # fail before caching anything for an unknown id
    return cache.get(
        lin, ("cascade", focus, max_depth), lambda: CascadeLOD(lin, focus, max_depth), lambda c: c.size
    )
