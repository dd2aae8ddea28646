"""PDF reader: the text layer laid out again as a person reads the page.

Reads: a .pdf path. Returns: the text. Raises :class:`~ingest.errors.DocumentError`
with a one-line reason for an encrypted, empty, scanned (image only) or corrupt file.

Why we lay the lines out ourselves from the characters' positions (pdfminer.six
with no layout analysis) rather than take a library's ``extract_text``: a
Vietnamese plan opens with a two-column block (the issuing organ and "Số
12-KH/HU" on the left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date on the
right) and closes with "Nơi nhận" beside the signature. Sorting by height
(pdfplumber) glues the two columns into one line ("Số 12-KH/HU Bác Ái, ngày
..."); drawing order (pypdf) depends on the program that wrote the file. So the
characters go to :mod:`ingest.layout`, which the OCR reader shares, and which
keeps each column whole and joins wrapped lines.

A file whose pages carry images and no usable text (no text layer, or one
that is not language: see :func:`ingest.encodings.garbled`) raises
:class:`~ingest.errors.NeedsOcr`, which the readers turn into OCR.

A text layer set in a TCVN3 font (.VnTime, read as "KÕ ho¹ch") is turned into
Unicode (:func:`ingest.encodings.tcvn3_font_text`).

Ligatures (ﬁ, ﬂ) are spelt out; combining marks stay with their letter.
"""

from __future__ import annotations

import logging
import unicodedata
import warnings
from pathlib import Path

from ingest.encodings import garbled, tcvn3_font_text
from ingest.errors import DocumentError, NeedsOcr
from ingest.layout import Glyph, Line, lay_out, lines_of

# A horizontal gap wider than this many font sizes starts a new segment (column).
# A PDF with pictures and fewer characters of text than this a page is a scan (a stamp or a page
# number is all its text layer holds).
THIN_TEXT = 40
_LIGATURES = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)}


def _page_chars(page, height: float) -> tuple[list[Glyph], int, int]:
    """The upright characters of a page in drawing order, its image count, its unmapped glyphs."""
    from pdfminer.layout import LTChar, LTContainer, LTImage

    chars: list[Glyph] = []
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
            chars.append(Glyph(text, item.x0, item.x1, height - item.y1, height - item.y0, size))
        elif isinstance(item, LTImage):
            images += 1
        elif isinstance(item, LTContainer):
            stack.append(iter(item))
    return chars, images, unmapped


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

    pages: list[list[Line]] = []
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
                pages.append(lines_of(chars))
        except DocumentError:
            raise
        except Exception as e:  # pdfminer raises many kinds (PSEOF, KeyError, TypeError ...) on bad files
            raise _open_error(path, e) from e
    if not pages:
        raise DocumentError(str(path), "empty PDF: no pages")
    if not any(pages):
        if unmapped:
            raise NeedsOcr(str(path), "PDF text cannot be decoded (fonts without a Unicode map)")
        if images:
            raise NeedsOcr(str(path), "no text layer (scanned?)")
        raise DocumentError(str(path), "empty PDF: no text on any page")
    text, _ = lay_out(pages)
    text = "".join(_LIGATURES.get(ch, ch) for ch in text)
    if garbled(text):
        fixed = tcvn3_font_text(text)
        if fixed is not None:
            return fixed
    if images and (garbled(text) or len(text.strip()) < THIN_TEXT * len(pages)):
        raise NeedsOcr(str(path), "text layer is not readable text (a bad OCR layer?)")
    return text
