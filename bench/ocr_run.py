"""OCR and mixed-folder ingest throughput: pages OCR'd a second, documents ingested a second.

Reads: the seeds (``data/seeds``: their text, and their LibreOffice .docx, .pdf and .html
in ``tests/fixtures/docs``) and their scans, made here by the committed generator
(``tests/fixtures/scans/make_scans.py``; nothing downloaded). Writes: a temporary folder
with ``--seeds`` seeds in each of the four text formats plus ``--scans`` scans, a fresh
OCR cache and a fresh store under it (removed at the end). Prints a table and, last,
one line of ``key=value`` figures:

- ``ocr_pages``, ``ocr_pages_per_s`` (pages over the wall time of the OCR pass of the
  ingest, every worker busy), ``ocr_s_per_page`` (worker seconds a page: render,
  prepare, Tesseract), ``ocr_workers`` (processes the pages went to);
- ``docs``, ``ingest_docs_per_s`` (the whole ingest of the mixed folder, OCR included,
  over its wall time), ``ingest_s``, ``text_docs_per_s`` (the same folder without the
  scans: what OCR costs the rest), ``reingest_docs_per_s`` (the folder ingested again
  into a fresh store: every page from the OCR cache), ``reingest_ocr_pages`` (0: nothing
  OCR'd again).

    .venv/bin/python -m bench.ocr_run --seeds 5 --scans 5 --workers 2

Why a bench of its own: OCR is ~4 CPU-seconds a page, three orders of magnitude above
reading a text; what a folder with scans costs is the pages, so both rates are given.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "seeds").glob("*.txt"))
DOCS = ROOT / "tests" / "fixtures" / "docs"
FORMATS = (".txt", ".docx", ".pdf", ".html")


def make_folder(out: Path, seeds: int, scans: int) -> list[str]:
    """``seeds`` seeds in each format of :data:`FORMATS` and ``scans`` seeds as scans, in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    picked = SEEDS[:seeds]
    for s in picked:
        for ext in FORMATS:
            src = s if ext == ".txt" else DOCS / f"{s.stem}{ext}"
            shutil.copy(src, out / f"{s.stem}{ext}")
    if scans:
        sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "scans"))
        try:
            import make_scans

            with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
                make_scans.main([tmp, *(str(DOCS / f"{s.stem}.pdf") for s in SEEDS[:scans])])
                for pdf in sorted(Path(tmp).glob("*.pdf")):
                    shutil.copy(pdf, out / f"{pdf.stem}.scan.pdf")
        finally:
            sys.path.pop(0)
    return sorted(str(p) for p in out.iterdir())


def _ingest(files: list[str], workers: int, store: Path) -> tuple[float, object]:
    from graph.service import Lineage
    from graph.store import open_store

    lin = Lineage.open(open_store(str(store)), texts=str(store) + ".texts")
    start = time.perf_counter()
    report, sources = lin.ingest_files(files, workers)
    wall = time.perf_counter() - start
    failed = [s.error for s in sources if s.error]
    if failed:
        raise SystemExit("failed: " + "; ".join(map(str, failed)))
    lin.store.close()
    if lin.texts is not None:
        lin.texts.close()
    return wall, report


def measure(seeds: int, scans: int, workers: int) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory(prefix="ocr-bench-") as tmp:
        base = Path(tmp)
        files = make_folder(base / "folder", seeds, scans)
        os.environ["LINEAGE_OCR_CACHE"] = str(base / "ocr-cache")  # fresh: every page OCR'd
        texts = [f for f in files if not f.endswith(".scan.pdf")]
        text_s, _ = _ingest(texts, workers, base / "store-text")
        wall, report = _ingest(files, workers, base / "store")
        again_s, again = _ingest(files, workers, base / "store-again")
    ocr = report.ocr  # type: ignore[attr-defined]
    return {
        "docs": len(files),
        "scans": scans,
        "ocr_pages": ocr.pages,
        "ocr_wall_s": round(ocr.wall, 1),
        "ocr_pages_per_s": round(ocr.pages / ocr.wall, 3) if ocr.wall else 0.0,
        "ocr_s_per_page": round(ocr.seconds_per_page, 2),
        "ocr_workers": ocr.processes,
        "ingest_s": round(wall, 1),
        "ingest_docs_per_s": round(len(files) / wall, 3),
        "text_docs_per_s": round(len(texts) / text_s, 2),
        "reingest_docs_per_s": round(len(files) / again_s, 2),
        "reingest_ocr_pages": again.ocr.pages,  # type: ignore[attr-defined]
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--seeds", type=int, default=5, help="seeds in each of .txt, .docx, .pdf, .html")
    ap.add_argument("--scans", type=int, default=5, help="seeds as scans (their pages are OCR'd)")
    ap.add_argument("--workers", type=int, default=None, help="worker processes (default: the CPUs)")
    args = ap.parse_args(argv)
    from ingest.parallel import default_workers

    workers = args.workers or default_workers()
    figures = measure(args.seeds, args.scans, workers)
    figures["workers"] = workers
    for k, v in figures.items():
        print(f"  {k:24} {v}")
    print(" ".join(f"{k}={v}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
