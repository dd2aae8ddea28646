"""OCR: scanned PDFs and page images to text, with the page and the box of every word.

Reads: a scanned .pdf (pages that are pictures) or an image (.png, .jpg/.jpeg,
.tif/.tiff, every frame of a multi-page TIFF). Returns: :class:`OcrText`: the
text laid out as the PDF reader lays out a text layer (:mod:`ingest.layout`:
columns kept whole, wrapped lines joined), and a :class:`~ingest.layout.PageMap`
from offsets in that text to (page, box).

How: each page is rendered (poppler's ``pdftoppm``) at :attr:`OcrSettings.dpi`,
made ready (:mod:`ingest.ocr_image`: the red seal dropped through the red
channel, specks removed, the skew turned back) and read by Tesseract with its
Vietnamese data (``tesseract ... -l vie tsv``: words with their boxes and
confidence). The settings that measured best on the seeds' scans are the
defaults; the README says what was measured.

Work is per page (:func:`ocr_page`, a module-level function a worker pool can
call with ``(path, index)``) and every page's result is cached by the file's
SHA-256 and the settings (``LINEAGE_OCR_CACHE``, else the user's cache folder),
so an unchanged file is never read twice; :func:`ocr_file` assembles the pages,
from the cache when a pool already did them. A missing tool is one line naming
the Debian package (:func:`missing_tool`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ingest.errors import DocumentError
from ingest.layout import Glyph, PageMap, lay_out, lines_of
from ingest.ocr_cache import cache_dir, file_sha256, save_preview
from ingest.ocr_fix import fix_words
from ingest.ocr_places import fix_places

__all__ = [
    "IMAGE_SUFFIXES",
    "OcrPage",
    "OcrSettings",
    "OcrText",
    "cache_dir",
    "file_sha256",
    "missing_tool",
    "ocr_file",
    "cached_page_count",
    "ocr_page",
    "page_count",
    "page_file",
    "render_page",
]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
# Bumped whenever what a cached page holds changes: old entries are then simply not found.
CACHE_FORMAT = 1
# Seconds one page may take in Tesseract before it is given up.
PAGE_TIMEOUT = 120
# An image larger than this (an A4 page at 600 dpi is 35 million) is not a page scan.
MAX_PIXELS = 80_000_000
# An image without a resolution of its own is taken to be an A4 page this wide (inches).
_A4_WIDTH = 8.27


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """How a page is read; part of the cache key. Defaults: what measured best on the seeds' scans."""

    dpi: int = 300
    psm: int = 4
    seal: bool = True
    whiten: bool = False
    denoise: bool = True
    binarise: bool = False
    deskew: bool = True
    lang: str = "vie"

    def key(self) -> str:
        steps = (self.seal, self.whiten, self.denoise, self.binarise, self.deskew)
        flags = "".join(c for c, on in zip("swndk", steps, strict=True) if on)
        return f"v{CACHE_FORMAT}-{self.lang}-r{self.dpi}-p{self.psm}-{flags or 'raw'}"


@dataclass(slots=True)
class OcrPage:
    """One page as Tesseract read it; boxes in pixels of the page at ``dpi``, after deskewing."""

    index: int
    width: int
    height: int
    dpi: int
    angle: float  # degrees the page was turned by to level its lines
    seconds: float  # time to render, prepare and read the page
    # (text, confidence 0-100, x0, top, x1, bottom, line number on the page)
    words: list[tuple[str, float, int, int, int, int, int]] = field(default_factory=list)


@dataclass(slots=True)
class OcrText:
    text: str
    map: PageMap
    pages: list[OcrPage]

    @property
    def seconds(self) -> float:
        return sum(p.seconds for p in self.pages)


@cache
def _languages(exe: str, tessdata: str | None) -> frozenset[str]:
    """The languages ``exe`` has data for (``tessdata``: the TESSDATA_PREFIX it runs with)."""
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in out.splitlines()[1:] if line.strip())


