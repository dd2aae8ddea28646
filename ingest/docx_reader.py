"""Word (.docx) reader: the document's text in reading order, one paragraph a line.

Reads: a .docx path. Returns: the text. Raises :class:`~ingest.errors.DocumentError`
with a one-line reason for a file that is not a readable Word document.

Why our own walk over the XML instead of ``python-docx``'s ``Document.paragraphs``:
a Vietnamese plan puts its most important lines (issuing organ, "Số 12-KH/HU",
"Bác Ái, ngày 15 tháng 4 năm 2024", the signer) in a borderless TABLE or in text
boxes, which ``paragraphs`` skips. We walk ``w:body`` in document order instead:

- a paragraph is one line (its runs, tabs as ``\\t``, line breaks as ``\\n``);
  an empty paragraph is an empty line, as a person sees it;
- a table is read row by row and cell by cell, each cell's paragraphs together,
  so the left cell of the two-column header ("ĐẢNG BỘ ... / Số 12-KH/HU") never
  interleaves with the right one ("ĐẢNG CỘNG SẢN VIỆT NAM / ... ngày ...");
  a vertically merged cell is read once;
- text boxes (``w:txbxContent``) are read where they are anchored, and only one
  of the two copies Word writes (``mc:Choice``, not the VML ``mc:Fallback``);
- deleted revisions (``w:delText``), field codes (``w:instrText``) are not text;
  inserted revisions, hyperlinks and content controls are.

The page headers of each section come first (a header rarely carries facts,
but when it does it is the organ's name); page footers are left out: they are
page numbers and file names, and would land after the signature block, where
the signer and the recipients are read.

python-docx opens the package (relationships, the main part, content type) with
an XML parser that does not resolve entities; nothing here writes.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ingest.errors import DocumentError

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# A zip whose parts unpack to more than this is refused before parsing (a zip bomb).
MAX_UNPACKED = 200 * 1024 * 1024
# A header line that is only a page number ("1", "- 2 -", "Trang 3") says nothing.
_PAGE_NO = re.compile(r"^\W*(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?\W*$", re.IGNORECASE)


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _T, _TAB, _BR, _CR = map(_w, ("p", "tbl", "tr", "tc", "t", "tab", "br", "cr"))
_TXBX, _VMERGE, _TCPR, _NOBREAK = map(_w, ("txbxContent", "vMerge", "tcPr", "noBreakHyphen"))
_SKIP = {_w("delText"), _w("instrText"), _w("pPr"), _w("rPr"), _w("del"), _w("sectPr")}
_FALLBACK = f"{{{_MC}}}Fallback"


class _Walker:
    """Collects the lines of a body, a header or a cell, in document order."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def block(self, el) -> None:
        """A container of paragraphs and tables (body, cell, header, text box)."""
        for child in el:
            tag = child.tag
            if tag == _P:
                self.paragraph(child)
            elif tag == _TBL:
                self.table(child)
            elif tag in _SKIP or tag == _FALLBACK or not isinstance(tag, str):
                continue
            else:  # w:sdt, w:sdtContent, w:customXml, mc:AlternateContent ...: look inside
                self.block(child)

    def table(self, tbl) -> None:
        for tr in tbl.iter(_TR):
            if _enclosing(tr, _TBL) is not tbl:
                continue  # a nested table's row: read through its own cell
            for tc in tr:
                if tc.tag != _TC:
                    continue
                merge = tc.find(f"{_TCPR}/{_VMERGE}")
                if merge is not None and merge.get(_w("val"), "continue") == "continue":
                    continue  # the lower part of a vertically merged cell: read once
                self.block(tc)

    def paragraph(self, p) -> None:
        parts: list[str] = []
        boxes: list = []
        self._inline(p, parts, boxes)
        self.lines.append("".join(parts))
        for box in boxes:  # text boxes anchored in this paragraph, after its own text
            self.block(box)

    def _inline(self, el, parts: list[str], boxes: list) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP or tag == _FALLBACK:
                continue
            if tag == _T:
                parts.append(child.text or "")
            elif tag == _TAB:
                parts.append("\t")
            elif tag in (_BR, _CR):
                if child.get(_w("type")) in (None, "textWrapping"):
                    parts.append("\n")
            elif tag == _NOBREAK:
                parts.append("-")
            elif tag == _TXBX:
                boxes.append(child)
            else:  # runs, hyperlinks, smart tags, inserted revisions, drawings
                self._inline(child, parts, boxes)


def _enclosing(el, tag: str):
    """The nearest ancestor of ``el`` with ``tag`` (lxml has no typed ``closest``)."""
    parent = el.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _check_zip(path: Path) -> None:
    """Refuse what is not a zip, a broken zip, or a zip bomb, with a short reason."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if "[Content_Types].xml" not in z.namelist():
                raise DocumentError(str(path), "not a Word document: a zip without [Content_Types].xml")
            if sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise DocumentError(str(path), "too large once unpacked (zip bomb?)")
            bad = z.testzip()
            if bad is not None:
                raise DocumentError(str(path), f"corrupt .docx: damaged part {bad}")
    except zipfile.BadZipFile as e:
        raise DocumentError(str(path), "corrupt .docx: not a valid zip package") from e
    except (zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as e:
        raise DocumentError(str(path), f"corrupt .docx: {type(e).__name__}") from e


def read_docx(path: Path) -> str:
    """The text of a .docx: section headers, then the body in document order."""
    _check_zip(path)
    import docx  # python-docx; imported here so .txt-only use does not need it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except PackageNotFoundError as e:
        raise DocumentError(str(path), "not a Word document (no main document part)") from e
    except ValueError as e:  # "file ... is not a Word file, content type is ..."
        reason = str(e).split(", ")[-1] if "content type" in str(e) else "not a Word document"
        raise DocumentError(str(path), f"not a .docx Word document: {reason}") from e
    except KeyError as e:
        raise DocumentError(str(path), f"corrupt .docx: missing part {e}") from e
    except Exception as e:  # lxml XMLSyntaxError and friends: a damaged part
        raise DocumentError(str(path), f"corrupt .docx: {type(e).__name__}") from e

    head: list[str] = []
    related = document.part.related_parts
    for sect in document.element.body.iter(_w("sectPr")):
        for ref in sect.iter(_w("headerReference")):
            part = related.get(ref.get(f"{{{_R}}}id"))
            if part is None:
                continue
            walker = _Walker()
            walker.block(part.element)
            for line in walker.lines:
                if line.strip() and not _PAGE_NO.match(line.strip()) and line not in head:
                    head.append(line)
    body = _Walker()
    body.block(document.element.body)
    lines = head + ([""] if head else []) + body.lines
    return "\n".join(lines).strip("\n") + "\n"
