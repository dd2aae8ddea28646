"""Page layout: positioned pieces of text (PDF glyphs, OCR words) to text as a person reads the page.

Reads: per page, :class:`Glyph` values (a text, its box, its font size; an OCR
word also carries where it was read). Returns: the text, and for every glyph
that carried a :data:`Box`, the span of the text it became (so offsets into
the text map back to a page and a box).

Why one module for both: a Vietnamese plan opens with a two-column block, the
issuing organ and "Số 12-KH/HU" on the left, "ĐẢNG CỘNG SẢN VIỆT NAM" and "Bác
Ái, ngày 15 tháng 4 năm 2024" on the right, and closes with "Nơi nhận" beside
the signature. A PDF's text layer and an OCR'd scan give the same thing, text
at positions, and both must come out in the same reading order. So, page by page:

1. glyphs are grouped into lines by height, and a line is cut into segments
   where a gap is wider than two characters (a table column or a run of tabs);
2. a run of lines cut at the same gutter is a column block. When its columns
   have a different number of lines (the header, the signature) each column
   is written whole, left then right, so each cell's lines stay together; when
   every line is cut (a grid), it is written row by row, one cell a line, the
   order the .docx reader gives;
3. a vertical gap wider than most of a line is a paragraph break: a blank line;
4. lines repeated at the top or bottom of most pages (running headers and
   footers) and lone page numbers ("3", "- 3 -", "Trang 3", "3/7") are dropped.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["Box", "Glyph", "Line", "PageMap", "Span", "lay_out", "lines_of"]

# Where a piece of text was read: (page index from 0, x0, top, x1, bottom) in the page's own units.
Box = tuple[int, float, float, float, float]
# A span of the laid-out text and the box its text came from.
Span = tuple[int, int, Box]

# A horizontal gap wider than this many font sizes starts a new segment (column).
COLUMN_GAP = 2.0
# A gap wider than this many font sizes between two characters is a space.
SPACE_GAP = 0.18
# A vertical gap (between one line's bottom and the next one's top) wider than
# this many font sizes, and than the usual gap plus half a size, is a paragraph break.
PARAGRAPH_GAP = 0.8
_PAGE_NO = re.compile(r"^\W*(?:trang|page)?\s*\d{1,4}(?:\s*(?:/|of|trên)\s*\d{1,4})?\W*$", re.IGNORECASE)
# A line that starts a list item or a heading never goes on the line above it.
_MARKER = re.compile(r"^(?:[-+•*–]\s|(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)/-]\s)")


@dataclass(slots=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float  # distance from the top of the page
    bottom: float
    size: float
    box: Box | None = None  # kept into the text's spans when given (an OCR word)


@dataclass(slots=True)
class _Segment:
    x0: float
    x1: float
    text: str
    spans: list[Span] = field(default_factory=list)  # offsets into ``text``


@dataclass(slots=True)
class Line:
    top: float
    bottom: float
    size: float
    segments: list[_Segment] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)


@dataclass(slots=True)
class PageMap:
    """Offsets of a laid-out text back to where they were read: page and box (OCR'd text).

    ``spans`` are in text order; boxes are ``(page, x0, top, x1, bottom)`` in
    pixels of page ``page`` (from 0) rendered at ``dpi`` and turned by
    ``angles[page]`` degrees to level it; ``sizes[page]`` is its (width, height).
    ``file_sha`` (the scanned file's SHA-256) and ``settings`` (the OCR settings' key) say
    where the OCR cache keeps the pages and their images.
    """

    spans: list[Span]
    sizes: list[tuple[int, int]]
    dpi: int
    angles: list[float]
    file_sha: str = ""
    settings: str = ""

    def locate(self, start: int, end: int) -> list[tuple[int, tuple[float, float, float, float]]]:
        """The (page, (x0, top, x1, bottom)) boxes of the text ``[start, end)``: one box per line read."""
        starts = [s for s, _e, _b in self.spans]
        i = max(0, bisect.bisect_right(starts, start) - 1)
        out: list[tuple[int, tuple[float, float, float, float]]] = []
        for s, e, (page, x0, top, x1, bottom) in self.spans[i:]:
            if s >= end:
                break
            if e <= start:
                continue
            if out and out[-1][0] == page:
                _, (a0, at, a1, ab) = out[-1]
                overlap = min(ab, bottom) - max(at, top)
                if overlap > 0.5 * min(ab - at, bottom - top):  # the same line: grow its box
                    out[-1] = (page, (min(a0, x0), min(at, top), max(a1, x1), max(ab, bottom)))
                    continue
            out.append((page, (x0, top, x1, bottom)))
        return out


# A piece of the output: its text and the spans inside it.
_Piece = tuple[str, list[Span]]


def _cat(parts: list[_Piece], sep: str) -> _Piece:
    """Pieces joined by ``sep``, their spans shifted to where each piece lands."""
    text: list[str] = []
    spans: list[Span] = []
    at = 0
    for i, (t, sp) in enumerate(parts):
        if i:
            text.append(sep)
            at += len(sep)
        spans.extend((a + at, b + at, box) for a, b, box in sp)
        text.append(t)
        at += len(t)
    return "".join(text), spans


def _segment(x0: float, x1: float, pieces: list[str], spans: list[Span]) -> _Segment:
    text = "".join(pieces)
    if not spans:  # PDF glyphs may carry spaces of their own: squeeze them (spans never do)
        text = re.sub(r"\s+", " ", text).strip()
    return _Segment(x0, x1, text, spans)


def lines_of(glyphs: list[Glyph]) -> list[Line]:
    """Group glyphs into lines by height, then cut each line into segments at wide gaps."""
    rows: list[list[Glyph]] = []
    for c in sorted(glyphs, key=lambda c: (c.top + c.bottom) / 2):
        mid = (c.top + c.bottom) / 2
        if rows:
            last = rows[-1]
            lmid = statistics.fmean((x.top + x.bottom) / 2 for x in last[:8])
            if abs(mid - lmid) <= 0.45 * min(c.size, last[0].size):
                last.append(c)
                continue
        rows.append([c])
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        size = statistics.median(c.size for c in row)
        line = Line(top=min(c.top for c in row), bottom=max(c.bottom for c in row), size=size)
        seg: list[str] = []
        spans: list[Span] = []
        at = 0
        x0 = row[0].x0
        prev: Glyph | None = None
        for c in row:
            if prev is not None:
                gap = c.x0 - prev.x1
                if gap > COLUMN_GAP * size:
                    line.segments.append(_segment(x0, prev.x1, seg, spans))
                    seg, spans, at, x0 = [], [], 0, c.x0
                elif gap > SPACE_GAP * size and not prev.text.isspace() and not c.text.isspace():
                    seg.append(" ")
                    at += 1
            seg.append(c.text)
            if c.box is not None:
                spans.append((at, at + len(c.text), c.box))
            at += len(c.text)
            prev = c
        assert prev is not None
        line.segments.append(_segment(x0, prev.x1, seg, spans))
        line.segments = [s for s in line.segments if s.text]
        if line.segments:
            lines.append(line)
    return lines


def _gutter(line: Line) -> tuple[float, float]:
    """The widest gap between two segments of a cut line."""
    gaps = [(b.x0 - a.x1, a.x1, b.x0) for a, b in zip(line.segments, line.segments[1:], strict=False)]
    _, g0, g1 = max(gaps)
    return g0, g1


class _Columns:
    """A column block being grown: the gutter between the columns and how each column is aligned."""

    def __init__(self, line: Line) -> None:
        self.g0, self.g1 = _gutter(line)
        self.cols: tuple[list[_Segment], list[_Segment]] = ([], [])
        self._add(line)

    @property
    def mid(self) -> float:
        return (self.g0 + self.g1) / 2

    def _add(self, line: Line) -> None:
        for s in line.segments:
            self.cols[0 if s.x1 <= self.mid else 1].append(s)

    def _aligned(self, seg: _Segment, size: float) -> bool:
        """Centred on a column's centre, or flush with its left or right edge (a cell's alignment)."""
        centre = (seg.x0 + seg.x1) / 2
        for col in self.cols:
            if col and (
                abs(centre - statistics.median((c.x0 + c.x1) / 2 for c in col)) <= size
                or abs(seg.x0 - min(c.x0 for c in col)) <= size / 2
                or abs(seg.x1 - max(c.x1 for c in col)) <= size / 2
            ):
                return True
        return False

    def take(self, line: Line) -> bool:
        """Add ``line`` to the block if it belongs there: cut at this gutter, or aligned in one column."""
        mid = self.mid
        if not all(s.x1 <= mid or s.x0 >= mid for s in line.segments):
            return False  # a line across the gutter: running text, a centred title
        if len(line.segments) == 1:
            if not self._aligned(line.segments[0], line.size):
                return False  # e.g. "KẾ HOẠCH" flush left under a centred header
        else:
            h0, h1 = _gutter(line)
            if h1 <= self.g0 or h0 >= self.g1:
                return False
            self.g0, self.g1 = max(self.g0, h0), min(self.g1, h1)
        self._add(line)
        return True


def _blocks(lines: list[Line]) -> dict[int, int]:
    """Column blocks of a page: first line index -> end index (exclusive).

    A block grows from a line cut in two, down and up, over lines that fit its
    columns and are not farther apart than a blank line or two.
    """
    blocks: dict[int, int] = {}
    taken = -1  # lines up to here belong to an earlier block
    for i, line in enumerate(lines):
        if i <= taken or len(line.segments) < 2:
            continue
        cols = _Columns(line)
        j = i + 1
        while j < len(lines) and lines[j].top - lines[j - 1].bottom < 2.5 * lines[j].size:
            if not cols.take(lines[j]):
                break
            j += 1
        k = i
        while (
            k - 1 > taken
            and len(lines[k - 1].segments) == 1
            and lines[k].top - lines[k - 1].bottom < 2.5 * lines[k].size
            and cols.take(lines[k - 1])
        ):
            k -= 1
        blocks[k] = j
        taken = j - 1
    return blocks


def _wrapped(prev: Line, line: Line, right: float) -> bool:
    """True when ``line`` goes on ``prev``'s paragraph: its first word would not fit on ``prev``."""
    if _MARKER.match(line.text):
        return False
    seg = line.segments[0]
    char_w = (seg.x1 - seg.x0) / max(len(seg.text), 1)
    first = seg.text.split(" ", 1)[0]
    return prev.segments[-1].x1 + (len(first) + 1) * char_w > right - 0.5 * line.size


