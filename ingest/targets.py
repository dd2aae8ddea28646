"""Numeric targets of a plan: "đạt tỷ lệ trên 60% dân số luyện tập thể thao đến năm 2030".

Reads: the normalised text of one document. Returns: :class:`~ingest.model.Target`
values (indicator, comparator, value, unit, year, the clause), each with the
evidence of its clause, deduplicated, in text order.

Why a module of its own: a target is read in a clause, not a reference chain:
a number with its unit, a goal word around it, the comparator before it and the
year its clause, paragraph or heading gives ("2. Mục tiêu cụ thể đến năm 2030").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ingest.model import Evidence, Target
from ingest.scan import Scanner
from ingest.text import NormalizedText

# Where a clause ends: a sentence end, ";", a blank line, or a new bullet / numbered /
# capitalised line (a line that goes on in lower case or with "33%" is the same sentence).
_CLAUSE_BOUND = re.compile(r"\.\s|;|\n[ \t]*\n|\n(?=[ \t]*(?:[-+•*]|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)|[A-ZĐÀ-Ỹ]))")
_PARA_BOUND = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[-+•*]|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)))")
_GOAL_WORDS = re.compile(
    r"đạt|phấn\s+đấu|phân\s+đấu|phần\s+đầu|trở\s+lên|tỷ\s+l[ệê]|ít\s+nhất|mục\s+tiêu"
    r"|(?:đến|tới)\s+(?:hết\s+)?năm\s+\d{4}",
    re.IGNORECASE,
)
_GOAL_SCAN = Scanner(_GOAL_WORDS)  # tried only where a goal word can start
# A target's number and unit: "60%", "62 triệu đồng", "300.000 người".
# (the leading "(?=\d)" lets the engine reject a non-digit at once: five times faster)
_TARGET_NUM = re.compile(
    r"(?=\d)(?<![\d.,])(?P<num>\d{1,3}(?:\.\d{3})+|\d{1,4}(?:,\d+)?|\d{1,3}\.\d+(?=\s*%))\s*"
    r"(?P<unit>%|triệu\s+đồng|tỷ\s+đồng|lượt\s+người|người|hộ\b)"
)
_YEAR_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"(?:đến|tới|vào|trước|cuối)\s+(?:hết\s+)?năm\s+(\d{4})",
        r"giai\s+đoạn\s+\d{4}\s*[-–]\s*(\d{4})",
        r"\bnăm\s+((?:19|20)\d{2})\b",
    )
)
_YEAR_HINT = re.compile(r"năm|đoạn", re.IGNORECASE)  # in every one of them


def read_targets(nt: NormalizedText) -> tuple[Target, ...]:
    """Numeric targets: every "N%" in a clause that reads as a goal, with its year.

    A clause ends at ". ", ";", a blank line or a new bullet/numbered line; a line
    wrapped inside a sentence (PDF text) does not end it. The year is the nearest
    "đến năm YYYY" before the number in the clause, else in its paragraph, else in
    the nearest heading above ("2. Mục tiêu cụ thể đến năm 2030").
    """
    t = nt.text
    out: list[Target] = []
    seen: set[tuple] = set()
    numbers = list(_TARGET_NUM.finditer(t))
    if not numbers:
        return ()
    # Bounds come in text order and do not overlap: their starts and ends are sorted.
    bounds = [(m.start(), m.end()) for m in _CLAUSE_BOUND.finditer(t)]
    b_starts = [s for s, _e in bounds]
    b_ends = [e for _s, e in bounds]
    paras = [m.end() for m in _PARA_BOUND.finditer(t)]
    for pm in numbers:
        unit = re.sub(r"\s+", " ", pm.group("unit"))
        i = bisect_right(b_ends, pm.start())
        s_start = b_ends[i - 1] if i else 0
        j = bisect_left(b_starts, pm.end())
        s_end = b_starts[j] if j < len(b_starts) else len(t)
        k = bisect_right(paras, s_start)
        p_start = paras[k - 1] if k else 0
        sent = t[s_start:s_end]
        context = t[p_start:s_end]
        if not _GOAL_SCAN.search(context):
            continue
        year = _year_in(t[s_start : pm.start()]) or _year_in(t[p_start : pm.start()]) or _year_in(sent)
        year = year or _heading_year(t, p_start)
        before = t[max(s_start, pm.start() - 30) : pm.start()]
        after = t[pm.end() : pm.end() + 15]
        comparator = "="
        if re.search(r"trên\s*$", before):
            comparator = ">"
        if re.search(r"(?:từ|ít\s+nhất|tối\s+thiểu)\s*$", before) or re.match(r"\s*trở\s+lên", after):
            comparator = ">="
        if re.search(r"dưới\s*$", before):
            comparator = "<"
        value = _number(pm.group("num"))
        ind = re.split(r"\s+(?:đạt|chiếm)\b", sent[: pm.start() - s_start])[0]
        ind = re.sub(r"^(?:\s*(?:[-+*•]|[a-zđ]\)|\d+(?:\.\d+)*[.)]))*\s*", "", ind)  # list markers
        ind = re.sub(r"^(?:Phấn|Phân|Phần)\s+đ[ấầ]u\s+", "", ind, flags=re.I)
        ind = re.sub(r"^(?:đến|tới)\s+năm\s+\d{4}\s*,?\s*", "", ind, flags=re.I)
        ind = re.sub(r"\s+", " ", ind).strip(" ,:-")
        key = (value, year, ind)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            Target(
                indicator=ind or None,
                comparator=comparator,
                value=value,
                unit=unit,
                year=year,
                text=re.sub(r"\s+", " ", sent).strip(" -+"),
                evidence=Evidence.of_span(nt, s_start, s_end, "regex:target", 0.8),
            )
        )
    return tuple(out)


def _heading_year(t: str, pos: int) -> int | None:
    """The year of the nearest heading above: "2. Mục tiêu cụ thể đến năm 2030"."""
    lines = t[:pos].rsplit("\n", 25)[-25:]
    for line in reversed(lines):
        s = line.strip()
        if 0 < len(s) < 120:
            y = _year_in(s)
            if y:
                return y
    return None


def _year_in(s: str) -> int | None:
    """The year of the last "đến (hết) năm YYYY", "cuối năm YYYY", "giai đoạn X - YYYY" or,
    failing those, a plain "năm YYYY" in ``s``."""
    if not _YEAR_HINT.search(s):
        return None
    for pattern in _YEAR_PATTERNS:
        found = list(pattern.finditer(s))
        if found:
            return int(found[-1].group(1))
    return None


def _number(s: str) -> float | int:
    """ "300.000" (thousands) -> 300000, "1,5" (decimal comma) -> 1.5, "60" -> 60."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", s):
        return int(s.replace(".", ""))
    s = s.replace(",", ".")
    return float(s) if "." in s else int(s)
