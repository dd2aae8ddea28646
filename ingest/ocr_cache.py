"""Where OCR'd pages and their images are kept: one folder per scanned file, by its SHA-256.

Reads: ``LINEAGE_OCR_CACHE`` (else ``$XDG_CACHE_HOME/lineage/ocr``), files to hash, page
images. Returns: the cache folder, a file's SHA-256, and a page's preview image (JPEG)
made, kept and found.

Why a module of its own: the OCR reader (:mod:`ingest.ocr`) writes the cache, and the
page images (:mod:`ingest.ocr_pages`) are read from it and made again from the scan;
both need its layout, neither the other.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from pathlib import Path
from typing import Any

__all__ = ["MAX_HEIGHT", "MAX_WIDTH", "cache_dir", "file_sha256", "preview_file", "save_preview"]

# A preview at most this wide (an A4 page rendered at 300 dpi is 2480 pixels: half of it).
MAX_WIDTH = 1240
MAX_HEIGHT = 2400


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cache_dir() -> Path:
    """Where OCR'd pages are kept: ``LINEAGE_OCR_CACHE``, else ``$XDG_CACHE_HOME/lineage/ocr``."""
    env = os.environ.get("LINEAGE_OCR_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "lineage" / "ocr"


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
