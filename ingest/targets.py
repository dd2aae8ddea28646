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
from array import array
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterator

from ingest.model import Evidence, Target
from ingest.scan import Scanner
from ingest.text import NormalizedText

# Where a clause ends: a sentence end, ";", a blank line, or a new bullet / numbered /
# capitalised line (a line that goes on in lower case or with "33%" is the same sentence).
# Vietnamese capitals ("[À-Ỹ]" would take the small letters between them too: "đ", "ạ").
_CAPITAL = "A-ZĐÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĨŨƠƯ" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA, 2))
# A blank line ends a clause unless the text goes on in small letters or a number that is
# not a list item's (double-spaced text wraps a sentence over blank lines: "đạt\n\ntrên 51%
# dân số"); so does a line opening with a list marker or a capital.
_CLAUSE_BOUND = re.compile(
    rf"\.\s|;|\n[ \t]*\n(?![ \t\n]*(?:[^\W\d_{_CAPITAL}](?!\))|\d+(?!(?:\.\d+)*[.)]\s)))"
    rf"|\n(?=[ \t]*(?:[-+•*]|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)|[{_CAPITAL}]))"
)
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
# (each led by a look-ahead at the letters it may start with, which the engine checks at once)
_YEAR_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"(?=[đtvc])(?:đến|tới|vào|trước|cuối)\s+(?:hết\s+)?năm\s+(\d{4})",
        r"(?=g)giai\s+đoạn\s+\d{4}\s*[-–]\s*(\d{4})",
        r"(?=n)\bnăm\s+((?:19|20)\d{2})\b",
    )
)
_YEAR_HINT = re.compile(r"năm|đoạn", re.IGNORECASE)  # in every one of them


# A target is read in a clause of a sentence: none is read in a "clause" longer than this
# (real ones run to 260 characters), and at most this many are read in one clause (real
# ones hold three), so that what a target carries of its clause stays within the text's size.
MAX_CLAUSE = 1_000
MAX_PER_CLAUSE = 10
# The words that end a target's indicator: "Tỷ lệ người tập luyện | đạt 35%".
_INDICATOR_END = re.compile(r"\s+(?:đạt|chiếm)\b")
_INDICATOR_WORDS = ("đạt", "chiếm")


def read_targets(nt: NormalizedText) -> tuple[Target, ...]:
    """Numeric targets: every "N%" in a clause that reads as a goal, with its year.

    A clause ends at ". ", ";", a blank line or a new bullet/numbered line; a line
    wrapped inside a sentence (PDF text) does not end it. The year is the nearest
    "đến năm YYYY" before the number in the clause, else in its paragraph, else in
    the nearest heading above ("2. Mục tiêu cụ thể đến năm 2030").

    Linear in the length of the text: the goal words and years are found by one scan
    of the text, as far as the numbers need, and looked up by position for each number
    (a paragraph of many numbers was read again for each of them); what a clause yields
    (its text, its evidence, the indicator before "đạt") is read once for all its numbers.
    """
    t = nt.text
    out: list[Target] = []
    seen: set[tuple] = set()
    b_starts = b_ends = paras = array("q")
    clause: _Clause | None = None
    goals = _Goals(_GOAL_SCAN.every_match(t))
    years = [_Years(p.finditer(t)) for p in _YEAR_PATTERNS]
    heading_years: dict[int, int | None] = {}
    for n, pm in enumerate(_TARGET_NUM.finditer(t)):
        if n == 0:
            # Bounds come in text order and do not overlap: their starts and ends are sorted.
            b_starts, b_ends = array("q"), array("q")
            for m in _CLAUSE_BOUND.finditer(t):
                b_starts.append(m.start())
                b_ends.append(m.end())
            paras = array("q", (m.end() for m in _PARA_BOUND.finditer(t)))
        i = bisect_right(b_ends, pm.start())
        s_start = b_ends[i - 1] if i else 0
        j = bisect_left(b_starts, pm.end())
        s_end = b_starts[j] if j < len(b_starts) else len(t)
        if s_end - s_start > MAX_CLAUSE:
            continue
        if clause is None or (clause.start, clause.end) != (s_start, s_end):
            # (two numbers of one clause may see two ends: a bound inside a number's match,
            # "2030\n\nngười", is not its clause's end)
            clause = _Clause(nt, s_start, s_end)
        if clause.taken >= MAX_PER_CLAUSE:
            continue
        k = bisect_right(paras, s_start)
        p_start = paras[k - 1] if k else 0
        if not goals.any_within(p_start, s_end):
            continue
        b = pm.start()
        year = _year_in(years, s_start, b) or _year_in(years, p_start, b) or _year_in(years, s_start, s_end)
        if not year:
            if p_start not in heading_years:
                heading_years[p_start] = _heading_year(t, p_start)
            year = heading_years[p_start]
        before = t[max(s_start, b - 30) : b]
        after = t[pm.end() : pm.end() + 15]
        comparator = "="
        if re.search(r"trên\s*$", before):
            comparator = ">"
        if re.search(r"(?:từ|ít\s+nhất|tối\s+thiểu)\s*$", before) or re.match(r"\s*trở\s+lên", after):
            comparator = ">="
        if re.search(r"dưới\s*$", before):
            comparator = "<"
        value = _number(pm.group("num"))
        ind = clause.indicator(b)
        key = (value, year, ind)
        if key in seen:
            continue
        seen.add(key)
        clause.taken += 1
        out.append(
            Target(
                indicator=ind or None,
                comparator=comparator,
                value=value,
                unit=re.sub(r"\s+", " ", pm.group("unit")),
                year=year,
                text=clause.text,
                evidence=clause.evidence,
            )
        )
    return tuple(out)


