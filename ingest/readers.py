"""Readers: a file on disk to a :class:`Document` of original and normalised text.

Reads: a path (.txt, .md now; .docx and .pdf plug in through ``READERS``).
Returns: :class:`Document`. Raises :class:`~ingest.errors.DocumentError` with a
one-line reason for a missing, empty, binary or undecodable file, so that an
ingest of thousands can report it and go on.
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


# Suffix -> function returning the document's text. .docx/.pdf readers register here.
READERS: dict[str, Callable[[Path], str]] = {".txt": _read_text, ".md": _read_text}


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
    if not raw.strip():
        raise DocumentError(str(path), "empty document: no text")
    sha = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    return Document(source=str(path), raw=raw, norm=normalize_document(raw), sha256=sha)