def _join(a: _Piece, b: _Piece) -> _Piece:
    """Join a wrapped line to the next: "70-" + "KL/TW" stays one word, others get a space."""
    return _cat([a, b], "" if re.search(r"\w-$", a[0]) else " ")


def _piece(segments: list[_Segment]) -> _Piece:
    return _cat([(s.text, s.spans) for s in segments], " ")


def _layout(lines: list[Line], right: float, para_gap: float) -> list[_Piece]:
    """A page's lines as text: column blocks unfolded, paragraph gaps as blank lines, wraps joined."""
    out: list[_Piece] = []
    blank: _Piece = ("", [])
    blocks = _blocks(lines)
    prev: Line | None = None
    joinable = False  # out[-1] is a line of running text that may go on
    i = 0
    while i < len(lines):
        line = lines[i]
        if prev is not None and line.top - prev.bottom > para_gap * min(line.size, prev.size):
            out.append(blank)
            joinable = False
        if i not in blocks:
            if joinable and prev is not None and _wrapped(prev, line, right):
                out[-1] = _join(out[-1], _piece(line.segments))
            else:
                out.append(_piece(line.segments))
            joinable, prev, i = True, line, i + 1
            continue
        block = lines[i : blocks[i]]
        mid = _Columns(next(b for b in block if len(b.segments) > 1)).mid
        for b in block[1:]:
            if len(b.segments) > 1:
                h0, h1 = _gutter(b)
                mid = min(max(mid, h0), h1)
        if all(len(b.segments) > 1 for b in block):  # a grid: row by row, one cell a line
            for b in block:
                out.extend((s.text, s.spans) for s in b.segments)
        else:  # columns of their own: each column whole, left then right, a blank line between
            for n in (0, 1):
                col: list[_Piece] = []
                last: Line | None = None
                for b in block:
                    segs = [s for s in b.segments if (s.x0 >= mid if n else s.x1 <= mid)]
                    if not segs:
                        continue
                    if last is not None and b.top - last.bottom > para_gap * b.size:
                        col.append(blank)
                    col.append(_piece(segs))
                    last = b
                if n and col and out and out[-1][0] != "":
                    out.append(blank)
                out.extend(col)
        joinable, prev, i = False, block[-1], blocks[i]
    return out


