"""The scans' pages in the worker pool: spread over the workers, counted, timed, and never OCR'd twice.

What it guards (issue 14, "pages in the worker pool ... cached by SHA-256 so a re-ingest does
not OCR again; progress counts pages; the ingest report gives OCR time per page"): an
ingest of a folder with a four-page scan and a text OCRs the scan's pages one page an item
over two workers before extraction, reports each page's seconds in ``IngestReport.ocr``
and counts them in its progress (phase ``ocr``); ingesting again OCRs nothing (the pages
come from the cache by the file's SHA-256, and Tesseract is not even needed); and
``lineage ingest`` says so on its summary line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graph.service import Lineage
from graph.store import open_store
from ingest.ocr_pool import run_ocr, scan_jobs

ROOT = Path(__file__).resolve().parents[1]
SCAN = "001_2e251b79a8ec35d8.pdf"  # four pages
TEXT = ROOT / "data" / "seeds" / "002_d39dd50f05dd6cda.txt"


@pytest.fixture
def folder(scans: Path, tmp_path: Path) -> Path:
    out = tmp_path / "mixed"
    out.mkdir()
    shutil.copy(scans / SCAN, out / SCAN)
    shutil.copy(TEXT, out / TEXT.name)
    shutil.copy(ROOT / "tests" / "fixtures" / "docs" / "003_4b13e15e9fe3a1d4.pdf", out / "text-layer.pdf")
    return out


def test_a_scans_pages_go_over_the_pool_once(folder: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LINEAGE_OCR_CACHE", str(tmp_path / "fresh-cache"))  # nothing OCR'd yet
    files = sorted(str(p) for p in folder.iterdir())
    assert scan_jobs((str(folder / "text-layer.pdf"), str(tmp_path))) == ([], 0)  # a text layer: no OCR
    ticks: list[tuple[str, int]] = []
    lin = Lineage.open(open_store("memory:"))
    report, sources = lin.ingest_files(files, workers=2, progress=lambda phase, n: ticks.append((phase, n)))
    assert report.ingested == 3 and not [s.error for s in sources if s.error]
    ocr = report.ocr
    assert (ocr.pages, ocr.cached) == (4, 0)
    assert ocr.processes == 2  # one scan's pages spread over both workers
    assert sorted(p for _f, p, _s in ocr.per_page) == [1, 2, 3, 4]
    assert all(f.endswith(SCAN) and s > 0 for f, _p, s in ocr.per_page)
    assert ocr.seconds == pytest.approx(sum(s for *_x, s in ocr.per_page)) and ocr.seconds_per_page > 0
    assert sum(n for phase, n in ticks if phase == "ocr") == 4  # progress counts pages
    assert sum(n for phase, n in ticks if phase == "extract") == 3  # and then documents
    assert dict(report.phases)["ocr"] >= 0 and "4 page(s)" in ocr.summary()
    # again: every page from the cache (by the file's SHA-256); no tool is even looked for
    monkeypatch.setenv("PATH", "/nonexistent")
    again = run_ocr(files, workers=2)
    assert (again.pages, again.cached) == (0, 4) and "none needed" in again.summary()
    report2, _ = Lineage.open(open_store("memory:")).ingest_files(files, workers=2)
    assert report2.ingested == 3 and (report2.ocr.pages, report2.ocr.cached) == (0, 4)


def test_the_ingest_summary_line_gives_the_ocr(folder: Path, tmp_path: Path) -> None:
    env = dict(os.environ, LINEAGE_WORKERS="2", LINEAGE_STORE=str(tmp_path / "store"))
    env["LINEAGE_OCR_CACHE"] = os.environ["LINEAGE_OCR_CACHE"]  # the session's: its pages are OCR'd
    cmd = [sys.executable, "-m", "lineage.cli", "ingest", str(folder)]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stderr
    assert (
        "ingested 3 document(s), 0 unchanged, 0 failed; OCR: none needed, 4 page(s) from the cache"
        in p.stdout
    )
