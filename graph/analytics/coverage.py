"""Coverage: the units expected to carry out a plan, and what each one issued below it.

Reads: a :class:`graph.service.Lineage` (the plan's summary, its recipients, the
summaries below it in one walk, its ancestors, and the ancestors of the few
documents that could cover a unit by skipping) and, only to find those few, a
:class:`UnitIndex` of the read model (every document's unit; built once per
read-model generation by :class:`graph.analytics.Analytics`). Returns: the answer of
``GET /api/plans/{id}/coverage`` (``interface.md``, "Analytics"), with these
fields beyond the interface's: per unit ``commune``, ``place``, ``lat``/``lon``,
``source`` (gazetteer, recipients), ``skipping``, ``precision`` and ``lag_range``
of the lag; per answer ``gaps``, ``skipping``, ``by_system``, the filters
(``province_filter``, ``province_found``, ``system_filter``), and for a central
document without a province the ``matrix`` (province × system).

A unit is covered when a document of it (same level, place and system; ingested
or only cited, a stub) lies below the plan. Failing that, it is covered
*skipping* a level when a document of it lies below something the plan lies
below, but not below the plan: it implements the directive itself, not the plan
in between (Thành ủy Bắc Kạn's 224-KH/TU implements Kết luận 70, not the Tỉnh
ủy's 241-KH/TU). Otherwise it is a gap (``plans`` empty). ``first_date`` is the
earliest date of its plans, ``lag_days`` the days from the plan's date to it
(null unless both are days: :func:`graph.analytics.dates.lag`).

Why bounded: the plan's cascade is walked once (100,000 documents under a
national directive), each document's unit is a dictionary look-up, and only the
documents of an uncovered unit are walked up to test for skipping.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.analytics.dates import lag, sort_key
from graph.analytics.units import (
    FORMS,
    PARTS,
    Unit,
    UnitKey,
    admin_map,
    expected_units,
    issuer_key,
    loose,
    reform,
)
from graph.sparql import select

__all__ = ["MAP_NAME", "UnitFinder", "UnitIndex", "coverage", "recipients_of", "unit_index"]

# The map the expected units come from: a plan dated after the July 2025 reform is still
# measured against it (the extractor places issuers on the same map).
MAP_NAME = "vietnamadminunits 2024: 63 provinces, their districts and communes (before 1 July 2025)"


@dataclass
class UnitIndex:
    """Every document's unit (Party, State and Front bodies below the centre) as its issuer
    spells it, and the documents under each unit's loosest key: what one read model says,
    built once per generation."""

    key_of: dict[str, UnitKey] = field(default_factory=dict)
    docs_of: dict[UnitKey, list[str]] = field(default_factory=dict)  # by reform(key, loose)


def unit_index(summaries: Iterable[Mapping[str, Any]]) -> UnitIndex:
    """The :class:`UnitIndex` of these document summaries."""
    idx = UnitIndex()
    docs_of: dict[UnitKey, list[str]] = defaultdict(list)
    for s in summaries:
        iss = s.get("issuer") or {}
        if iss.get("system") not in PARTS or iss.get("level") not in ("province", "district", "commune"):
            continue
        k = issuer_key(iss)
        idx.key_of[s["id"]] = k
        docs_of[reform(k, loose)].append(s["id"])
    idx.docs_of = dict(docs_of)
    return idx


def recipients_of(lin: Any, iri: str) -> list[str]:
    """The recipients the plan's own text prints (none for a stub), in a stable order."""
    rows = select(lin.store, f"SELECT DISTINCT ?r WHERE {{ <{iri}> lin:recipient ?r }}")
    return sorted(r[0] for r in rows if r[0])


class UnitFinder:
    """The expected units, found by a document's unit key: as spelt, else in a looser form
    (:data:`graph.analytics.units.FORMS`) that only one expected unit has."""

    def __init__(self, units: list[Unit]) -> None:
        self.tables: list[dict[UnitKey, Unit]] = []
        for i, form in enumerate(FORMS):
            groups: dict[UnitKey, list[Unit]] = defaultdict(list)
            for u in units:
                groups[reform(u.key, form)].append(u)
            self.tables.append({k: us[0] for k, us in groups.items() if i == 0 or len(us) == 1})
        self.levels = {u.place.level for u in units}
        self.memo: dict[UnitKey, Unit | None] = {}

    def resolve(self, key: UnitKey) -> Unit | None:
        if key[0] not in self.levels:
            return None
        if key in self.memo:
            return self.memo[key]
        found = None
        for form, table in zip(FORMS, self.tables, strict=True):
            found = table.get(reform(key, form))
            if found is not None:
                break
        self.memo[key] = found
        return found


