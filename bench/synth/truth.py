"""What the corpus must be found to say: the rows of ``expected.jsonl``, and the graph the truth reads.

Reads: the plan tree (:class:`~bench.synth.model.Plan` with its ``file`` set).
Returns: :func:`expected_row`, one plan's row (its file, itself and the parents
the extractor and the graph must find), built from :func:`describe` and
:func:`expected_parents`; and :class:`Visible`, the links a reader of the
written texts can know (a plan whose "Thực hiện" sentence is removed has none,
a duplicate is its original's node), reduced as the graph reduces them, with
what lies above each plan. The planted truth (:mod:`bench.synth.truth_write`)
is computed over :class:`Visible`.

Why computed from the tree and not from the text: the tree is the truth the
text only renders; the benchmark (:mod:`bench.accuracy`) holds the graph
against it. A planted corpus adds to a row ``"excluded": "no_implementing_sentence"``
(a plan whose parents no reader can find: scored apart, as a suggestion) or
``"duplicate_of": FILE`` (a second file of the same number, issuer and year: one
node for two files); an unplanted corpus's rows are what they always were.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bench.synth.model import Plan

__all__ = ["Visible", "describe", "expected_parents", "expected_row", "reduce"]


def _above(p: Plan, memo: dict[int, set[int]], up: Any = None) -> set[int]:
    """Everything ``p`` implements, directly or not (``up(p)``: the plans it names; cycles end)."""
    if p.idx in memo:
        return memo[p.idx]
    step = up or (lambda q: q.implements)
    seen: set[int] = set()
    stack = list(step(p))
    while stack:
        q = stack.pop()
        if q.idx in seen:
            continue
        seen.add(q.idx)
        if q.idx in memo:
            seen |= memo[q.idx]
        else:
            stack.extend(step(q))
    memo[p.idx] = seen
    return seen


def reduce(named: Sequence[Plan], memo: dict[int, set[int]], up: Any = None) -> list[Plan]:
    """What the graph keeps of the plans a plan names: those no other named plan lies under
    (directly or not); in a cycle both stay, neither being above the other."""
    if len(named) < 2:
        return list(named)
    above = {q.idx: _above(q, memo, up) for q in named}
    return [
        p
        for p in named
        if not any(q is not p and p.idx in above[q.idx] and q.idx not in above[p.idx] for q in named)
    ]


def expected_parents(p: Plan, memo: dict[int, set[int]]) -> list[Plan]:
    """The transitive reduction of what ``p`` implements (the contract's "parents")."""
    return reduce(p.implements, memo)


def describe(p: Plan) -> dict[str, Any]:
    """A document as expected.jsonl names it: enough to find its node unambiguously.

    ``date`` at the precision the text prints ("2024-05" when the day is blank)."""
    u = p.unit
    return {
        "number": None if p.blank_number else p.number,
        "system": p.system,
        "level": u.level,
        "province": u.province,
        "district": u.district if u.level in ("district", "commune") else None,
        "commune": u.name if u.level == "commune" else None,
        "date": p.date_text,
    }


def expected_row(p: Plan, memo: dict[int, set[int]]) -> dict[str, Any]:
    """One line of expected.jsonl: the file, the document and its expected parents."""
    row: dict[str, Any] = {
        "file": p.file,
        "doc": describe(p),
        "parents": [describe(q) for q in expected_parents(p, memo)],
    }
    if p.hidden:
        row["excluded"] = "no_implementing_sentence"
    if p.duplicate_of is not None:
        row["duplicate_of"] = p.duplicate_of.file
    return row


class Visible:
    """The links the written texts state, as the graph keeps them.

    A plan's named documents are what it implements, none for a plan whose
    "Thực hiện" sentence is removed; a duplicate is left out (its original's node
    holds both files, with the same parents). ``parents`` reduces them as the graph
    does; ``above`` is everything on the way up through those parents.
    """

    def __init__(self, plans: Iterable[Plan]) -> None:
        self.plans = [p for p in plans if p.duplicate_of is None]
        named = lambda q: () if q.hidden else q.implements  # noqa: E731
        memo: dict[int, set[int]] = {}
        self.parents: dict[int, list[Plan]] = {p.idx: reduce(named(p), memo, named) for p in self.plans}
        self._up: dict[int, set[int]] = {}
        self._described: dict[int, dict[str, Any]] = {}

    def describe(self, p: Plan) -> dict[str, Any]:
        """:func:`describe`, once per plan (the rows share the dict: never change it)."""
        d = self._described.get(p.idx)
        if d is None:
            d = self._described[p.idx] = describe(p)
        return d

    def above(self, p: Plan) -> set[int]:
        """The plans ``p`` lies under through the kept parents (itself only inside a cycle)."""
        return _above(p, self._up, lambda q: self.parents.get(q.idx, ()))

    def links(self) -> Iterable[tuple[Plan, Plan]]:
        """Every kept (parent, child) link, children in tree order."""
        for c in self.plans:
            for q in self.parents[c.idx]:
                yield q, c