class _Clause:
    """One clause ``[start, end)`` of the text, and what its targets share."""

    def __init__(self, nt: NormalizedText, start: int, end: int) -> None:
        t = nt.text
        self.t, self.start, self.end = t, start, end
        self.text = re.sub(r"\s+", " ", t[start:end]).strip(" -+")
        self.evidence = Evidence.of_span(nt, start, end, "regex:target", 0.8)
        self.taken = 0  # targets read in it so far
        self.first_end = _INDICATOR_END.search(t, start, end)  # the first "đạt" of the clause
        self._after_first: str | None = None

    def indicator(self, b: int) -> str:
        r"""What the clause says before the number at ``b``: its text up to the first " đạt" /
        " chiếm" before ``b`` (else up to ``b``), without list marks and lead-in words.

        The same as ``re.split(r"\s+(?:đạt|chiếm)\b", clause[:b])[0]``: the clause's first
        such words end before ``b``, or else the words end right at ``b`` ("đạt" and the
        number written together, where the cut text ends on a word boundary).
        """
        f = self.first_end
        if f is not None and f.end() < b:
            if self._after_first is None:
                self._after_first = _indicator(self.t[self.start : f.start()])
            return self._after_first
        t, start = self.t, self.start
        cut = b
        for word in _INDICATOR_WORDS:
            w = b - len(word)
            if w > start and t.startswith(word, w) and t[w - 1].isspace():
                cut = w - 1
                while cut > start and t[cut - 1].isspace():
                    cut -= 1
                break
        return _indicator(t[start:cut])


def _indicator(s: str) -> str:
    s = re.sub(r"^(?:\s*(?:[-+*•]|[a-zđ]\)|\d+(?:\.\d+)*[.)]))*\s*", "", s)  # list markers
    s = re.sub(r"^(?:Phấn|Phân|Phần)\s+đ[ấầ]u\s+", "", s, flags=re.I)
    s = re.sub(r"^(?:đến|tới)\s+năm\s+\d{4}\s*,?\s*", "", s, flags=re.I)
    return re.sub(r"\s+", " ", s).strip(" ,:-")


class _Goals:
    """Whether a goal word lies inside ``[a, b)``, for questions whose ``a`` and ``b`` never
    go back: ``_GOAL_SCAN.search(t[a:b])``. Each goal word has one extent where it matches
    and no look-around, so the cut text holds one exactly where the whole text holds a
    match inside it. The matches at every position are pulled in text order, as far as a
    question needs; those from ``a`` on are kept with their least end at the front."""

    def __init__(self, matches: Iterator[re.Match[str]]) -> None:
        self._matches, self._done = matches, False
        self._last_start = -1
        self._window: deque[tuple[int, int]] = deque()  # (start, end), ends increasing

    def any_within(self, a: int, b: int) -> bool:
        while not self._done and self._last_start < b:
            m = next(self._matches, None)
            if m is None:
                self._done = True
                break
            self._last_start = m.start()
            while self._window and self._window[-1][1] >= m.end():
                self._window.pop()  # a match ending later and starting earlier never answers first
            self._window.append((m.start(), m.end()))
        while self._window and self._window[0][0] < a:
            self._window.popleft()
        return bool(self._window) and self._window[0][1] <= b


class _Years:
    """The matches of one year pattern, pulled in text order as far as a question needs."""

    def __init__(self, matches: Iterator[re.Match[str]]) -> None:
        self._matches, self._done = matches, False
        self.starts, self.ends = array("q"), array("q")
        self.years: list[str] = []

    def last_within(self, a: int, b: int) -> str | None:
        """The year of the last match inside ``[a, b)`` (the matches do not overlap)."""
        while not self._done and (not self.starts or self.starts[-1] < b):
            m = next(self._matches, None)
            if m is None:
                self._done = True
                break
            self.starts.append(m.start())
            self.ends.append(m.end())
            self.years.append(m.group(1))
        i = bisect_right(self.ends, b) - 1
        return self.years[i] if i >= 0 and self.starts[i] >= a else None


def _year_in(years: list[_Years], a: int, b: int) -> int | None:
    """``_year_of(t[a:b])``, from the year patterns' matches in the whole text.

    The same answer: none of their matches overlap another, and ``a`` and ``b`` fall
    where the patterns' word boundaries read alike in the cut text and the whole (``a``
    after a bound's space, ";" or line break; ``b`` at a bound or at a number that no
    digit precedes)."""
    for found in years:
        y = found.last_within(a, b)
        if y is not None:
            return int(y)
    return None


def _heading_year(t: str, pos: int) -> int | None:
    """The year of the nearest heading above: "2. Mục tiêu cụ thể đến năm 2030".

    (the 25 lines before ``pos``, read back from it without copying the text before it)"""
    end = pos
    for _ in range(25):
        nl = t.rfind("\n", 0, end)
        s = t[nl + 1 : end].strip()
        if 0 < len(s) < 120:
            y = _year_of(s)
            if y:
                return y
        if nl < 0:
            break
        end = nl
    return None


def _year_of(s: str) -> int | None:
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
