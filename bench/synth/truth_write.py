"""The planted truth, written beside ``expected.jsonl`` in ``truth/``; its schema.

Reads: the plans after planting and writing (``file`` set; ``""`` for an unwritten
one) and the :class:`~bench.synth.model.Planted` record. Returns:
:func:`write_truth`, which writes the files below and answers the summary.

A document is named as ``expected.jsonl`` names it (:func:`bench.synth.truth.describe`):
``{"number", "system", "level", "province", "district", "commune", "date"}``,
``number`` null when blank, ``date`` at the printed precision ("2024-05-03",
"2024-05", "2024"). Match it to a graph node by number + issuer level and place
(province, district) + year, never by id (:mod:`bench.analytics_score`).

``truth/summary.json``
    ``{"seed", "plans" (files written), "documents" (the tree's, stubs included),
    "planted": {kind: count}, "gaps": {"total", "planted", "by_level"},
    "links", "indicators": {key: [phrasings]}}``.
``truth/coverage.jsonl``, one row per plan that expects units (:mod:`bench.synth.coverage`)
    ``{"plan": DOC, "file", "expected", "covered", "gaps", "units": [{"level",
    "system", "province", "district", "commune", "name", "plans": [DOC],
    "skipping": bool, "hidden"?: [DOC]}]}``: ``plans`` empty is a gap.
``truth/links.jsonl``, one row per parent → child link the texts state (as the graph reduces them)
    ``{"parent": DOC, "child": DOC, "parent_file", "child_file", "cascade": bool
    (the link lies in Kết luận 70's cascade: its parent is Kết luận 70 or lies
    under it), "lag_days": int | null, "precision": "day" | "month" | "year"
    (the coarser of the two dates), "lag_range": [min,
    max] (days the two precisions allow; [lag, lag] at day precision), "reuse":
    float | null, "targets": [{"indicator", "relation", "parent", "child"}] | null}``.
    ``reuse`` is the share of the child's own body sentences (sections I, III, IV
    as the planting wrote them; not the fixed lines every plan prints, not the
    targets) whose origin is one of the parent's sentences, weighted by printed
    length; null where either side has no file or is a duplicate. ``relation`` is
    ``stricter`` (a higher value; every indicator here is "more is better"),
    ``equal``, ``looser``, ``missing`` (the child has no such target) or ``added``
    (the parent had none); ``targets`` null under the same conditions as ``reuse``.
``truth/suggest.jsonl``, one row per plan whose "Thực hiện" sentence was removed
    ``{"plan": DOC, "file", "parent": DOC, "parent_file", "reuse": float, "parents":
    [DOC]}``: ``parent`` is the one whose body it copies (``reuse`` of it), the parent
    to suggest; ``parents`` all its true parents (any of them is a right suggestion).
    These plans are excluded from parent accuracy.
``truth/faults.jsonl``, one row per planted (or derived) data-quality fault
    ``{"kind", "docs": [DOC], "detail": {...}}``, kinds :data:`FAULT_KINDS`:
    ``date_before_parent`` (docs [parent, child]; a child whose latest possible
    date is before its parent's earliest), ``implements_lower`` (docs [the higher
    body's plan, the lower plan it implements]), ``cycle`` (docs [a, b], each
    implementing the other), ``same_number_different_title`` (docs [the one node];
    detail ``files``, ``title``), ``unresolved_reference`` (docs [the citing plan];
    detail ``number``, ``reference``), ``missing_document`` (docs [the stub];
    detail ``cited_by``: written plans naming it among what they implement,
    ``rank``: 1 for the most cited).

Why files of JSON lines: at 100,000 plans the links alone are 100,000 rows.
"""

from __future__ import annotations

import calendar
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bench.synth.body import ORIGIN
from bench.synth.coverage import coverage_rows
from bench.synth.model import Plan, Planted
from bench.synth.prose import INDICATORS
from bench.synth.truth import Visible, expected_parents