def _strip_running(pages: list[list[Line]]) -> list[list[Line]]:
    """Drop running headers/footers (same line at the top or bottom of most pages) and page numbers."""

    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.text.casefold())).strip()

    edge = 2
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({key(x) for x in lines[:edge] + lines[-edge:]})
    repeated = {k for k, n in seen.items() if len(pages) > 1 and n >= max(2, (len(pages) + 1) // 2)}
    kept: list[list[Line]] = []
    for lines in pages:
        n = len(lines)
        keep = []
        for idx, x in enumerate(lines):
            at_edge = idx < edge or idx >= n - edge
            if at_edge and (key(x) in repeated or _PAGE_NO.match(x.text)):
                continue
            keep.append(x)
        kept.append(keep)
    return kept


def lay_out(pages: list[list[Line]]) -> tuple[str, list[Span]]:
    """The text of all pages (one paragraph a line, blank lines between), and the glyphs' spans."""
    pages = _strip_running(pages)
    # The right margin of the running text, for the whole file (a last page may be half empty).
    ends = sorted(x.segments[-1].x1 for lines in pages for x in lines if len(x.segments) == 1)
    right = ends[int(0.95 * (len(ends) - 1))] if ends else 0.0
    # A paragraph break is a gap clearly wider than the usual one between the lines of a paragraph.
    gaps = sorted(
        (b.top - a.bottom) / min(a.size, b.size)
        for lines in pages
        for a, b in zip(lines, lines[1:], strict=False)
        if b.top > a.bottom
    )
    usual = gaps[len(gaps) // 4] if gaps else 0.0
    para_gap = max(PARAGRAPH_GAP, usual + 0.5)
    out: list[_Piece] = []
    for lines in pages:
        for piece in _layout(lines, right, para_gap):
            if piece[0] or (out and out[-1][0]):  # no blank line first, nor two in a row
                out.append(piece)
    while out and not out[-1][0]:
        out.pop()
    text, spans = _cat(out, "\n")
    return text + "\n", spans
