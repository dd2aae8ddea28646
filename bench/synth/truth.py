"""What the corpus must be found to say: the rows of ``expected.jsonl``.

Reads: the plan tree (:class:`~bench.synth.model.Plan` with its ``file`` set).
Returns: :func:`expected_row`, one plan's row (its file, itself and the parents
the extractor and the graph must find), built from :func:`describe` and
:func:`expected_parents`.

Why computed from the tree and not from the text: the tree is the truth the
text only renders; the benchmark (:mod:`bench.accuracy`) holds the graph
against it. What a planting step adds (units that never issued a plan, lags,
reuse rates, faults) is truth of the same kind and belongs beside these rows.
"""

from __future__ import annotations

from typing import Any

from bench.synth.model import Plan

__all__ = ["describe", "expected_parents", "expected_row"]


def _ancestors(p: Plan, memo: dict[int, set[int]]) -> set[int]:
    if p.idx in memo:
        return memo[p.idx]
    out: set[int] = set()
    for q in p.implements:
        out.add(q.idx)
        out |= _ancestors(q, memo)
    memo[p.idx] = out
    return out


def expected_parents(p: Plan, memo: dict[int, set[int]]) -> list[Plan]:
    """The transitive reduction of what ``p`` implements (the contract's "parents")."""
    return [
        q for q in p.implements if not any(q.idx in _ancestors(o, memo) for o in p.implements if o is not q)
    ]


def describe(p: Plan) -> dict[str, Any]:
    """A document as expected.jsonl names it: enough to find its node unambiguously."""
    u = p.unit
    return {
        "number": None if p.blank_number else p.number,
        "system": p.system,
        "level": u.level,
        "province": u.province,
        "district": u.district if u.level in ("district", "commune") else None,
        "commune": u.name if u.level == "commune" else None,
        "date": p.doc_date.isoformat(),
    }


def expected_row(p: Plan, memo: dict[int, set[int]]) -> dict[str, Any]:
    """One line of expected.jsonl: the file, the document and its expected parents."""
    return {
        "file": p.file,
        "doc": describe(p),
        "parents": [describe(q) for q in expected_parents(p, memo)],
    }
