"""The pages of the scans of an ingest, OCR'd over the worker pool before the files are read.

Reads: the paths of an ingest. Returns: :class:`OcrRun`: how many pages were OCR'd now
and how long each took (seconds in the worker), how many were found in the OCR cache
(by the file's SHA-256: a scan ingested again is not OCR'd again), and the wall time.
``progress(n)`` hears of every page done.

How: first each candidate file (an image, a PDF the cache knows as a scan by its
SHA-256, or a PDF without a font, which is what a scan is: ``pdffonts`` lists none) is
looked at in the pool: its SHA-256, its pages, which are cached. Then every page not
cached is one item of the pool (:func:`ingest.ocr.ocr_page`), so a scan of forty pages
is spread over every worker, and each page is bound by Tesseract's time limit, not by
the limit of a whole file. The extraction
that follows lays the cached pages out and OCRs nothing (:func:`ingest.ocr.ocr_file`).
A PDF whose fonts hide a text layer that is not language (an old OCR layer) is found
only when it is read, and OCR'd there, one worker for its pages.

Why before and not inside extraction: extraction is one file per item; OCR is ~4 CPU
seconds a page, so a long scan would hold one worker for minutes while the others idle,
and run past the time limit of a file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.limits import file_time_limit
from ingest.ocr import IMAGE_SUFFIXES, PAGE_TIMEOUT, OcrSettings, cached_page_count, ocr_page, page_file
from ingest.ocr_cache import cache_dir, file_sha256
from ingest.parallel import imap
from ingest.readers import limits

__all__ = ["OcrRun", "page_job", "run_ocr", "scan_jobs"]

Job = tuple[str, int, str, str]  # (path, page index from 0, the file's SHA-256, the OCR cache folder)


@dataclass(frozen=True, slots=True)
class OcrRun:
    """What the OCR pass of an ingest did."""

    pages: int = 0  # pages OCR'd now
    processes: int = 0  # worker processes they were OCR'd in
    cached: int = 0  # pages found in the cache (OCR'd by an earlier run)
    seconds: float = 0.0  # worker seconds of the pages OCR'd now (render, prepare, Tesseract)
    wall: float = 0.0  # seconds the pass took
    per_page: tuple[tuple[str, int, float], ...] = ()  # (file, page from 1, seconds) OCR'd now

    @property
    def seconds_per_page(self) -> float:
        return self.seconds / self.pages if self.pages else 0.0

    def summary(self) -> str:
        """One line for the ingest's summary, or "" when no page was a scan's."""
        if not (self.pages or self.cached):
            return ""
        if not self.pages:
            return f"OCR: none needed, {self.cached} page(s) from the cache"
        said = f"OCR: {self.pages} page(s) in {self.wall:.1f} s ({self.seconds_per_page:.1f} s a page"
        return said + f" in {self.processes} worker(s)), {self.cached} from the cache"


def _no_fonts(path: Path) -> bool:
    """Whether a PDF has no font at all (a scan); False when it has, or pdffonts cannot say."""
    exe = shutil.which("pdffonts")
    if exe is None:
        return False
    try:
        proc = subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0 and len(proc.stdout.strip().splitlines()) <= 2  # the header only


def _use_cache(folder: str) -> None:
    """Work with the caller's OCR cache: a pool's worker inherits the environment of the
    process that started the pool first, which a caller may have changed since."""
    os.environ["LINEAGE_OCR_CACHE"] = folder


def scan_jobs(item: tuple[str, str]) -> tuple[list[Job], int]:
    """(the pages of the file ``item[0]`` to OCR, how many of its pages are cached in the
    folder ``item[1]``); ([], 0) if it is not a scan."""
    path, cache = item
    _use_cache(cache)
    with warnings.catch_warnings():  # a library's remarks on a damaged file are not output
        warnings.simplefilter("ignore")
        return _scan_jobs(Path(path), path, cache)


def _scan_jobs(p: Path, path: str, cache: str) -> tuple[list[Job], int]:
    kind = p.suffix.lower()
    try:
        size = p.stat().st_size
        if size == 0 or size > limits()[0]:
            return [], 0  # its reading says why
        sha = file_sha256(p)
        known = (cache_dir() / sha[:2] / sha / "pages").is_file()  # a scan OCR'd before
        if kind not in IMAGE_SUFFIXES and not known and not (kind == ".pdf" and _no_fonts(p)):
            return [], 0
        settings = OcrSettings()
        pages = range(cached_page_count(p, sha))
    except Exception:  # unreadable, damaged, or no tool: the file's reading says why
        return [], 0
    todo = [(path, i, sha, cache) for i in pages if not page_file(sha, i, settings).is_file()]
    return todo, len(pages) - len(todo)


def page_job(job: Job) -> tuple[str, int, float, int] | None:
    """OCR one page into the cache; (file, page from 1, seconds, the worker's pid), or None
    when it failed (the file's reading then says why)."""
    path, index, sha, cache = job
    _use_cache(cache)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            page = ocr_page(path, index, sha)
    except Exception:  # the file's reading then says why
        return None
    return path, index + 1, page.seconds, os.getpid()


def _lost_scan(_item: tuple[str, str], _why: str) -> tuple[list[Job], int]:
    return [], 0


def _lost_page(_job: Job, _why: str) -> None:
    return None


def run_ocr(
    paths: Sequence[str], workers: int | None = None, progress: Callable[[int], None] | None = None
) -> OcrRun:
    """OCR into the cache every page of the scans among ``paths`` that is not there yet."""
    start = time.perf_counter()
    maybe = [p for p in paths if Path(p).suffix.lower() in IMAGE_SUFFIXES | {".pdf"}]
    if not maybe:
        return OcrRun()
    cache = str(cache_dir())
    jobs: list[Job] = []
    cached = 0
    for todo, kept in imap(scan_jobs, [(p, cache) for p in maybe], workers, chunksize=8, lost=_lost_scan):
        jobs += todo
        cached += kept
    done: list[tuple[str, int, float]] = []
    pids: set[int] = set()
    # A page is bound by Tesseract's own limit, not by the limit of a whole file's extraction.
    limit = max(file_time_limit(), 2.0 * PAGE_TIMEOUT) if file_time_limit() else 0.0
    for result in imap(
        page_job, jobs, workers, 1, preload=["ingest.ocr"], lost=_lost_page, costly=True, limit=limit
    ):
        if result is not None:
            done.append(result[:3])
            pids.add(result[3])
        if progress is not None:
            progress(1)
    seconds = round(sum(s for _f, _p, s in done), 3)
    wall = round(time.perf_counter() - start, 3)
    return OcrRun(len(done), len(pids), cached, seconds, wall, tuple(done))
