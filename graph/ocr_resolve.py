"""References misread by OCR resolved to the known document they name: "247-KH/TU" for "241-KH/TU".

Reads: the key of a reference stated by a record whose text came from OCR
(``text_source == "ocr"``), and the catalogue of known document keys. Returns: the one
known key the reference must mean, or None; and the reference's evidence marked as so
resolved (basis ``inferred``, confidence lowered, method ``+ocr-number``).

The rule: a complete key (place, body and year all read) that no known document has
is compared with the known keys of the same place, body and type that differ by one
character OCR confuses, either in the number (0/6/8/9/o, 1/7/l/i: the slug is lower
case, and Đ/D fold to the same letter) or in the year (the key's year: a date's year
misread). Exactly one such key: the reference is taken to mean it. None, or several:
the reference stays as read (a stub of its own), as for any other text.

Why graph-side: only the graph knows which documents exist; the extractor reports
what the page says. Why only OCR'd records: a typed "247" is what the author wrote.
A misread reference is not catalogued as a document of its own (see
:func:`graph.sources.stated_keys`), so it cannot make its own misreading "known".
Limits: the key holds the year, not the day, so "the same date" is checked to the
year; a misread reference whose document is ingested in a *later* batch stays a stub
until its citing scan is ingested again.
"""

from __future__ import annotations

from dataclasses import replace

from graph.identity import UNKNOWN, Catalogue, DocKey
from ingest import ocr_sense
from ingest.model import Evidence

__all__ = ["CONFIDENCE", "look_alikes", "misread", "resolved_evidence"]

# Characters of a number slug or a year OCR takes for one another.
_CLASSES = ("0689o", "17li")
# The confidence a link so resolved keeps, as a share of its reading's.
CONFIDENCE = 0.6


def look_alikes(text: str) -> set[str]:
    """``text`` with one character of a number slug or a year changed for a look-alike."""
    return ocr_sense.look_alikes(text, _CLASSES)


def misread(catalogue: Catalogue | None, key: DocKey) -> DocKey | None:
    """The one known key ``key`` (read by OCR, known to no document) means, or None."""
    if catalogue is None or UNKNOWN in key.parts or key.number.startswith("n-"):
        return None
    if key in catalogue.candidates(key.doc_type, key.number):
        return None  # known as read
    place = (key.jurisdiction, key.body, key.year)
    found = {
        c
        for number in look_alikes(key.number)
        for c in catalogue.candidates(key.doc_type, number)
        if (c.jurisdiction, c.body, c.year) == place
    }
    known = set(catalogue.candidates(key.doc_type, key.number))
    found |= {key.with_year(y) for y in look_alikes(key.year) if key.with_year(y) in known}
    return next(iter(found)) if len(found) == 1 else None


def resolved_evidence(ev: Evidence | None) -> Evidence:
    """The evidence of a reference resolved by :func:`misread`."""
    if ev is None:
        return Evidence(0, 0, "ocr-number", CONFIDENCE, "inferred")
    confidence = round(ev.confidence * CONFIDENCE, 3)
    return replace(ev, basis="inferred", confidence=confidence, method=ev.method + "+ocr-number")
