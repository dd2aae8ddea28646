"""The seeds as scans, made once per test session and OCR'd over a pool (a plugin of conftest).

``scans``: the seeds' LibreOffice PDFs made into scans by the committed generator
(tests/fixtures/scans/make_scans.py: rasterised, sealed, skewed, speckled, blurred,
JPEG'd; each page also as .png/.jpg/.tif), their 19 pages OCR'd once, one page a task
over two processes, into a cache of the session's own (``LINEAGE_OCR_CACHE``). Shared by
every module that needs a scan (OCR costs ~4 CPU-seconds a page). ``need``: skip for a
missing system tool, fail under ``CI=true``.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.ocr import missing_tool, ocr_page, page_count
from ingest.readers import ocr_jobs

__all__ = ["DOCS", "SCANS_SCRIPT", "SEEDS", "need", "scans"]

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "tests" / "fixtures" / "docs"
SCANS_SCRIPT = ROOT / "tests" / "fixtures" / "scans"
SEEDS = sorted((ROOT / "data" / "seeds").glob("*.txt"))


def need(reason: str | None) -> None:
    """Skip when a system tool is missing; under CI=true that is a failure (.ci/run installs it)."""
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: .ci/run installs it)")
    pytest.skip(reason)


def _page_job(job: tuple[str, int, str]) -> float:
    return ocr_page(*job).seconds


@pytest.fixture(scope="session")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The seeds as scans (PDF, plus each page as .png/.jpg/.tif), OCR'd once, pages over two processes."""
    need(missing_tool(pdf=True))
    if shutil.which("pdftoppm") is None:
        need("the scan generator needs pdftoppm (Debian package poppler-utils)")
    out = tmp_path_factory.mktemp("scans")
    cache = tmp_path_factory.mktemp("ocr-cache")
    old = os.environ.get("LINEAGE_OCR_CACHE")
    os.environ["LINEAGE_OCR_CACHE"] = str(cache)
    sys.path.insert(0, str(SCANS_SCRIPT))
    try:
        import make_scans

        pdfs = [DOCS / f"{s.stem}.pdf" for s in SEEDS]
        make_scans.main([str(out), *map(str, pdfs), "--images"])
        jobs = [job for pdf in sorted(out.glob("*.pdf")) for job in ocr_jobs(pdf)]
        assert len(jobs) == sum(page_count(p) for p in out.glob("*.pdf")) == 19
        # the way an ingest pool would do it: one page a task, any process
        with multiprocessing.get_context("forkserver").Pool(2) as pool:
            pool.map(_page_job, jobs, chunksize=1)
        yield out
    finally:
        sys.path.remove(str(SCANS_SCRIPT))
        if old is None:
            os.environ.pop("LINEAGE_OCR_CACHE", None)
        else:
            os.environ["LINEAGE_OCR_CACHE"] = old
