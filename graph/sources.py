"""What a record says of itself before its graph is built: its source hash and the keys it states.

Reads: an :class:`ingest.model.PlanRecord`. Returns: the SHA-256 naming its
source (and so its named graph), the complete document keys it states, and a
walk over its references (chains included) and their evidence; and what a client
may learn of where it came from (:func:`public_source`).

Why apart from :mod:`graph.rdf`: a bulk ingest's first pass needs only these
(which graph a file becomes, which keys to catalogue before any graph is
built), and the writer needs them too; neither should pay for the other.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import PurePosixPath, PureWindowsPath

from graph.identity import UNKNOWN, DocKey, doc_key
from ingest.model import Evidence, PlanRecord, Ref

__all__ = ["all_evidence", "public_source", "source_sha", "stated_keys", "stated_ref_keys", "walk"]


def public_source(source: str | None) -> str | None:
    """The file name of a record's source, without the folders of the machine that read it.

    A record keeps the path it was read from (``lineage extract`` prints it as given);
    what the store keeps and the API serves is the name alone: the layout of the
    ingesting machine is nobody's business, and the curation file names documents
    by file name too. Either separator is cut (a store may come from Windows)."""
    if not source:
        return source
    return PureWindowsPath(PurePosixPath(source).name).name or None


def source_sha(record: PlanRecord) -> str:
    """The source's SHA-256, or the hash of its record JSON when unknown."""
    if record.sha256:
        return record.sha256
    blob = json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def stated_ref_keys(record: PlanRecord) -> list[DocKey]:
    """The complete keys of the documents a record's references fully name (chains included)."""
    return [
        k
        for r in walk(record.implements + record.based_on + record.cites)
        if UNKNOWN not in (k := doc_key(r.doc_type, r.number, r.issuer, r.date, r.title)).parts
    ]


def stated_keys(record: PlanRecord) -> list[DocKey]:
    """The complete keys a record states: its own and those of the documents it fully names.

    A bulk ingest puts them in the catalogue before building any graph, so a
    partial mention ("Kế hoạch 241-KH/TU", no date) anywhere in the batch lands
    on the document whatever the order of the files. A record read by OCR states only
    its own key: the numbers of its references may be misread.
    """
    own = doc_key(record.doc_type, record.number, record.issuer, record.date, record.title)
    if record.text_source == "ocr":  # a misread reference must not make itself known (graph.ocr_resolve)
        return [own] if UNKNOWN not in own.parts else []
    return ([own] if UNKNOWN not in own.parts else []) + stated_ref_keys(record)


def walk(refs: tuple[Ref, ...]) -> Iterator[Ref]:
    """Each reference, then the chain inside it ("474 ... thực hiện 241 ... thực hiện KL70")."""
    for r in refs:
        yield r
        yield from walk(r.implements)


def all_evidence(record: PlanRecord) -> Iterator[Evidence]:
    """The evidence of every field and every reference of a record."""
    yield from record.evidence.values()
    for r in walk(record.implements + record.based_on + record.cites):
        if r.evidence:
            yield r.evidence
