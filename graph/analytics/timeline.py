"""Timeline and lag: how fast a plan travelled down its cascade.

Reads: a :class:`graph.service.Lineage` (the plan's cascade as one
:meth:`~graph.service.Lineage.subgraph`, and the summaries of its members).
Returns: the answer of ``GET /api/plans/{id}/timeline`` (``interface.md``,
"Analytics"): every parent → child link below the plan with both dates and the
lag in days, and the lags summed up per level (``by_level``), and beyond the
interface per system (``by_system``) and province (``by_province``), with the
``slowest`` and ``fastest`` units; each link also carries its ``lag_range`` and
the child's level, system and places.

A lag is in days only when both dates are days; a month or a year is a span, so
the lag is null with its precision and the [min, max] days the dates allow
(:func:`graph.analytics.dates.lag`). The figures (count, median, p90) are over
the day-exact lags; ``inexact`` counts the others, ``undated`` the links with a
date missing, ``before_parent`` the links whose child is certainly dated before
its parent (a data fault, left in the figures as the data says it). A unit's lag
is its quickest answer: the smallest day-exact lag of its plans in the cascade;
the fastest exclude negative lags.

Why one walk: a national cascade has 100,000 links; the subgraph gives every
member and edge at once, and each member's summary is read once.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from graph.analytics.dates import lag

__all__ = ["RANKED", "figures", "timeline"]

RANKED = 10  # how many slowest and fastest units an answer lists


def figures(lags: Iterable[int]) -> dict[str, Any]:
    """``count``, ``median``, ``p90`` (nearest rank), ``min`` and ``max`` of day lags (None when empty)."""
    xs = sorted(lags)
    if not xs:
        return {"count": 0, "median": None, "p90": None, "min": None, "max": None}
    median = statistics.median(xs)
    return {
        "count": len(xs),
        "median": int(median) if median == int(median) else median,
        "p90": xs[max(math.ceil(0.9 * len(xs)) - 1, 0)],
        "min": xs[0],
        "max": xs[-1],
    }


def _group(links: list[dict[str, Any]], field: str) -> dict[str, dict[str, Any]]:
    exact: dict[str, list[int]] = defaultdict(list)
    rest: dict[str, dict[str, int]] = defaultdict(
        lambda: {"links": 0, "inexact": 0, "undated": 0, "before_parent": 0}
    )
    for link in links:
        k = link[field] or "unknown"
        r = rest[k]
        r["links"] += 1
        if link["lag_days"] is not None:
            exact[k].append(link["lag_days"])
        elif link["precision"] is None:
            r["undated"] += 1
        else:
            r["inexact"] += 1
        rng = link["lag_range"]
        r["before_parent"] += rng is not None and rng[1] < 0
    return {k: figures(exact.get(k, ())) | rest[k] for k in sorted(rest)}


def timeline(lin: Any, pid: str) -> dict[str, Any]:
    """The timeline of plan ``pid`` (see the module docstring); NotFound for an unknown id."""
    s = lin.summary(pid)
    sub = lin.subgraph(pid)
    below = {d: dep for d, dep in sub.descendants}
    members = {pid: s}
    for d in below:
        members[d] = lin.summary(d)
    links = []
    for child, parent in sub.edges:
        if child not in below or not (parent == pid or parent in below):
            continue
        p, c = members[parent], members[child]
        ci = c.get("issuer") or {}
        links.append(
            {
                "parent": parent,
                "child": child,
                "parent_number": p.get("number"),
                "child_number": c.get("number"),
                "parent_date": p.get("date"),
                "child_date": c.get("date"),
                "parent_level": (p.get("issuer") or {}).get("level"),
                "child_level": ci.get("level"),
                "child_system": ci.get("system"),
                "child_province": ci.get("province"),
                "child_district": ci.get("district"),
                "child_issuer": ci.get("name"),
                "depth": below[child],
            }
            | lag(p.get("date"), c.get("date"))
        )
    links.sort(key=lambda x: (x["depth"], x["child_date"] or "9999", x["child"], x["parent"]))
    slowest, fastest = _ranked(links)
    exact = [x["lag_days"] for x in links if x["lag_days"] is not None]
    return {
        "plan": pid,
        "number": s.get("number"),
        "date": s.get("date"),
        "issuer": s.get("issuer"),
        "documents": len(members),
        "links": links,
        "overall": figures(exact) | {"links": len(links)},
        "by_level": _group(links, "child_level"),
        "by_system": _group(links, "child_system"),
        "by_province": _group(links, "child_province"),
        "slowest": slowest,
        "fastest": fastest,
    }


def _ranked(links: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each unit's quickest day-exact answer; the ``RANKED`` slowest and the fastest (not negative)."""
    best: dict[tuple[Any, ...], dict[str, Any]] = {}
    for link in links:
        if link["lag_days"] is None:
            continue
        key = (link["child_issuer"], link["child_level"], link["child_province"], link["child_district"])
        cur = best.get(key)
        if cur is None or (link["lag_days"], link["child"]) < (cur["lag_days"], cur["plan"]):
            best[key] = {
                "name": link["child_issuer"],
                "level": link["child_level"],
                "system": link["child_system"],
                "province": link["child_province"],
                "district": link["child_district"],
                "plan": link["child"],
                "number": link["child_number"],
                "parent": link["parent"],
                "lag_days": link["lag_days"],
            }
    units = sorted(best.values(), key=lambda u: (u["lag_days"], u["plan"]))
    slowest = list(reversed(units[-RANKED:]))
    fastest = [u for u in units if u["lag_days"] >= 0][:RANKED]
    return slowest, fastest
