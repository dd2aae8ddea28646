"""PDF reader: the text layer laid out again as a person reads the page.

Reads: a .pdf path. Returns: the text. Raises :class:`~ingest.errors.DocumentError`
with a one-line reason for an encrypted, empty, scanned (image only) or corrupt file.

Why we lay the lines out ourselves from the characters' positions (pdfminer.six
with no layout analysis) rather than take a library's ``extract_text``: a
Vietnamese plan opens with a two-column block, the issuing organ and "Số
12-KH/HU" on the left, "ĐẢNG CỘNG SẢN VIỆT NAM" and "Bác Ái, ngày 15 tháng 4 năm
2024" on the right, and closes with "Nơi nhận" beside the signature. Sorting by
height (pdfplumber) glues the two columns into one line ("Số 12-KH/HU Bác Ái,
ngày ..."); drawing order (pypdf) depends on the program that wrote the file.
So, page by page:

1. characters are grouped into lines by height, and a line is cut into segments
   where a gap is wider than two characters (a table column or a run of tabs);
2. a run of lines cut at the same gutter is a column block. When its columns
   have a different number of lines (the header, the signature) each column
   is written whole, left then right, so each cell's lines stay together; when
   every line is cut (a grid), it is written row by row, one cell a line, the
   order the .docx reader gives;
3. a vertical gap wider than most of a line is a paragraph break: a blank line;
4. lines repeated at the top or bottom of most pages (running headers and
   footers) and lone page numbers ("3", "- 3 -", "Trang 3", "3/7") are dropped.

Ligatures (ﬁ, ﬂ) are spelt out; combining marks stay with their letter.
"""

from __future__ import annotations

import logging
import re
import statistics
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import DocumentError

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
_LIGATURES = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)}


@dataclass(slots=True)
class _Char:
    text: str
    x0: float
    x1: float
    top: float  # distance from the top of the page
    bottom: float
    size: float


@dataclass(slots=True)
class _Segment:
    x0: float
    x1: float
    text: str


@dataclass(slots=True)
class _Line:
    top: float
    bottom: float
    size: float
    segments: list[_Segment] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)


