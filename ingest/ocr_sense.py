"""Years read from a scan checked for sense against the document's own years.

Reads: a :class:`~ingest.model.PlanRecord` extracted from OCR'd text and that text.
Returns: the record, each target whose year is suspect corrected, with its evidence's
basis ``inferred``, a lower confidence and the method marked ``+ocr-year``.

A target year is suspect when OCR may have misread one digit of it (0/6/8/9 and 1/7
look alike in a scan: "2036" for "2030") and the text says so: the year is printed
nowhere else in the document, while exactly one of its look-alikes is printed at
least twice elsewhere, and that look-alike is not before the plan's own year (a plan
of 2024 does not target 2020). "Phấn đấu tới năm 2036" in a plan whose every period
ends in 2030 is then 2030. A year the document repeats is never touched: a real 2035
target is printed again in its heading or its summary.

Why here and not in the target reader: only OCR makes such a digit unreliable; a
typed "2036" is what the plan says.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ingest.model import PlanRecord, Target

__all__ = ["look_alikes", "sensible_years"]

# Digits Tesseract takes for one another on a printed page.
_CLASSES = ("0689", "17")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
# The confidence a corrected year keeps, as a share of the confidence it had.
CONFIDENCE = 0.6


def look_alikes(text: str, classes: tuple[str, ...] = _CLASSES) -> set[str]:
    """``text`` with one character changed for another of its class in ``classes`` (by default
    the digits: "2036" -> {"2030", "2038", "2039"})."""
    out: set[str] = set()
    for i, ch in enumerate(text):
        for cls in classes:
            if ch in cls:
                out |= {text[:i] + other + text[i + 1 :] for other in cls if other != ch}
    return out


def _corrected(t: Target, counts: dict[str, int], own_year: int | None) -> Target:
    if t.year is None or t.evidence is None:
        return t
    y = str(t.year)
    if counts.get(y, 0) > 1:  # printed again elsewhere: what the plan says
        return t
    found = [
        v
        for v in look_alikes(y)
        if counts.get(v, 0) >= 2 and v.startswith("20") and (own_year is None or int(v) >= own_year)
    ]
    if len(found) != 1:
        return t
    ev = t.evidence
    ev = replace(
        ev, basis="inferred", confidence=round(ev.confidence * CONFIDENCE, 3), method=ev.method + "+ocr-year"
    )
    return replace(t, year=int(found[0]), evidence=ev)


def sensible_years(record: PlanRecord, text: str) -> PlanRecord:
    """``record`` (read from OCR'd ``text``) with suspect target years corrected."""
    if not record.targets:
        return record
    counts: dict[str, int] = {}
    for m in _YEAR.finditer(text):
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    own = int(record.date[:4]) if record.date and record.date[:4].isdigit() else None
    targets = tuple(_corrected(t, counts, own) for t in record.targets)
    return record if targets == record.targets else replace(record, targets=targets)
