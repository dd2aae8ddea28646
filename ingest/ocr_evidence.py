"""Evidence of OCR'd text placed on its page: offsets plus the page and the boxes they were read from.

Reads: a :class:`~ingest.model.PlanRecord` and the :class:`~ingest.readers.Document` it was
extracted from. Returns: the record, unchanged when the text was not OCR'd; otherwise
its target years checked for sense (:mod:`ingest.ocr_sense`), marked
``text_source="ocr"``, and every evidence (header fields, references and their
chains, targets) given its :class:`~ingest.model.PagePlace`: the page (from 1), the box
of each line the span covers, in pixels of the page as rendered (``dpi``, width, height).

Why: a researcher checking a field read from a scan wants to see it on the paper, not
only in the OCR text (which may be wrong); the plan page draws these boxes over the
page image. The boxes come from :meth:`ingest.layout.PageMap.locate`; a span that runs
onto a second page keeps the page where it starts.
"""

from __future__ import annotations

from dataclasses import replace

from ingest.layout import PageMap
from ingest.model import Evidence, PagePlace, PlanRecord, Ref
from ingest.ocr_sense import sensible_years
from ingest.readers import Document

__all__ = ["locate", "place_of"]


def place_of(layout: PageMap, start: int, end: int) -> PagePlace | None:
    """The page and line boxes of ``[start, end)`` of the OCR'd text, or None when it has none."""
    found = layout.locate(start, end)
    if not found:
        return None
    page = found[0][0]
    width, height = layout.sizes[page]
    boxes = tuple(
        (round(x0), round(top), round(x1), round(bottom)) for p, (x0, top, x1, bottom) in found if p == page
    )
    return PagePlace(page + 1, width, height, layout.dpi, boxes)


def _placed(ev: Evidence | None, layout: PageMap) -> Evidence | None:
    if ev is None or ev.end <= ev.start:
        return ev
    return replace(ev, page=place_of(layout, ev.start, ev.end))


def _refs(refs: tuple[Ref, ...], layout: PageMap) -> tuple[Ref, ...]:
    return tuple(
        replace(r, evidence=_placed(r.evidence, layout), implements=_refs(r.implements, layout)) for r in refs
    )


def locate(record: PlanRecord, doc: Document) -> PlanRecord:
    """``record`` with its evidence placed on the pages of ``doc`` when ``doc`` was OCR'd."""
    layout = doc.layout
    if layout is None:
        return record
    record = sensible_years(record, doc.raw)
    return replace(
        record,
        text_source="ocr",
        evidence={k: _placed(v, layout) or v for k, v in record.evidence.items()},
        implements=_refs(record.implements, layout),
        based_on=_refs(record.based_on, layout),
        cites=_refs(record.cites, layout),
        targets=tuple(replace(t, evidence=_placed(t.evidence, layout)) for t in record.targets),
    )
