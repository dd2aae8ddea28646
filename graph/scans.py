"""The scanned pages of an ingested plan: which page images exist, and each one's JPEG.

Reads: the text store beside the graph (:mod:`graph.texts`: which file each plan id was
read from, and, for a scan, the file's SHA-256, OCR settings and page sizes) and the
OCR cache (:mod:`ingest.ocr_pages`). Returns: :func:`scan_of` the pages of a plan's
scan (sizes in the pixels its evidence boxes are in), :func:`page_image` one page as
JPEG bytes; None whenever the plan was not ingested from a scan, the page does not
exist, or its image can be had neither from the cache nor from the scanned file.

Why here and not in the API: the view and the route both need it, and neither may read
the text store or the cache on its own (data flows graph -> api/viz).
"""

from __future__ import annotations

from typing import Any

from graph.texts import TextStore
from ingest.ocr_pages import page_preview

__all__ = ["MAX_PAGES", "page_image", "scan_of"]

# Pages of one scan the route serves (a plan is a few pages; a bound for what a client may ask).
MAX_PAGES = 500


def scan_of(texts: TextStore | None, pid: str) -> dict[str, Any] | None:
    """``{"pages": n, "sizes": [(w, h), ...], "dpi": d, ...}`` of the scan plan ``pid`` was read from."""
    if texts is None:
        return None
    try:
        sha = texts.docs_of([pid]).get(pid)
        return texts.scan(sha) if sha else None
    except Exception:  # the text store is an extra: a broken one means no page images
        return None


def page_image(texts: TextStore | None, pid: str, page: int) -> bytes | None:
    """Page ``page`` (from 1) of the scan plan ``pid`` was read from, as JPEG bytes, or None."""
    scan = scan_of(texts, pid)
    if scan is None or not 1 <= page <= min(len(scan["sizes"]), MAX_PAGES):
        return None
    return page_preview(scan["file_sha"], scan["settings"], page - 1, scan["path"])
