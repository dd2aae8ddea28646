"""Readers: a file on disk to a :class:`Document` of original and normalised text.

Reads: a path (.txt, .md, .docx, .pdf; each suffix has its function in ``READERS``).
Returns: :class:`Document`. Raises :class:`~ingest.errors.DocumentError` with a
one-line reason for a missing, empty, binary, undecodable, encrypted, scanned or
corrupt file, and never anything else, so that an ingest of thousands can report
it and go on. The .docx and .pdf readers live in their own modules
(``docx_reader``, ``pdf_reader``) and import their libraries only when used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import DocumentError
from ingest.text import NormalizedText, normalize_document


@dataclass(frozen=True, slots=True)
class Document:
    source: str  # the path as given
    raw: str  # the original text, offsets of evidence point here
    norm: NormalizedText
    sha256: str


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise DocumentError(str(path), "binary file, not text")
    for enc in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DocumentError(str(path), "not valid UTF-8 text")


def _read_docx(path: Path) -> str:
    from ingest.docx_reader import read_docx  # python-docx is loaded only when a .docx comes

    return read_docx(path)


def _read_pdf(path: Path) -> str:
    from ingest.pdf_reader import read_pdf  # pdfminer.six is loaded only when a .pdf comes

    return read_pdf(path)


# Suffix -> function returning the document's text.
READERS: dict[str, Callable[[Path], str]] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
}


def supported(path: Path) -> bool:
    return path.suffix.lower() in READERS


def read_document(path: str | Path) -> Document:
    """Read one file into a :class:`Document`; raise DocumentError with the reason."""
    p = Path(path)
    if not p.exists():
        raise DocumentError(str(path), "no such file")
    if p.is_dir():
        raise DocumentError(str(path), "is a folder, not a document")
    reader = READERS.get(p.suffix.lower())
    if reader is None:
        kinds = ", ".join(sorted(READERS))
        raise DocumentError(str(path), f"unsupported file type {p.suffix or '(none)'!r}; expected {kinds}")
    try:
        raw = reader(p)
    except DocumentError:
        raise
    except OSError as e:
        raise DocumentError(str(path), f"cannot read: {e.strerror or e}") from e
    except Exception as e:  # a reader's library failing on a file it did not expect: still one line
        kind = p.suffix.lower().lstrip(".")
        raise DocumentError(str(path), f"unreadable .{kind} file ({type(e).__name__})") from e
    if not raw.strip():
        raise DocumentError(str(path), "empty document: no text")
    sha = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    return Document(source=str(path), raw=raw, norm=normalize_document(raw), sha256=sha)
