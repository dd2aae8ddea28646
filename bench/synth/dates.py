"""Planted dates: lags from a skewed distribution, dates printed to the month or the year, a few
children dated before their parent.

Reads: the plan tree after the planting step's structural changes, and the
planting's random stream. Returns: :func:`parents_first` (the plans in an order
that puts what a plan implements before it, cycles broken where they close) and
:func:`draw_dates`, which redraws every date and sets ``precision``.

Why: the timeline analysis reports lags in days per level, system and province,
with the precision of each date respected; a uniform 3-35 days (the tree's own
draw) tests none of that. A lag here is 1 + a log-normal draw with a median of
two weeks and a long tail of months (about 10 % over seven weeks, 1 % over four
months), kept inside the plan's year (an issuer's numbers are unique within a
year; a plan moved into the next one could take another's). Leaves (plans no
one cites) may print their date as "ngày   tháng 5 năm 2024" (month) or
"ngày   tháng   năm 2024" (year), as blank-numbered ones always did.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date, timedelta

from bench.synth.model import Plan, Planted
from bench.synth.names import KL70_DATE

__all__ = ["draw_dates", "lag_days", "parents_first"]

_MU, _SIGMA = math.log(14), 1.0


def lag_days(rng: random.Random) -> int:
    """Days from a parent's date to its child's: 1 + log-normal (median about two weeks)."""
    return 1 + int(rng.lognormvariate(_MU, _SIGMA))


def parents_first(plans: Sequence[Plan]) -> list[Plan]:
    """Every plan after the plans it implements (depth-first; a cycle is cut where it closes)."""
    out: list[Plan] = []
    state: dict[int, int] = {}  # idx -> 1 visiting, 2 done
    for root in plans:
        if state.get(root.idx):
            continue
        stack: list[tuple[Plan, int]] = [(root, 0)]
        state[root.idx] = 1
        while stack:
            p, i = stack[-1]
            if i < len(p.implements):
                stack[-1] = (p, i + 1)
                q = p.implements[i]
                if not state.get(q.idx):
                    state[q.idx] = 1
                    stack.append((q, 0))
            else:
                stack.pop()
                state[p.idx] = 2
                out.append(p)
    return out


def draw_dates(order: Sequence[Plan], rng: random.Random, planted: Planted, before: int) -> None:
    """Redraw the dates in ``order`` (parents first), set the printed precision of some leaves,
    and date ``before`` children before their parent (recorded in ``planted.before``)."""
    seen: set[int] = set()
    for p in order:
        seen.add(p.idx)
        if p.unit.level == "central" or p.duplicate_of is not None:
            continue
        dated = [q.doc_date for q in p.implements if q.idx in seen and q is not p]
        start = max(dated, default=KL70_DATE)
        year = p.annual or 2024
        if p.annual:
            start = max(start, date(year, 1, 2))
        cap = date(year, 12, 31)
        d = start + timedelta(days=lag_days(rng))
        if d > cap:
            d = start + timedelta(days=rng.randint(0, max(0, (cap - start).days)))
        p.doc_date = d
    for p in order:
        if p.duplicate_of is not None:
            p.doc_date = p.duplicate_of.doc_date
    cited = {q.idx for p in order for q in p.implements}
    busy = _busy(planted)
    for p in order:
        if p.blank_number:
            p.precision = "month"  # the header has always left its day blank
        elif p.idx not in cited and p.unit.level != "central" and p.idx not in busy:
            r = rng.random()
            p.precision = "year" if r < 0.005 else "month" if r < 0.035 else "day"
    _before(order, rng, planted, before, busy)


def _busy(planted: Planted) -> set[int]:
    """Plans already in a planted fault: a date fault is planted elsewhere."""
    out = {p.idx for p in planted.unwritten + planted.hidden + planted.unresolved}
    for pairs in (planted.lower, planted.cycles, planted.duplicates, planted.skipping):
        out |= {p.idx for pair in pairs for p in pair}
    return out


def _before(order: Sequence[Plan], rng: random.Random, planted: Planted, k: int, busy: set[int]) -> None:
    """Date ``k`` children 1-30 days before their (only) parent, after Kết luận 70."""
    pool = [
        p
        for p in order
        if p.idx not in busy
        and p.precision == "day"
        and not p.annual
        and len(p.implements) == 1
        and p.implements[0].level != "central"
        and p.implements[0].idx not in busy
        and (p.implements[0].doc_date - KL70_DATE).days > 5
    ]
    for c in rng.sample(pool, min(k, len(pool))):
        q = c.implements[0]
        room = (q.doc_date - KL70_DATE).days - 1
        c.doc_date = q.doc_date - timedelta(days=rng.randint(1, min(30, room)))
        planted.before.append((q, c))