def _page_chars(page, height: float) -> tuple[list[_Char], int, int]:
    """The upright characters of a page in drawing order, its image count, its unmapped glyphs."""
    from pdfminer.layout import LTChar, LTContainer, LTImage

    chars: list[_Char] = []
    images = unmapped = 0
    stack = [iter(page)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        if isinstance(item, LTChar):
            text = item.get_text()
            if text.startswith("(cid:"):
                unmapped += 1
                continue
            if not item.upright or not text:
                continue  # rotated stamps and watermarks are not the document's text
            if chars and all(unicodedata.combining(c) for c in text):
                chars[-1].text += text  # a tone mark drawn as its own glyph: keep it with its letter
                continue
            size = max(item.size, 1.0)
            chars.append(_Char(text, item.x0, item.x1, height - item.y1, height - item.y0, size))
        elif isinstance(item, LTImage):
            images += 1
        elif isinstance(item, LTContainer):
            stack.append(iter(item))
    return chars, images, unmapped


def _lines(chars: list[_Char]) -> list[_Line]:
    """Group characters into lines by height, then cut each line into segments at wide gaps."""
    rows: list[list[_Char]] = []
    for c in sorted(chars, key=lambda c: (c.top + c.bottom) / 2):
        mid = (c.top + c.bottom) / 2
        if rows:
            last = rows[-1]
            lmid = statistics.fmean((x.top + x.bottom) / 2 for x in last[:8])
            if abs(mid - lmid) <= 0.45 * min(c.size, last[0].size):
                last.append(c)
                continue
        rows.append([c])
    lines: list[_Line] = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        size = statistics.median(c.size for c in row)
        line = _Line(top=min(c.top for c in row), bottom=max(c.bottom for c in row), size=size)
        seg: list[str] = []
        x0 = row[0].x0
        prev: _Char | None = None
        for c in row:
            if prev is not None:
                gap = c.x0 - prev.x1
                if gap > COLUMN_GAP * size:
                    line.segments.append(_Segment(x0, prev.x1, "".join(seg)))
                    seg, x0 = [], c.x0
                elif gap > SPACE_GAP * size and not prev.text.isspace() and not c.text.isspace():
                    seg.append(" ")
            seg.append(c.text)
            prev = c
        assert prev is not None
        line.segments.append(_Segment(x0, prev.x1, "".join(seg)))
        for s in line.segments:
            s.text = re.sub(r"\s+", " ", s.text).strip()
        line.segments = [s for s in line.segments if s.text]
        if line.segments:
            lines.append(line)
    return lines


def _gutter(line: _Line) -> tuple[float, float]:
    """The widest gap between two segments of a cut line."""
    gaps = [(b.x0 - a.x1, a.x1, b.x0) for a, b in zip(line.segments, line.segments[1:], strict=False)]
    _, g0, g1 = max(gaps)
    return g0, g1


class _Columns:
    """A column block being grown: the gutter between the columns and how each column is aligned."""

    def __init__(self, line: _Line) -> None:
        self.g0, self.g1 = _gutter(line)
        self.cols: tuple[list[_Segment], list[_Segment]] = ([], [])
        self._add(line)

    @property
    def mid(self) -> float:
        return (self.g0 + self.g1) / 2

    def _add(self, line: _Line) -> None:
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

    def take(self, line: _Line) -> bool:
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


def _blocks(lines: list[_Line]) -> dict[int, int]:
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


def _wrapped(prev: _Line, line: _Line, right: float) -> bool:
    """True when ``line`` goes on ``prev``'s paragraph: its first word would not fit on ``prev``."""
    if _MARKER.match(line.text):
        return False
    seg = line.segments[0]
    char_w = (seg.x1 - seg.x0) / max(len(seg.text), 1)
    first = seg.text.split(" ", 1)[0]
    return prev.segments[-1].x1 + (len(first) + 1) * char_w > right - 0.5 * line.size


def _join(a: str, b: str) -> str:
    """Join a wrapped line to the next: "70-" + "KL/TW" stays one word, others get a space."""
    return a + b if re.search(r"\w-$", a) else f"{a} {b}"


def _layout(lines: list[_Line], right: float, para_gap: float) -> list[str]:
    """A page's lines as text: column blocks unfolded, paragraph gaps as blank lines, wraps joined."""
    out: list[str] = []
    blocks = _blocks(lines)
    prev: _Line | None = None
    joinable = False  # out[-1] is a line of running text that may go on
    i = 0
    while i < len(lines):
        line = lines[i]
        if prev is not None and line.top - prev.bottom > para_gap * min(line.size, prev.size):
            out.append("")
            joinable = False
        if i not in blocks:
            if joinable and prev is not None and _wrapped(prev, line, right):
                out[-1] = _join(out[-1], line.text)
            else:
                out.append(line.text)
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
                out.extend(s.text for s in b.segments)
        else:  # columns of their own: each column whole, left then right, a blank line between
            for n in (0, 1):
                col: list[str] = []
                last: _Line | None = None
                for b in block:
                    texts = [s.text for s in b.segments if (s.x0 >= mid if n else s.x1 <= mid)]
                    if not texts:
                        continue
                    if last is not None and b.top - last.bottom > para_gap * b.size:
                        col.append("")
                    col.append(" ".join(texts))
                    last = b
                if n and col and out and out[-1] != "":
                    out.append("")
                out.extend(col)
        joinable, prev, i = False, block[-1], blocks[i]
    return out


def _strip_running(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drop running headers/footers (same line at the top or bottom of most pages) and page numbers."""

    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.text.casefold())).strip()

    edge = 2
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({key(x) for x in lines[:edge] + lines[-edge:]})
    repeated = {k for k, n in seen.items() if len(pages) > 1 and n >= max(2, (len(pages) + 1) // 2)}
    kept: list[list[_Line]] = []
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


def _open_error(path: Path, e: Exception) -> DocumentError:
    """The one-line reason for a PDF that pdfminer cannot open or parse."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if isinstance(e, PDFPasswordIncorrect):
        return DocumentError(str(path), "encrypted PDF: it needs a password to open")
    if isinstance(e, PDFEncryptionError):
        return DocumentError(str(path), "encrypted PDF: unsupported encryption")
    detail = " ".join(str(e).split())[:80]
    return DocumentError(str(path), f"corrupt PDF: {type(e).__name__}{': ' + detail if detail else ''}")


def read_pdf(path: Path) -> str:
    """The text layer of a PDF, laid out line by line (see the module's docstring)."""
    with open(path, "rb") as f:
        head = f.read(1024)
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 1024))
        tail = f.read()
    if b"%PDF-" not in head:
        raise DocumentError(str(path), "not a PDF file (no %PDF- signature)")
    if b"%%EOF" not in tail:
        raise DocumentError(str(path), "corrupt PDF: truncated (no %%EOF at the end)")

    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    pages: list[list[_Line]] = []
    images = unmapped = 0
    # pdfminer warns and logs about every oddity of real files; they are not ours to show.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with warnings.catch_warnings(), open(path, "rb") as fp:
        warnings.simplefilter("ignore")
        try:
            rm = PDFResourceManager(caching=True)
            device = PDFPageAggregator(rm, laparams=None)
            interpreter = PDFPageInterpreter(rm, device)
            for page in PDFPage.get_pages(fp):
                interpreter.process_page(page)
                layout = device.get_result()
                chars, n_img, n_cid = _page_chars(layout, layout.height)
                images += n_img
                unmapped += n_cid
                pages.append(_lines(chars))
        except DocumentError:
            raise
        except Exception as e:  # pdfminer raises many kinds (PSEOF, KeyError, TypeError ...) on bad files
            raise _open_error(path, e) from e
    if not pages:
        raise DocumentError(str(path), "empty PDF: no pages")
    if not any(pages):
        if unmapped:
            raise DocumentError(str(path), "PDF text cannot be decoded (fonts without a Unicode map)")
        if images:
            raise DocumentError(str(path), "no text layer (scanned?); OCR is not supported")
        raise DocumentError(str(path), "empty PDF: no text on any page")
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
    out: list[str] = []
    for lines in pages:
        out.extend(_layout(lines, right, para_gap))
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    return "".join(_LIGATURES.get(ch, ch) for ch in text)
