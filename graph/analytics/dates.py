"""Dates at the precision they are printed, and the lag between two of them.

Reads: ISO dates as the records state them: ``"2024-05-03"`` (a day), ``"2024-05"``
(a month: the day was left blank), ``"2024"`` (a year), or None. Returns: the first
and last day a date allows (:func:`bounds`), and a lag (:func:`lag`):
``{"lag_days", "precision", "lag_range"}``.

Why: a plan dated "2024-05" was signed some day in May, not on the 1st; taking
the 1st would invent lags to the day. A lag is a number of days only when both
dates are days; otherwise it is null with the coarser precision of the two and
the range of days the two dates allow (the definition the planted truth uses,
:func:`bench.synth.truth_write.link_lag`).
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache
from typing import Any

__all__ = ["PRECISIONS", "Bounds", "bounds", "lag", "sort_key"]

PRECISIONS = ("day", "month", "year")
_ORDER = {p: i for i, p in enumerate(PRECISIONS)}
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")

Bounds = tuple[date, date, str]


@lru_cache(maxsize=65536)  # the same few hundred dates come back in every cascade
def bounds(text: str | None) -> Bounds | None:
    """``(first day, last day, precision)`` of an ISO date at any precision; None when absent
    or not a date."""
    if not text:
        return None
    m = _ISO.fullmatch(text.strip())
    if not m:
        return None
    y, mo, d = (int(g) if g else None for g in m.groups())
    try:
        if mo is None:
            return date(y, 1, 1), date(y, 12, 31), "year"  # type: ignore[arg-type]
        if d is None:
            last = calendar.monthrange(y, mo)[1]  # type: ignore[arg-type]
            return date(y, mo, 1), date(y, mo, last), "month"  # type: ignore[arg-type]
        day = date(y, mo, d)  # type: ignore[arg-type]
    except ValueError:
        return None
    return day, day, "day"


def lag(parent: str | None, child: str | None) -> dict[str, Any]:
    """Days from ``parent``'s date to ``child``'s: ``lag_days`` when both are days (negative
    when the child is dated first), else None; ``precision`` the coarser of the two (None when
    a date is missing); ``lag_range`` the [min, max] days the two dates allow (None likewise)."""
    a, b = bounds(parent), bounds(child)
    if a is None or b is None:
        return {"lag_days": None, "precision": None, "lag_range": None}
    precision = max(a[2], b[2], key=_ORDER.__getitem__)
    lo, hi = (b[0] - a[1]).days, (b[1] - a[0]).days
    return {"lag_days": lo if precision == "day" else None, "precision": precision, "lag_range": [lo, hi]}


def sort_key(text: str | None) -> tuple[date, int]:
    """Earliest first, then the more precise of two dates that start the same day; a missing
    date last."""
    b = bounds(text)
    if b is None:
        return date.max, 9
    return b[0], _ORDER[b[2]]
