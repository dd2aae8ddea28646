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
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
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


def _groups(
    classes: dict[tuple[Any, ...], int], exact: list[tuple[Any, Any, Any, int]], dim: int
) -> dict[str, dict[str, Any]]:
    """The figures of the links grouped by the child's level (``dim`` 0), system (1) or province
    (2): ``classes`` counts links by (level, system, province, kind, before parent), ``kind`` 0
    for a day-exact lag, 1 a month or year, 2 a missing date; ``exact`` lists the day lags."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for key, n in classes.items():
        c = counts[key[dim] or "unknown"]
        c[0] += n
        c[key[3]] += n if key[3] else 0
        c[3] += n if key[4] else 0
    lags: dict[str, list[int]] = defaultdict(list)
    for row in exact:
        lags[row[dim] or "unknown"].append(row[3])
    return {
        k: figures(lags.get(k, ())) | {"links": c[0], "inexact": c[1], "undated": c[2], "before_parent": c[3]}
        for k, c in sorted(counts.items())
    }


def _overall(classes: dict[tuple[Any, ...], int], exact: list[tuple[Any, Any, Any, int]]) -> dict[str, Any]:
    c = [0, 0, 0, 0]
    for key, n in classes.items():
        c[0] += n
        c[key[3]] += n if key[3] else 0
        c[3] += n if key[4] else 0
    rest = {"links": c[0], "inexact": c[1], "undated": c[2], "before_parent": c[3]}
    return figures(e[3] for e in exact) | rest


@lru_cache(maxsize=65536)  # a cascade has few distinct pairs of dates; the values are pure
def _lag(parent: str | None, child: str | None) -> tuple[int | None, str | None, list[int] | None]:
    """:func:`graph.analytics.dates.lag` as a tuple."""
    x = lag(parent, child)
    return x["lag_days"], x["precision"], x["lag_range"]


def timeline(lin: Any, pid: str) -> dict[str, Any]:
    """The timeline of plan ``pid`` (see the module docstring); NotFound for an unknown id."""
    s = lin.summary(pid)
    sub = lin.subgraph(pid)
    below = dict(sub.descendants)
    info: dict[str, tuple[Any, ...]] = {}
    for n, m in [(pid, s), *lin.shared_summaries(below).items()]:  # the issuer's keys too
        iss = m["issuer"]
        info[n] = (
            m["number"],
            m["date"],
            iss["level"],
            iss["system"],
            iss["province"],
            iss["district"],
            iss["name"],
        )
    # nearest first, then by the child's date (undated last), child and parent: the order
    # of the answer's links, sorted as tuples before any link is made
    chosen = sorted(
        (depth, info[child][1] or "9999", child, parent)
        for child, parent in sub.edges
        if (depth := below.get(child)) is not None and (parent == pid or parent in below)
    )
    links = []
    kinds: list[tuple[Any, ...]] = []  # per link: (level, system, province, kind, before parent)
    exact: list[tuple[Any, Any, Any, int]] = []
    best: dict[tuple[Any, ...], tuple[int, str, str]] = {}
    for depth, _date, child, parent in chosen:
        p_info = info[parent]
        p_date = p_info[1]
        c_number, c_date, c_level, c_system, c_province, c_district, c_name = info[child]
        lag_days, precision, rng = _lag(p_date, c_date)
        links.append(
            {
                "parent": parent,
                "child": child,
                "parent_number": p_info[0],
                "child_number": c_number,
                "parent_date": p_date,
                "child_date": c_date,
                "parent_level": p_info[2],
                "child_level": c_level,
                "child_system": c_system,
                "child_province": c_province,
                "child_district": c_district,
                "child_issuer": c_name,
                "depth": depth,
                "lag_days": lag_days,
                "precision": precision,
                "lag_range": rng,
            }
        )
        before = rng is not None and rng[1] < 0
        if lag_days is None:
            kinds.append((c_level, c_system, c_province, 2 if precision is None else 1, before))
            continue
        kinds.append((c_level, c_system, c_province, 0, before))
        exact.append((c_level, c_system, c_province, lag_days))
        unit = (c_name, c_level, c_province, c_district)
        mine = (lag_days, child, parent)
        held = best.get(unit)
        if held is None or mine < held:
            best[unit] = mine
    classes = dict(Counter(kinds))
    slowest, fastest = _ranked(best, info)
    return {
        "plan": pid,
        "number": s.get("number"),
        "date": s.get("date"),
        "issuer": s.get("issuer"),
        "documents": len(info),
        "links": links,
        "overall": _overall(classes, exact),
        "by_level": _groups(classes, exact, 0),
        "by_system": _groups(classes, exact, 1),
        "by_province": _groups(classes, exact, 2),
        "slowest": slowest,
        "fastest": fastest,
    }


def _ranked(
    best: dict[tuple[Any, ...], tuple[int, str, str]], info: dict[str, tuple[Any, ...]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each unit's quickest day-exact answer; the ``RANKED`` slowest and the fastest (not negative)."""
    ranked = sorted((lag_days, child, parent) for lag_days, child, parent in best.values())

    def row(x: tuple[int, str, str]) -> dict[str, Any]:
        lag_days, child, parent = x
        number, _date, level, system, province, district, name = info[child]
        return {
            "name": name,
            "level": level,
            "system": system,
            "province": province,
            "district": district,
            "plan": child,
            "number": number,
            "parent": parent,
            "lag_days": lag_days,
        }

    slowest = [row(x) for x in reversed(ranked[-RANKED:])]
    fastest = [row(x) for x in [x for x in ranked if x[0] >= 0][:RANKED]]
    return slowest, fastest
