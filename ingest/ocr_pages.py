"""Page images of OCR'd scans, to show a field's evidence on the paper it was read from.

Reads: a page image as rendered for OCR (and the angle OCR turned it by), or, when the
OCR cache has no image of the page, the scanned file itself (checked against its
SHA-256). Returns: the page as a JPEG, levelled like the page OCR read, so the boxes of
:class:`~ingest.model.PagePlace` (pixels of that page) fall on the words; at most
:data:`MAX_WIDTH` pixels wide and :data:`MAX_BYTES` long.

Why beside the OCR cache: the boxes are in pixels of the page *after* deskewing, so the
image shown must be turned by the same angle; the cache keeps it under the file's
SHA-256 and the OCR settings, exactly like the OCR'd words.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
from typing import Any

from ingest.ocr import OcrSettings, cache_dir, file_sha256, render_page

__all__ = ["MAX_BYTES", "MAX_WIDTH", "page_preview", "preview_file", "save_preview"]

# A preview at most this wide (an A4 page rendered at 300 dpi is 2480 pixels: half of it).
MAX_WIDTH = 1240
MAX_HEIGHT = 2400
# A preview longer than this is not served (a page of dense grey at quality 70 is ~400 kB).
MAX_BYTES = 3 * 1024 * 1024
# A scanned file larger than this is not read again to render one page.
MAX_SOURCE_BYTES = 100 * 1024 * 1024


def preview_file(file_sha: str, settings: str, index: int) -> Path:
    """Where the preview of page ``index`` (from 0) of the scan ``file_sha`` is cached."""
    return cache_dir() / file_sha[:2] / file_sha / f"{settings}-p{index}.jpg"


def _jpeg(img: Any, angle: float) -> bytes:
    from PIL import Image

    page = img.convert("RGB")
    if abs(angle) >= 0.05:  # as ingest.ocr_image.prepare levelled it
        page = page.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=(255, 255, 255))
    page.thumbnail((MAX_WIDTH, MAX_HEIGHT), Image.LANCZOS)
    out = io.BytesIO()
    page.save(out, "JPEG", quality=70, optimize=True)
    return out.getvalue()


def save_preview(img: Any, angle: float, file_sha: str, settings: str, index: int) -> bytes:
    """Make page ``index``'s preview from its rendered image, keep it in the cache, return it."""
    data = _jpeg(img, angle)
    target = preview_file(file_sha, settings, index)
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return data


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