__all__ = ["FAULT_KINDS", "date_bounds", "link_lag", "link_rows", "write_truth"]

FAULT_KINDS = (
    "date_before_parent",
    "implements_lower",
    "cycle",
    "same_number_different_title",
    "unresolved_reference",
    "missing_document",
)
_RANK = {"central": 0, "province": 1, "district": 2, "commune": 3}
_ORDER = {"day": 0, "month": 1, "year": 2}


def date_bounds(p: Plan) -> tuple[date, date]:
    """The first and last day the printed date allows."""
    d = p.doc_date
    if p.precision == "year":
        return date(d.year, 1, 1), date(d.year, 12, 31)
    if p.precision == "month":
        return date(d.year, d.month, 1), date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
    return d, d


def link_lag(q: Plan, c: Plan) -> dict[str, Any]:
    """``lag_days`` (null unless both dates are days), ``precision``, ``lag_range``."""
    (q0, q1), (c0, c1) = date_bounds(q), date_bounds(c)
    precision = max(q.precision, c.precision, key=_ORDER.__getitem__)
    lo, hi = (c0 - q1).days, (c1 - q0).days
    return {"lag_days": lo if precision == "day" else None, "precision": precision, "lag_range": [lo, hi]}


def _share(c: Plan, q: Plan, planted: Planted) -> float:
    """The share of ``c``'s body sentences, by printed length, whose origin is one of ``q``'s."""
    theirs = {s & ORIGIN for s in planted.origins.get(q.idx, ())}
    texts = [t for section in c.body or () for t in section]
    total = mine = 0
    for s, t in zip(planted.origins.get(c.idx, ()), texts, strict=True):
        total += len(t)
        if s & ORIGIN in theirs:
            mine += len(t)
    return round(mine / total, 4) if total else 0.0


def _relations(q: Plan, c: Plan) -> list[dict[str, Any]]:
    pv, cv = dict(q.targets or ()), dict(c.targets or ())
    out = []
    for key in [k for k in INDICATORS if k in pv or k in cv]:
        a, b = pv.get(key), cv.get(key)
        rel = (
            "missing"
            if b is None
            else "added"
            if a is None
            else "stricter"
            if b > a
            else "looser"
            if b < a
            else "equal"
        )
        out.append({"indicator": key, "relation": rel, "parent": a, "child": b})
    return out


def link_rows(vis: Visible, planted: Planted, dup_involved: set[int]) -> Iterable[dict[str, Any]]:
    """The rows of ``links.jsonl``, one per link the texts state (``dup_involved``: plans a
    planted duplicate shares a node with, whose reuse and targets are null)."""
    for q, c in vis.links():
        readable = not (q.unwritten or c.unwritten or q.idx in dup_involved or c.idx in dup_involved)
        yield (
            {
                "parent": vis.describe(q),
                "child": vis.describe(c),
                "parent_file": q.file or None,
                "child_file": c.file or None,
                # the link lies in Kết luận 70's cascade when its parent does: a parent a
                # cycle cut off names a child under Kết luận 70 from outside its cascade
                "cascade": q.idx == 0 or 0 in vis.above(q),
            }
            | link_lag(q, c)
            | {
                "reuse": _share(c, q, planted) if readable else None,
                "targets": _relations(q, c) if readable else None,
            }
        )