def coverage(
    lin: Any,
    pid: str,
    index: Callable[[], UnitIndex],
    province: str | None = None,
    system: str | None = None,
) -> dict[str, Any]:
    """The coverage of plan ``pid`` (see the module docstring); NotFound for an unknown id.
    ``province`` drills a central document's matrix down to that province's districts, and
    keeps a lower plan's units in that province (none for a province the map does not know:
    ``province_found`` is false); ``system`` keeps the units of one system. ``index()`` gives the read model's
    :class:`UnitIndex`, asked for only when a unit may be covered by skipping."""
    s = lin.summary(pid)
    recipients = [] if s.get("stub") else recipients_of(lin, s["iri"])
    units = expected_units(pid, s, recipients, province, system)
    on_map = admin_map().province(province) if province else None
    if on_map is not None:  # as the map spells it; an unknown one as given (it keeps no unit)
        province = on_map.name
    wanted = UnitFinder(units)
    found: dict[UnitKey, list[str]] = defaultdict(list)
    dates: dict[str, str | None] = {}
    levels = wanted.levels
    for d in lin.descendants(pid):  # one walk; a document's unit only when its level is expected
        iss = d["issuer"]
        if iss["level"] in levels and iss["system"] in PARTS:
            u = wanted.resolve(issuer_key(iss))
            if u is not None:
                found[u.key].append(d["id"])
                dates[d["id"]] = d["date"]
    above = {a["id"] for a in lin.ancestors(pid)} if len(found) < len(units) else set()

    def date_of(d: str) -> str | None:
        if d not in dates:
            dates[d] = lin.summary(d).get("date")
        return dates[d]

    rows = []
    for u in units:
        plans, skipping = found.get(u.key, []), False
        if not plans and above:
            idx = index()
            near = idx.docs_of.get(reform(u.key, loose), ())
            mine = [d for d in near if wanted.resolve(idx.key_of[d]) is u]
            plans = [d for d in mine if d != pid and _under(lin, d, above)]
            skipping = bool(plans)
        plans = sorted(set(plans), key=lambda d: (sort_key(date_of(d)), d))
        first = date_of(plans[0]) if plans else None
        gap = lag(s.get("date"), first) if plans else {"lag_days": None, "precision": None, "lag_range": None}
        rows.append(u.row() | {"plans": plans, "first_date": first, "skipping": skipping} | gap)
    covered = sum(1 for r in rows if r["plans"])
    answer: dict[str, Any] = {
        "plan": pid,
        "number": s.get("number"),
        "date": s.get("date"),
        "issuer": s.get("issuer"),
        "province_filter": province,
        "province_found": (on_map is not None) if province else None,
        "system_filter": system,
        "map": MAP_NAME,
        "expected": len(rows),
        "covered": covered,
        "gaps": len(rows) - covered,
        "skipping": sum(1 for r in rows if r["skipping"]),
        "by_system": _by_system(rows),
        "units": rows,
    }
    if (s.get("issuer") or {}).get("level") == "central" and not province:
        answer["matrix"] = _matrix(rows)
    return answer


def _under(lin: Any, d: str, above: set[str]) -> bool:
    """Whether document ``d`` is or lies below one of ``above`` (the plan's own ancestors; a
    document above the plan is the data-quality fault of a higher body implementing a lower
    one, and counts as the truth counts it)."""
    return d in above or any(a["id"] in above for a in lin.ancestors(d))


def _by_system(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        c = out.setdefault(r["system"], {"expected": 0, "covered": 0, "skipping": 0})
        c["expected"] += 1
        c["covered"] += bool(r["plans"])
        c["skipping"] += r["skipping"]
    return out


def _matrix(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Province × system for a central document: one row per province, a cell per system
    (its plans' count, first date, lag, whether it skips), in the map's order."""
    by_province: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["level"] != "province":
            continue
        row = by_province.setdefault(
            r["province"], {"province": r["province"], "lat": r["lat"], "lon": r["lon"], "cells": {}}
        )
        row["cells"][r["system"]] = {
            "plans": len(r["plans"]),
            "first": r["plans"][0] if r["plans"] else None,
            "first_date": r["first_date"],
            "lag_days": r["lag_days"],
            "skipping": r["skipping"],
        }
    for row in by_province.values():
        row["covered"] = sum(1 for c in row["cells"].values() if c["plans"])
    return list(by_province.values())
