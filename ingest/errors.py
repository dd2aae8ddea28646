"""Errors of the ingest stage.

IngestError
 └── DocumentError(path, reason)   one document cannot be read or understood;
                                   an ingest of many reports it and goes on.
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
