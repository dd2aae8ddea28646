"""Page images of OCR'd scans, to show a field's evidence on the paper it was read from.

Reads: a page image as rendered for OCR (and the angle OCR turned it by), or, when the
OCR cache has no image of the page, the scanned file itself (checked against its
SHA-256). Returns: the page as a JPEG, levelled like the page OCR read, so the boxes of
:class:`~ingest.model.PagePlace` (pixels of that page) fall on the words; at most
:data:`MAX_WIDTH` pixels wide and :data:`MAX_BYTES` long.

Why beside the OCR cache: the boxes are in pixels of the page *after* deskewing, so the
image shown must be turned by the same angle; the cache keeps it under the file's
SHA-256 and the OCR settings, exactly like the OCR'd words (:mod:`ingest.ocr_cache`).
"""

from __future__ import annotations

import json
from pathlib import Path

from ingest.ocr import OcrSettings, render_page
from ingest.ocr_cache import cache_dir, file_sha256, preview_file, save_preview

__all__ = ["MAX_BYTES", "page_preview", "preview_file"]

# A preview longer than this is not served (a page of dense grey at quality 70 is ~400 kB).
MAX_BYTES = 3 * 1024 * 1024
# A scanned file larger than this is not read again to render one page.
MAX_SOURCE_BYTES = 100 * 1024 * 1024


def _angle(file_sha: str, settings: str, index: int) -> float | None:
    """The angle OCR turned page ``index`` by, from its cached words; None when not cached."""
    kept = cache_dir() / file_sha[:2] / file_sha / f"{settings}-p{index}.json"
    try:
        return float(json.loads(kept.read_text(encoding="utf-8"))["angle"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def page_preview(file_sha: str, settings: str, index: int, path: str | None = None) -> bytes | None:
    """The JPEG of page ``index`` (from 0) of a scan, or None when it cannot be had.

    From the cache; else rendered again from ``path`` when that file is still the scan
    (same SHA-256, within :data:`MAX_SOURCE_BYTES`), read with the default settings, and
    its OCR'd page (its angle) is cached. Never raises for a missing or changed file."""
    cached = preview_file(file_sha, settings, index)
    try:
        data = cached.read_bytes()
    except OSError:
        data = None
    if data is None and path and settings == OcrSettings().key():
        data = _rendered(file_sha, settings, index, Path(path))
    return data if data is not None and len(data) <= MAX_BYTES else None


def _rendered(file_sha: str, settings: str, index: int, path: Path) -> bytes | None:
    angle = _angle(file_sha, settings, index)
    try:
        if angle is None or not path.is_file() or path.stat().st_size > MAX_SOURCE_BYTES:
            return None
        if file_sha256(path) != file_sha:
            return None
        img = render_page(path, index, OcrSettings().dpi)
    except Exception:  # a file gone, changed or unreadable since: no image, never an error
        return None
    return save_preview(img, angle, file_sha, settings, index)
