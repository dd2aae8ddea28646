"""Ingest: documents on disk to extracted records (the first stage).

Reads files; returns :class:`~ingest.model.PlanRecord` values. Imports nothing
from the later stages (graph, api, viz).
"""

from ingest import curation
from ingest.curation import extract_curated
from ingest.errors import DocumentError, IngestError
from ingest.extract import extract, extract_file
from ingest.model import Evidence, Issuer, PlanRecord, Ref, Signer, Target
from ingest.readers import Document, read_document, supported

__all__ = [
    "curation",
    "Document",
    "DocumentError",
    "Evidence",
    "IngestError",
    "Issuer",
    "PlanRecord",
    "Ref",
    "Signer",
    "Target",
    "extract",
    "extract_curated",
    "extract_file",
    "read_document",
    "supported",
]
