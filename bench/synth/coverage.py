"""The coverage truth: for every plan, the units expected to carry it out and what each issued.

Reads: the kept links (:class:`bench.synth.truth.Visible`) and the administrative
map (:mod:`bench.synth.hierarchy`). Returns: :func:`coverage_rows`, one row per
plan that has expected units (see :mod:`bench.synth.truth_write` for the row).

The definition (the analysis answers the same question):

- expected units: for a central directive, each of the 63 provinces × Party /
  State / Front; for a provincial plan of system S, each district-level unit of
  its province with system S (Party: the Huyện ủy / Quận ủy / Thị ủy / Thành ủy;
  State: its UBND; Front: its MTTQ committee); for a district-level plan of system
  S, each commune of the district with system S. Mass organisations and commune
  plans expect no one. The synthetic "Nơi nhận" names no unit beyond these.
- a unit is covered when a document of that unit and system (ingested, or only
  cited: a stub) lies under the plan through the kept parents; its ``plans`` are
  all such documents. Failing that, it is covered *skipping* when a document of it
  lies under something the plan lies under but not under the plan (it implements
  the directive, not the plan in between); ``plans`` are those. Otherwise it is a
  gap (``plans`` empty). A plan whose "Thực hiện" sentence is removed lies under
  nothing a reader can see: its unit stays a gap, and the row names it under
  ``hidden`` (what a confirmed suggestion would cover).

Why from the kept links: the analysis reads the graph, whose parents are the
reduced links; a cycle that the reduction cuts off is cut off for both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from bench.synth.hierarchy import units
from bench.synth.model import Plan, Unit
from bench.synth.places import place
from bench.synth.truth import Visible

__all__ = ["PARTS", "coverage_rows", "unit_row"]

PARTS = ("party", "state", "front")
UnitKey = tuple[str, str | None, str | None, str, str]


def _key(u: Unit, system: str) -> UnitKey:
    return (u.level, u.province, u.district if u.level == "commune" else None, u.name, system)


def _expected(x: Plan, provinces: list[Unit], districts_of: dict, communes_of: dict) -> list[Unit]:
    if x.level == "central":
        return provinces
    if x.system not in PARTS:
        return []
    if x.level == "province":
        return districts_of.get(x.unit.province, [])
    if x.level == "district":
        return communes_of.get((x.unit.province, x.unit.name), [])
    return []


def unit_row(u: Unit, system: str) -> dict[str, Any]:
    """A unit as the truth names it: level, system, its places, and its place as printed."""
    return {
        "level": u.level,
        "system": system,
        "province": u.province,
        "district": u.district if u.level in ("district", "commune") else None,
        "commune": u.name if u.level == "commune" else None,
        "name": place(u),
    }


def coverage_rows(vis: Visible) -> Iterable[dict[str, Any]]:
    """One row per plan with expected units, in tree order (see the module docstring)."""
    provinces, districts_of, communes_of = units()
    docs: dict[UnitKey, list[Plan]] = defaultdict(list)
    for d in vis.plans:
        if d.level != "central" and d.system in PARTS:
            docs[_key(d.unit, d.system)].append(d)
    for x in vis.plans:
        expected = _expected(x, provinces, districts_of, communes_of)
        if not expected:
            continue
        systems = PARTS if x.level == "central" else (x.system,)
        over = vis.above(x) - {x.idx}
        rows = []
        for u in expected:
            for s in systems:
                mine = docs.get(_key(u, s), [])
                below = [d for d in mine if x.idx in vis.above(d)]
                skipping = not below and bool(mine)
                if skipping:
                    below = [d for d in mine if vis.above(d) & over]
                    skipping = bool(below)
                row = unit_row(u, s) | {"plans": _uniq(below, vis), "skipping": skipping}
                hidden = [
                    d for d in mine if d.hidden and any(q is x or x.idx in vis.above(q) for q in d.implements)
                ]
                if hidden:
                    row["hidden"] = _uniq(hidden, vis)
                rows.append(row)
        covered = sum(1 for r in rows if r["plans"])
        yield {
            "plan": vis.describe(x),
            "file": x.file or None,
            "expected": len(rows),
            "covered": covered,
            "gaps": len(rows) - covered,
            "units": rows,
        }


def _uniq(ps: list[Plan], vis: Visible) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in ps:
        d = vis.describe(p)
        if d not in out:
            out.append(d)
    return out
