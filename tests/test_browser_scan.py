"""A scanned plan's page shown with its evidence boxes, in headless Chromium under the app's own CSP.

What it guards (issue 14, "every OCR'd field keeps evidence ... the plan page shows the page
image with the evidence line highlighted"): a plan ingested from a scan keeps, in its record,
each evidence's page and line boxes; ``GET /api/plans/{id}/pages/{n}`` serves that page as a
JPEG (from the OCR cache, or rendered again from the scanned file when the cache lost it) and
404s for a plan read from text, a page that does not exist, or an unknown plan; the plan page
draws the page image with a box per evidence line over it, and the boxes fall on the image.
Chromium as in :mod:`browser_fixtures`; the scans from :mod:`scan_fixtures` (OCR'd once a session).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_fixtures import serve, watch

from api import create_app
from graph.service import Lineage
from graph.store import open_store
from ingest.ocr_pages import preview_file

ROOT = Path(__file__).resolve().parents[1]
TEXT_PLAN = ROOT / "data" / "seeds" / "001_2e251b79a8ec35d8.txt"


@pytest.fixture(scope="module")
def scanned(scans: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Lineage, Path]]:
    """A live server over a scan (its file copied, so a test may remove it) and a text plan."""
    out = tmp_path_factory.mktemp("scanned")
    scan = out / "003_4b13e15e9fe3a1d4.pdf"
    shutil.copy(scans / scan.name, scan)
    lin = Lineage.open(open_store("memory:"), texts=out / "texts")
    report, _ = lin.ingest_files([str(scan), str(TEXT_PLAN)], workers=1)
    assert report.ingested == 2, report
    with serve(create_app(lin)) as base:
        yield base, lin, scan
    lin.texts.close()


def _ids(lin: Lineage) -> tuple[str, str]:
    """(the scanned plan's id, the text plan's id)."""
    docs = lin.texts.docs()
    scan_sha = {sha for sha in docs.values() if lin.texts.scan(sha)}
    scanned = next(pid for pid, sha in docs.items() if sha in scan_sha)
    text = next(pid for pid, sha in docs.items() if sha not in scan_sha)
    return scanned, text


def test_the_record_keeps_page_and_boxes(scanned: tuple[str, Lineage, Path]) -> None:
    _base, lin, _scan = scanned
    sid, tid = _ids(lin)
    plan = lin.plan(sid)
    assert plan is not None and plan["text_source"] == "ocr"
    ev = plan["implements"][0]["evidence"]
    place = ev["page"]
    assert place["page"] == 1 and place["dpi"] == 300
    assert place["boxes"] and all(
        0 <= x0 < x1 <= place["width"] and 0 <= top < bottom <= place["height"]
        for x0, top, x1, bottom in place["boxes"]
    )
    signer = plan["evidence"]["/signer"]["page"]
    assert signer["page"] == 2  # the signature block is on the last page
    text_plan = lin.plan(tid)
    assert text_plan is not None and "text_source" not in text_plan
    assert all("page" not in ev for ev in text_plan["evidence"].values())


def test_the_page_route_serves_scans_only(scanned: tuple[str, Lineage, Path]) -> None:
    from PIL import Image

    base, lin, scan = scanned
    sid, tid = _ids(lin)
    r = httpx.get(f"{base}/api/plans/{sid}/pages/1")
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    img = Image.open(io.BytesIO(r.content))
    width, height = lin.texts.scan(lin.texts.docs()[sid])["sizes"][0]
    assert img.width <= 1240 and abs(img.width / img.height - width / height) < 0.01
    for url in (
        f"/api/plans/{sid}/pages/3",  # the scan has two pages
        f"/api/plans/{tid}/pages/1",  # read from text: no page image
        "/api/plans/no-such.plan.2024.ke-hoach.1-kh-tu/pages/1",
    ):
        r = httpx.get(base + url)
        assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json", url
    assert httpx.get(f"{base}/api/plans/{sid}/pages/0").status_code == 422
    # the cache lost the image: rendered again from the scanned file (same SHA-256), then cached
    scan_row = lin.texts.scan(lin.texts.docs()[sid])
    cached = preview_file(scan_row["file_sha"], scan_row["settings"], 1)
    cached.unlink()
    r = httpx.get(f"{base}/api/plans/{sid}/pages/2")
    assert r.status_code == 200 and cached.is_file()
    # neither cached nor on disk: a 404, never an error
    cached.unlink()
    moved = scan.with_suffix(".gone")
    scan.rename(moved)
    try:
        assert httpx.get(f"{base}/api/plans/{sid}/pages/2").status_code == 404
    finally:
        moved.rename(scan)


def test_the_plan_page_draws_the_evidence_on_the_page_image(
    browser: Any, scanned: tuple[str, Lineage, Path]
) -> None:
    base, lin, _scan = scanned
    sid, tid = _ids(lin)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems = watch(page, base)
    try:
        page.goto(f"{base}/view/plans/{sid}")
        figure = page.locator("#scan-evidence figure.scan-page").first
        img = figure.locator("img")
        img.scroll_into_view_if_needed()
        page.wait_for_function("() => document.querySelector('#scan-evidence img').complete")
        assert img.evaluate("i => i.naturalWidth") > 0
        shown = img.bounding_box()
        assert shown is not None and shown["width"] > 300
        boxes = figure.locator("rect.scan-box")
        assert boxes.count() >= 3  # number, date, title, references ... on the first page
        for i in range(boxes.count()):
            b = boxes.nth(i).bounding_box()
            assert b is not None and b["width"] > 0 and b["height"] > 0
            assert shown["x"] - 1 <= b["x"] and b["x"] + b["width"] <= shown["x"] + shown["width"] + 1
            assert shown["y"] - 1 <= b["y"] and b["y"] + b["height"] <= shown["y"] + shown["height"] + 1
        fill = boxes.first.evaluate("r => getComputedStyle(r).stroke")
        assert fill not in ("", "none")  # drawn by the stylesheet, not an inline style
        assert "implements" in figure.locator("figcaption").inner_text()
        assert page.locator("#scan-evidence figure.scan-page").count() == 2  # the signer is on page 2
        assert problems == []
        page.goto(f"{base}/view/plans/{tid}")
        assert page.locator("#scan-evidence").count() == 0
        assert problems == []
    finally:
        page.close()
