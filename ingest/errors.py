"""Errors of the ingest stage.

IngestError
 └── DocumentError(path, reason)   one document cannot be read or understood;
      │                            an ingest of many reports it and goes on.
      └── NeedsOcr(path, reason)   a PDF whose pages are pictures (no usable text
                                   layer): the readers send it to OCR, and only
                                   when OCR cannot run does it reach the user.
"""

from __future__ import annotations


class IngestError(Exception):
    """Base of every error the ingest stage raises on purpose."""


class DocumentError(IngestError):
    """One document could not be read: carries the path and a one-line reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class NeedsOcr(DocumentError):
    """A PDF with no usable text layer (scanned pages): its text must come from OCR."""
