"""Readers: a file on disk to a :class:`Document` of original and normalised text.

Reads: a path. Each suffix has its reader in ``READERS``: text (.txt, .md; any
Unicode form and the legacy Vietnamese encodings, :mod:`ingest.encodings`),
Word (.docx, :mod:`ingest.docx_reader`), PDF (.pdf, its text layer,
:mod:`ingest.pdf_reader`; a scan through OCR), images (.png, .jpg/.jpeg,
.tif/.tiff, through OCR, :mod:`ingest.ocr`), legacy office files (.doc, .odt,
.rtf, converted by LibreOffice, :mod:`ingest.office`) and saved web pages
(.html, .htm, :mod:`ingest.html_reader`).

Returns: :class:`Document`; an OCR'd document also carries its
:class:`~ingest.layout.PageMap` (offsets -> page and box) and the seconds each
page took. Raises :class:`~ingest.errors.DocumentError` with a one-line reason
for a missing, empty, binary, undecodable, encrypted, corrupt or oversized
file, or one whose tool is not installed (the reason names the Debian
package), and never anything else, so that an ingest of thousands can report it
and go on. Libraries are imported only when their format comes.

Limits (environment, read at each call): ``LINEAGE_MAX_FILE_MB`` (default 100)
on the file, ``LINEAGE_MAX_TEXT_CHARS`` (2,000,000) on the text read,
``LINEAGE_MAX_LINE_CHARS`` (100,000) on one line of it: a plan is some 10-100
thousand characters, and what is far bigger is not a document but costs every
later stage its time and memory.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import DocumentError, NeedsOcr
from ingest.layout import PageMap
from ingest.text import NormalizedText, normalize_document

__all__ = ["Document", "READERS", "limits", "ocr_jobs", "read_document", "supported"]


@dataclass(frozen=True, slots=True)
class Document:
    source: str  # the path as given (a name's bytes that are not UTF-8 as U+FFFD)
    raw: str  # the original text, offsets of evidence point here
    norm: NormalizedText
    sha256: str
    # OCR'd text only: offsets of ``raw`` -> (page, box), and the seconds each page took
    layout: PageMap | None = None
    ocr_seconds: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class _Read:
    text: str
    layout: PageMap | None = None
    ocr_seconds: tuple[float, ...] = ()


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


def limits() -> tuple[int, int, int]:
    """(file bytes, text characters, line characters) a reader accepts."""
    return (
        _env_int("LINEAGE_MAX_FILE_MB", 100) * 1024 * 1024,
        _env_int("LINEAGE_MAX_TEXT_CHARS", 2_000_000),
        _env_int("LINEAGE_MAX_LINE_CHARS", 100_000),
    )


def _read_text(path: Path) -> _Read:
    from ingest.encodings import decode_text

    max_chars = limits()[1]
    if path.stat().st_size > 4 * max_chars:  # over the text limit whatever the encoding
        raise DocumentError(str(path), f"text file over the limit of {max_chars:,} characters")
    return _Read(decode_text(path.read_bytes(), str(path)))


def _read_docx(path: Path) -> _Read:
    from ingest.docx_reader import read_docx  # python-docx is loaded only when a .docx comes

    return _Read(read_docx(path))


def _ocr(path: Path) -> _Read:
    from ingest.ocr import ocr_file

    result = ocr_file(path)
    return _Read(result.text, result.map, tuple(p.seconds for p in result.pages))


def _read_pdf(path: Path) -> _Read:
    from ingest.pdf_reader import read_pdf  # pdfminer.six is loaded only when a .pdf comes

    try:
        return _Read(read_pdf(path))
    except NeedsOcr as e:
        why = e.reason
    try:
        return _ocr(path)  # a tool is needed only for the pages not in the OCR cache
    except DocumentError as e:
        if "(Debian package " in e.reason:  # say first why OCR was needed at all
            raise DocumentError(str(path), f"{why}; {e.reason}") from e
        raise


def _read_image(path: Path) -> _Read:
    try:
        return _ocr(path)
    except DocumentError as e:
        if "(Debian package " in e.reason:
            raise DocumentError(str(path), f"an image is read by OCR; {e.reason}") from e
        raise


def _read_office(path: Path) -> _Read:
    from ingest.office import read_office  # LibreOffice converts; started on the first such file

    return _Read(read_office(path))


def _read_html(path: Path) -> _Read:
    from ingest.html_reader import read_html

    max_chars = limits()[1]
    if path.stat().st_size > 8 * max_chars:  # markup is several times its text, but not more
        raise DocumentError(str(path), f"web page over the limit of {8 * max_chars:,} bytes")
    return _Read(read_html(path))


# Suffix -> function returning the document's text.
READERS: dict[str, Callable[[Path], _Read]] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".png": _read_image,
    ".jpg": _read_image,
    ".jpeg": _read_image,
    ".tif": _read_image,
    ".tiff": _read_image,
    ".doc": _read_office,
    ".odt": _read_office,
    ".rtf": _read_office,
    ".html": _read_html,
    ".htm": _read_html,
}


def supported(path: Path) -> bool:
    return path.suffix.lower() in READERS


def ocr_jobs(path: str | Path) -> list[tuple[str, int, str]]:
    """The OCR work a file needs, one ``(path, page index, file sha256)`` per page; [] when none.

    For a worker pool that spreads a scan's pages over its processes: map
    :func:`ingest.ocr.ocr_page` over these (``ocr_page(*job)``), then
    :func:`read_document` (or ``extract_file``) lays the cached pages out, OCR'ing
    nothing again. A file that cannot be read gives [] (its reading says why).
    """
    from ingest.ocr import IMAGE_SUFFIXES, file_sha256, page_count

    p = Path(path)
    kind = p.suffix.lower()
    try:
        if kind == ".pdf":
            from ingest.pdf_reader import read_pdf

            try:
                read_pdf(p)
                return []
            except NeedsOcr:
                pass
        elif kind not in IMAGE_SUFFIXES:
            return []
        _check_size(p)
        sha = file_sha256(p)
        return [(str(path), i, sha) for i in range(page_count(p))]
    except Exception:  # unreadable: read_document gives the reason
        return []


def _check_size(path: Path) -> None:
    max_bytes = limits()[0]
    size = path.stat().st_size
    if size == 0:
        raise DocumentError(str(path), "empty document: the file is empty")
    if size > max_bytes:
        raise DocumentError(
            str(path), f"file of {size / 2**20:,.0f} MB is over the limit of {max_bytes // 2**20} MB"
        )


def _check_text(path: Path, raw: str) -> None:
    _, max_chars, max_line = limits()
    if not raw.strip():
        raise DocumentError(str(path), "empty document: no text")
    if len(raw) > max_chars:
        raise DocumentError(str(path), f"text of {len(raw):,} characters is over the limit of {max_chars:,}")
    longest = max(map(len, raw.split("\n")))
    if longest > max_line:
        raise DocumentError(
            str(path), f"a line of {longest:,} characters is over the limit of {max_line:,} (not a document?)"
        )


def _source(path: str | Path) -> str:
    """The path as given, as text a graph can hold: bytes of a file name that are not UTF-8
    (kept by Python as lone surrogates, which no UTF-8 output can write) become U+FFFD."""
    name = str(path)
    return name if name.isascii() else os.fsencode(name).decode("utf-8", "replace")


def read_document(path: str | Path) -> Document:
    """Read one file into a :class:`Document`; raise DocumentError with the reason."""
    p = Path(path)
    try:
        if not p.exists():
            raise DocumentError(str(path), "no such file")
        if p.is_dir():
            raise DocumentError(str(path), "is a folder, not a document")
        reader = READERS.get(p.suffix.lower())
        if reader is None:
            kinds = ", ".join(sorted(READERS))
            suffix = p.suffix or "(none)"
            raise DocumentError(str(path), f"unsupported file type {suffix!r}; expected {kinds}")
        if not p.is_file():
            raise DocumentError(str(path), "not a regular file (a FIFO, a socket or a device)")
        _check_size(p)
        with warnings.catch_warnings():  # a library's remarks on a damaged file are not output
            warnings.simplefilter("ignore")
            got = reader(p)
    except DocumentError:
        raise
    except OSError as e:
        raise DocumentError(str(path), f"cannot read: {e.strerror or e}") from e
    except MemoryError as e:
        raise DocumentError(str(path), "too large to read in memory") from e
    except Exception as e:  # a reader's library failing on a file it did not expect: still one line
        kind = p.suffix.lower().lstrip(".")
        raise DocumentError(str(path), f"unreadable .{kind} file ({type(e).__name__})") from e
    raw = got.text
    _check_text(p, raw)
    sha = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    return Document(
        source=_source(path),
        raw=raw,
        norm=normalize_document(raw),
        sha256=sha,
        layout=got.layout,
        ocr_seconds=got.ocr_seconds,
    )
