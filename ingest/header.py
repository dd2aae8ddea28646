"""The header block of a plan: its number, place and date, type and title, and where its preamble lies.

Reads: the normalised text of one document (the number, date and type within its
first 2,500 characters; the title from the type line on). Returns: :class:`Header`,
every field with its evidence keyed by the record's JSON Pointer ("/number",
"/symbol", "/date", "/doc_type", "/title"), the place printed on the date line and
the span of the preamble (from the title's end to section I).

Why a module of its own: the header is read first and alone (the rest of the
document is read relative to it: the preamble starts where the title ends, the
issuer is placed by the date line), and its layouts (one or two columns, numbers
cut by a PDF line break, dates in words or digits) are a study of their own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ingest.model import Evidence
from ingest.refs import BASIS_RE, DATE_BODY, TRIGGER_RE, clean_number, date_of
from ingest.text import NormalizedText
from ontology.vocab import DOC_TYPE_WORDS

_HEAD_START = re.compile(r"^[ \t]*(?:Thực\s+hiện|Căn\s+cứ|Để\s+|Triển\s+khai\s+thực\s+hiện\s+\S+\s+số)", re.M)
# "Số:" at a line's start, or after a cell of a flattened table: "THỦ TƯỚNG CHÍNH PHỦ --------------- Số:
# 24/CT-TTg | ...", "BAN CHẤP HÀNH TRUNG ƯƠNG***Số: 367", "BỘ Y TẾ ...   Số: 5556/QĐBYT Hà Nội, ngày"
_HEAD_NUMBER = re.compile(
    r"(?:^|(?<=[|*])|(?<=--)|(?<=\s\s))[ \t]*Số\s*:?[ \t]*"
    r"(?P<num>\d{1,5})?[ \t]*(?P<sep>[-–/])?[ \t]*(?P<yr>(?:19|20)\d{2}[ \t]?/[ \t]?)?"
    r"(?P<sym>[A-ZĐ][A-Za-zĐđƯư]*(?:[ \t]?[-–/][ \t]?[A-ZĐ][A-Za-zĐđƯư]*)*)",
    re.MULTILINE,
)
# The place-and-date line: "Bác Ái, ngày 10 tháng 4 năm 2024", "Lào Cai, ngày 5/6/2024".
_HEAD_DATE = re.compile(rf"(?:^|(?<=\s))(?P<place>[^\n,]{{0,40}}?),?\s*ngày\s*{DATE_BODY}", re.IGNORECASE)
_NGAY = re.compile("ngày", re.IGNORECASE)
# A date after a document's number is that document's: "Nghị định số 75/2017/NĐ-CP ngày 20 tháng 6 năm 2017"
_OF_NUMBER = re.compile(r"\d[-/][^\s,]*[A-ZĐ][^\s,]*\s*,?\s*$")
# A place name ending the text before "ngày": "Tân Lập," in "Số: 32/KH-UBND Tân Lập, ngày 05/4/2024"
_PLACE_TAIL = re.compile(r"(?:^|\s)(?:[A-ZĐÀ-Ỹ][^\s\d/,]*\s?){1,4},$")
_TYPE_HEADING = re.compile(
    r"^[ \t]*(?P<word>"
    + "|".join(w.upper().replace(" ", r"\s+") for w in DOC_TYPE_WORDS)
    + r")(?:(?![^\W\d_])|(?=[A-ZĐ][a-zà-ỹđ]))",
    re.MULTILINE,
)
SECTION = re.compile(
    r"^[ \t]*(?:PHẦN\s+)?(?:I|A)[ \t]*[.\-–/:)][ \t]*\S|^[ \t]*(?:MỤC\s+ĐÍCH|MỤC\s+TIÊU|NỘI\s+DUNG)",
    re.MULTILINE,
)
_NEXT_VISIBLE = re.compile(r"\s*(\S)")
# How far section I may lie from the title: the preambles of real plans run to 1,600
# characters; a text without section I within this reach reads 3,000 characters as its
# preamble (as one without any does), so that a preamble costs the same whatever follows.
MAX_PREAMBLE = 10_000


@dataclass(frozen=True, slots=True)
class Header:
    """What the header block says, each field with its evidence (keys as in the record)."""

    number: str | None
    symbol: str | None
    date: str | None
    place_line: str | None  # the place printed before "ngày" on the date line
    doc_type: str | None  # None when no type line: the caller falls back on the symbol
    title: str | None
    title_span: tuple[int, int] | None
    preamble: tuple[int, int]  # from the title's end to section I (or 3,000 characters)
    evidence: Mapping[str, Evidence]
    # where the header block ends: the title's end, else the first chain or basis sentence
    block_end: int = 0


def read_header(nt: NormalizedText) -> Header:
    """The header block of ``nt`` and the span of the preamble that follows it."""
    t = nt.text
    head_end = _head_end(t)
    number, symbol, number_ev = _number(nt, head_end)
    date, place_line, date_ev = _date(nt, head_end)
    doc_type, title, title_span, title_ev = _type_and_title(nt, head_end)
    pre_start = title_span[1] if title_span else 0
    sec = SECTION.search(t, pre_start, pre_start + MAX_PREAMBLE)
    pre_end = sec.start() if sec else min(len(t), pre_start + 3000)
    return Header(
        number=number,
        symbol=symbol,
        date=date,
        place_line=place_line,
        doc_type=doc_type,
        title=title,
        title_span=title_span,
        preamble=(pre_start, pre_end),
        evidence={**number_ev, **date_ev, **title_ev},
        block_end=pre_start if title_span else head_end,
    )


def _head_end(t: str) -> int:
    """Where the header block ends: the first chain or basis sentence, at most 2,500 chars."""
    m = _HEAD_START.search(t)
    return min(m.start() if m else len(t), 2500)


def _number(nt: NormalizedText, head_end: int) -> tuple[str | None, str | None, dict[str, Evidence]]:
    """The number and symbol of the "Số: 241-KH/TU" line (a blank number keeps its symbol)."""
    m = _HEAD_NUMBER.search(nt.text, 0, head_end)
    if not m:
        return None, None, {}
    sym = re.sub(r"\s+", "", m.group("sym"))
    num = m.group("num")
    ev = {"/symbol": Evidence.of_span(nt, m.start("sym"), m.end("sym"), "header:so")}
    if num:
        ev["/number"] = Evidence.of_span(nt, m.start("num"), m.end("sym"), "header:so")
        return clean_number(num, m.group("sep"), sym, m.group("yr")), sym, ev
    return None, sym.lstrip("-/"), ev


def _head_date_start(t: str, end: int) -> int:
    """Where a scan for :data:`_HEAD_DATE` may start: its lazy place is tried at every
    position, so the scan starts no earlier than the first "ngày" allows (a place of
    at most 40 characters, a comma and the spaces before "ngày"). Returns ``end`` if
    there is no "ngày" at all."""
    q = _NGAY.search(t, 0, end)
    if q is None:
        return end
    w = q.start()
    while w > 0 and t[w - 1].isspace():
        w -= 1
    return max(0, w - 41)


def _date(nt: NormalizedText, head_end: int) -> tuple[str | None, str | None, dict[str, Evidence]]:
    """The place-and-date line: "Bác Ái, ngày 10 tháng 4 năm 2024", "Lào Cai, ngày 5/6/2024".

    The numeric form must follow a place and a comma, so a reference's date in the
    title ("Kết luận số 70-KL/TW, ngày 31/01/2024") is not taken for the plan's.
    """
    t = nt.text
    m = next(
        (
            m
            for m in _HEAD_DATE.finditer(t, _head_date_start(t, head_end), head_end)
            if (not m.group("y") and not _OF_NUMBER.search(m.group("place")))
            or _PLACE_TAIL.search(m.group("place").strip() + ",")
            and "," in t[m.start("place") : m.start("d")]
        ),
        None,
    )
    if not m:
        return None, None, {}
    date = date_of(m)
    first = next((m.start(g) for g in ("d", "wd") if m.group(g)), m.start())
    ev = {"/date": Evidence.of_span(nt, first, m.end(), "header:ngay")}
    place = m.group("place").strip()
    if "Số" in place or "/" in place:
        # the number's column reaches into the window: "Số: 13 /KH/CCB        Quận 6",
        # "Số: 138 / KH-UBND Quận 4" (the columns of a header on one line)
        # (the column pattern: a number without its "Số", or one the header's pattern does not read)
        nm = _HEAD_NUMBER.match(place)
        place = place[nm.end() :].strip() if nm else re.sub(r"^.*?(?:\s{2,}|/[A-ZĐ\-/]+\s+)", "", place)
    return date, place or None, ev


def _has_lower(s: str) -> bool:
    """Whether a line holds a lower-case letter (running text, not a title in capitals)."""
    return any(c.islower() for c in s)


def _type_and_title(
    nt: NormalizedText, head_end: int
) -> tuple[str | None, str | None, tuple[int, int] | None, dict[str, Evidence]]:
    """The type line ("KẾ HOẠCH") and the title lines under it."""
    t = nt.text
    m = _TYPE_HEADING.search(t, 0, max(head_end, 1))
    if not m:
        return None, None, None, {}
    doc_type = DOC_TYPE_WORDS.get(re.sub(r"\s+", " ", m.group("word").lower()))
    ev = {"/doc_type": Evidence.of_span(nt, m.start("word"), m.end("word"), "header:type-line")}
    # The title: the rest of the heading line and following lines, across single
    # blank lines when the next line goes on in lower case (PDF line breaks).
    pos = m.end()
    lines: list[tuple[int, int]] = []
    line_end = t.find("\n", pos)
    line_end = len(t) if line_end < 0 else line_end
    if t[pos:line_end].strip():
        lines.append((pos, line_end))
    cur = line_end + 1
    visible = -1  # where the next visible character after a blank line is (len(t): none)
    while cur < len(t) and len(lines) < 8:
        nl = t.find("\n", cur)
        nl = len(t) if nl < 0 else nl
        line = t[cur:nl]
        s = line.strip()
        if not s:
            if visible < nl:  # (the same for every line of a run of blank lines)
                nxt = _NEXT_VISIBLE.match(t, nl)
                visible = nxt.start(1) if nxt else len(t)
            if lines and (visible == len(t) or not t[visible].islower()):
                break
            cur = nl + 1
            continue
        if re.fullmatch(r"[-_=*.]{3,}", s) or SECTION.match(line):
            break
        if lines and (TRIGGER_RE.match(s) or BASIS_RE.match(s)) and s[0].isupper():
            break
        if lines and re.match(r"^(?:Số|Nơi nhận)\b", s):
            break
        if lines and s[0].isupper() and _has_lower(s) and not any(_has_lower(t[a:b]) for a, b in lines):
            break  # a title in capitals ends where running text starts ("Sau 02 năm triển khai ...")
        lines.append((cur, nl))
        cur = nl + 1
    if not lines:
        return doc_type, None, None, ev
    start, end = lines[0][0], lines[-1][1]
    title = re.sub(r"\s+", " ", " ".join(t[a:b] for a, b in lines)).strip(" -")
    title = title[:1].upper() + title[1:] if title else None
    if title:
        ev["/title"] = Evidence.of_span(nt, start, end, "header:title-lines")
    return doc_type, title, (start, end), ev
