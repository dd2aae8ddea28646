"""Extraction: one read document to its :class:`~ingest.model.PlanRecord`.

Reads: :class:`~ingest.readers.Document` (original + normalised text).
Returns: :class:`~ingest.model.PlanRecord` with evidence offsets into the
original text. Pure: no store, no network, no global state but the cached
gazetteer and campaign scheme.

The document is read the way a person reads it, one part per module, each
returning its values with their evidence: the header block (:mod:`ingest.header`:
number, place and date, type, title), the preamble that says what the plan
carries out ("Thực hiện ...", "Căn cứ ...": :mod:`ingest.references`), the body
that names its issuer (:mod:`ingest.issuer`), other cited documents, campaigns
(:mod:`ingest.campaigns`) and numeric targets (:mod:`ingest.targets`), and the
closing block (:mod:`ingest.closing`: recipients, signature). This module only
puts them together.
"""

from __future__ import annotations

from ingest.campaigns import find_campaigns
from ingest.closing import read_closing
from ingest.header import read_header
from ingest.issuer import read_issuer
from ingest.model import PlanRecord
from ingest.ocr_evidence import locate
from ingest.readers import Document, read_document
from ingest.references import preamble_mentions, references
from ingest.refs import type_of_symbol
from ingest.targets import read_targets


def extract_file(path: str) -> PlanRecord:
    """Read and extract one file; raises :class:`~ingest.errors.DocumentError`."""
    return extract(read_document(path))


def extract(doc: Document) -> PlanRecord:
    """The record of one document (see the module docstring for the reading order)."""
    nt = doc.norm
    t = nt.text
    head = read_header(nt)
    implements_m, based_m = preamble_mentions(t, head.preamble, head.title_span)
    issuer, issuer_ev = read_issuer(nt, head.preamble, head.place_line, head.title, implements_m)
    implements, based_on, cites = references(nt, implements_m, based_m, issuer, head.number)
    campaigns = tuple(find_campaigns(t))
    closing = read_closing(nt)
    targets = read_targets(nt)
    evidence = dict(head.evidence)
    if issuer_ev:
        evidence["/issuer"] = issuer_ev
    if closing.signer_evidence:
        evidence["/signer"] = closing.signer_evidence
    record = PlanRecord(
        source=doc.source,
        doc_type=head.doc_type or type_of_symbol(head.symbol) or "other",
        number=head.number,
        symbol=head.symbol,
        date=head.date,
        title=head.title,
        issuer=issuer,
        implements=implements,
        based_on=based_on,
        cites=cites,
        campaigns=campaigns,
        signer=closing.signer,
        recipients=closing.recipients,
        targets=targets,
        evidence=evidence,
        sha256=doc.sha256,
    )
    return locate(record, doc)  # OCR'd text: evidence placed on its pages