def missing_tool(pdf: bool, lang: str = "vie") -> str | None:
    """The one-line reason OCR cannot run here (naming the Debian package), or None."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "OCR needs tesseract, which is not installed (Debian package tesseract-ocr)"
    if lang not in _languages(exe, os.environ.get("TESSDATA_PREFIX")):
        return f"OCR needs Tesseract's '{lang}' language data (Debian package tesseract-ocr-{lang})"
    if pdf and (shutil.which("pdftoppm") is None or shutil.which("pdfinfo") is None):
        return (
            "OCR of a PDF needs pdftoppm and pdfinfo, which are not installed (Debian package poppler-utils)"
        )
    return None


def _is_pdf(path: Path) -> bool:
    return path.suffix.lower() == ".pdf"


def page_count(path: str | Path) -> int:
    """Pages of a PDF (poppler's pdfinfo) or frames of an image."""
    p = Path(path)
    if _is_pdf(p):
        exe = shutil.which("pdfinfo")
        if exe is None:
            raise DocumentError(str(path), "OCR of a PDF needs pdfinfo (Debian package poppler-utils)")
        proc = subprocess.run([exe, str(p)], capture_output=True, text=True, timeout=60)
        for line in proc.stdout.splitlines():
            if line.startswith("Pages:"):
                return int(line.split()[1])
        raise DocumentError(str(path), "corrupt PDF: its pages cannot be counted")
    from PIL import Image

    with Image.open(p) as im:
        return getattr(im, "n_frames", 1)


def render_page(path: Path, index: int, dpi: int):
    """Page ``index`` (from 0) as an image at ``dpi``."""
    from PIL import Image

    if _is_pdf(path):
        n = str(index + 1)
        cmd = ["pdftoppm", "-r", str(dpi), "-f", n, "-l", n, "-singlefile", str(path)]
        proc = subprocess.run(cmd, capture_output=True, timeout=PAGE_TIMEOUT)
        if proc.returncode != 0 or not proc.stdout:
            raise DocumentError(str(path), f"page {index + 1} cannot be rendered (pdftoppm failed)")
        import io

        img = Image.open(io.BytesIO(proc.stdout))
        img.load()
        return img
    with Image.open(path) as im:
        if im.width * im.height > MAX_PIXELS:
            raise DocumentError(str(path), f"image of {im.width}x{im.height} pixels is too large to OCR")
        im.seek(index)
        img = im.copy()
        own = im.info.get("dpi", (0, 0))[0]
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:  # transparent is paper, not ink
        rgba = img.convert("RGBA")
        img = Image.new("RGB", rgba.size, "white")
        img.paste(rgba, mask=rgba.getchannel("A"))
    own = own if 72 <= own <= 1200 else img.width / _A4_WIDTH
    scale = dpi / own
    if abs(scale - 1) > 0.1:  # Tesseract reads best at the resolution it was tuned for
        img = img.resize((round(img.width * scale), round(img.height * scale)), Image.LANCZOS)
    return img


def _tesseract(img, settings: OcrSettings) -> list[tuple[str, float, int, int, int, int, int]]:
    """Tesseract's words (text, confidence, box, line number) for a prepared page image."""
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        img.save(f, "PNG")
        f.flush()
        cmd = ["tesseract", f.name, "stdout", "-l", settings.lang, "--psm", str(settings.psm)]
        cmd += ["--dpi", str(settings.dpi), "tsv"]
        env = dict(os.environ, OMP_THREAD_LIMIT=os.environ.get("OMP_THREAD_LIMIT", "1"))
        proc = subprocess.run(cmd, capture_output=True, timeout=PAGE_TIMEOUT, env=env)
    if proc.returncode != 0:
        said = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(said[-1] if said else "tesseract failed")
    words: list[tuple[str, float, int, int, int, int, int]] = []
    lines: dict[tuple[str, str, str], int] = {}
    for row in proc.stdout.decode("utf-8", "replace").splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        line = lines.setdefault((cols[2], cols[3], cols[4]), len(lines))
        words.append((text, float(cols[10]), left, top, left + width, top + height, line))
    return words


def _read_page(path: Path, index: int, settings: OcrSettings) -> tuple[OcrPage, Any]:
    """The page OCR'd, and the page image as rendered (for its preview)."""
    from ingest.ocr_image import prepare

    start = time.perf_counter()
    img = render_page(path, index, settings.dpi)
    ready, angle = prepare(
        img,
        seal=settings.seal,
        whiten_paper=settings.whiten,
        denoise=settings.denoise,
        binarise=settings.binarise,
        deskew=settings.deskew,
    )
    words = _tesseract(ready, settings)
    seconds = round(time.perf_counter() - start, 3)
    return OcrPage(index, ready.width, ready.height, settings.dpi, angle, seconds, words), img


def cached_page_count(path: Path, sha: str) -> int:
    """The file's page count, kept beside its OCR'd pages (a cached scan needs no tool at all)."""
    kept = cache_dir() / sha[:2] / sha / "pages"
    try:
        return int(kept.read_text(encoding="ascii"))
    except (OSError, ValueError):
        pass
    reason = missing_tool(_is_pdf(path))  # nothing of this file is cached: OCR will be needed
    if reason:
        raise DocumentError(str(path), reason)
    try:
        n = page_count(path)
    except DocumentError:
        raise
    except Exception as e:  # Pillow's UnidentifiedImageError and friends
        raise DocumentError(str(path), f"not a readable image ({type(e).__name__})") from e
    with contextlib.suppress(OSError):
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(str(n), encoding="ascii")
    return n


def page_file(sha: str, index: int, settings: OcrSettings) -> Path:
    return cache_dir() / sha[:2] / sha / f"{settings.key()}-p{index}.json"


def ocr_page(
    path: str | Path, index: int, sha: str | None = None, settings: OcrSettings | None = None
) -> OcrPage:
    """Page ``index`` (from 0) of a scan, OCR'd, or from the cache when this file was read before.

    The unit of work of a worker pool: a module-level function of picklable arguments.
    """
    p = Path(path)
    settings = settings or OcrSettings()
    sha = sha or file_sha256(p)
    cached = page_file(sha, index, settings)
    try:
        return OcrPage(**json.loads(cached.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        pass
    reason = missing_tool(_is_pdf(p), settings.lang)
    if reason:
        raise DocumentError(str(path), reason)
    try:
        page, img = _read_page(p, index, settings)
    except DocumentError:
        raise
    except subprocess.TimeoutExpired as e:
        raise DocumentError(str(path), f"OCR of page {index + 1} took over {PAGE_TIMEOUT} s") from e
    except Exception as e:  # a picture Pillow or Tesseract cannot take: one line, not a traceback
        raise DocumentError(str(path), f"page {index + 1} cannot be OCR'd ({type(e).__name__})") from e
    with contextlib.suppress(OSError):  # the cache is a help, never a need: a read-only home costs time
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(page), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cached)
    with contextlib.suppress(OSError, ValueError):  # the page image a plan page shows its evidence on
        save_preview(img, page.angle, sha, settings.key(), index)
    return page


def _glyphs(page: OcrPage) -> list[Glyph]:
    """A page's words as positioned glyphs: each word on its line's height, sized by the usual line."""
    if not page.words:
        return []
    spans: dict[int, tuple[int, int]] = {}
    for _t, _c, _x0, top, _x1, bottom, line in page.words:
        a, b = spans.get(line, (top, bottom))
        spans[line] = (min(a, top), max(b, bottom))
    heights = sorted(b - a for a, b in spans.values())
    usual = heights[len(heights) // 2]
    texts = [w[0] for w in page.words]
    fixed: list[str] = []
    start = 0
    for i in range(1, len(texts) + 1):  # corrections see the words of their own line
        if i == len(texts) or page.words[i][6] != page.words[start][6]:
            fixed += fix_places(fix_words(texts[start:i]))
            start = i
    out = []
    for text, (_t, _conf, x0, top, x1, bottom, line) in zip(fixed, page.words, strict=True):
        a, b = spans[line]
        size = 0.8 * max(b - a, usual)
        out.append(Glyph(text, x0, x1, a, b, size, (page.index, x0, top, x1, bottom)))
    return out


def ocr_file(path: str | Path, settings: OcrSettings | None = None, sha: str | None = None) -> OcrText:
    """Every page of a scan OCR'd (or taken from the cache), laid out as one text with its page map."""
    p = Path(path)
    settings = settings or OcrSettings()
    sha = sha or file_sha256(p)
    pages = [ocr_page(p, i, sha, settings) for i in range(cached_page_count(p, sha))]
    text, spans = lay_out([lines_of(_glyphs(pg)) for pg in pages])
    sizes = [(pg.width, pg.height) for pg in pages]
    angles = [pg.angle for pg in pages]
    return OcrText(text, PageMap(spans, sizes, settings.dpi, angles, sha, settings.key()), pages)