def _faults(vis: Visible, plans: Sequence[Plan], planted: Planted) -> list[dict[str, Any]]:
    out = []
    for q, c in vis.links():
        if date_bounds(c)[1] < date_bounds(q)[0]:
            detail = {"parent_date": q.date_text, "child_date": c.date_text}
            out.append(
                {"kind": "date_before_parent", "docs": [vis.describe(q), vis.describe(c)], "detail": detail}
            )
        if _RANK[q.level] > _RANK[c.level]:
            out.append({"kind": "implements_lower", "docs": [vis.describe(c), vis.describe(q)], "detail": {}})
    for a, b in planted.cycles:
        out.append({"kind": "cycle", "docs": [vis.describe(a), vis.describe(b)], "detail": {}})
    for orig, dup in planted.duplicates:
        detail = {"files": [orig.file, dup.file], "title": dup.title}
        out.append({"kind": "same_number_different_title", "docs": [vis.describe(orig)], "detail": detail})
    for p in planted.unresolved:
        ref = p.unresolved or ""
        detail = {"number": ref.split("số ", 1)[1].split(" ", 1)[0], "reference": ref}
        out.append({"kind": "unresolved_reference", "docs": [vis.describe(p)], "detail": detail})
    citing = Counter(
        q.idx for p in plans if p.file and not p.hidden and p.duplicate_of is None for q in p.implements
    )
    stubs = sorted(planted.unwritten, key=lambda p: (-citing[p.idx], p.idx))
    for rank, p in enumerate(stubs, 1):
        detail = {"cited_by": citing[p.idx], "rank": rank}
        out.append({"kind": "missing_document", "docs": [vis.describe(p)], "detail": detail})
    return out


def _suggest_rows(vis: Visible, planted: Planted) -> Iterable[dict[str, Any]]:
    memo: dict[int, set[int]] = {}
    for h in planted.hidden:
        q = h.implements[0]
        yield {
            "plan": vis.describe(h),
            "file": h.file,
            "parent": vis.describe(q),
            "parent_file": q.file or None,
            "reuse": _share(h, q, planted),
            "parents": [vis.describe(p) for p in expected_parents(h, memo)],
        }


def _dump(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def write_truth(folder: Path, plans: Sequence[Plan], planted: Planted) -> dict[str, Any]:
    """Write ``folder/truth/`` (see the module docstring) and answer its summary."""
    out = folder / "truth"
    out.mkdir(exist_ok=True)
    vis = Visible(plans)
    dup_involved = {p.idx for pair in planted.duplicates for p in pair}
    removed = {(u.level, u.province, u.district, u.name, s) for u, s, _n in planted.removed}
    gaps = {"total": 0, "planted": 0, "by_level": Counter[str]()}

    def coverage() -> Iterable[dict[str, Any]]:
        for row in coverage_rows(vis):
            for u in row["units"]:
                if not u["plans"]:
                    gaps["total"] += 1
                    gaps["by_level"][u["level"]] += 1
                    name = u["commune"] or u["district"] or u["province"]
                    gaps["planted"] += (
                        u["level"],
                        u["province"],
                        u["district"],
                        name,
                        u["system"],
                    ) in removed
            yield row

    n_cov = _dump(out / "coverage.jsonl", coverage())
    n_links = _dump(out / "links.jsonl", link_rows(vis, planted, dup_involved))
    faults = _faults(vis, plans, planted)
    _dump(out / "faults.jsonl", faults)
    n_suggest = _dump(out / "suggest.jsonl", _suggest_rows(vis, planted))
    kinds = Counter(f["kind"] for f in faults)
    summary = {
        "seed": planted.seed,
        "plans": sum(1 for p in plans if p.file),
        "documents": len(plans),
        "planted": {
            "gap_units": len(planted.removed),
            "plans_removed": sum(n for _u, _s, n in planted.removed),
            "skipping": len(planted.skipping),
            "suggest": n_suggest,
            "month_or_year_dates": sum(1 for p in plans if p.precision != "day"),
            "reuse_rates": dict(sorted(Counter(str(r) for r in planted.reuse_rate.values()).items())),
        }
        | {k: kinds.get(k, 0) for k in FAULT_KINDS},
        "gaps": gaps | {"by_level": dict(gaps["by_level"])},
        "coverage_plans": n_cov,
        "links": n_links,
        "indicators": {k: list(v[0]) for k, v in INDICATORS.items()},
    }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return summary
