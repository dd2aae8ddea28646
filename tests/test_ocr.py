"""OCR of scanned plans: the seeds rendered, skewed, speckled, blurred, JPEG'd and sealed, read back.

Why these tests: Party committee plans are most often published as scans of a
signed paper with a red seal. The scans are made here by the committed
generator (tests/fixtures/scans/make_scans.py; nothing downloaded), so their
gold is the seeds' gold: through OCR they must score at least 95% of it. Each
OCR'd word keeps its page and box (evidence can point at the page image), a
scan is OCR'd once (cache by SHA-256), pages can go to a worker pool one by
one, and without Tesseract only the scans fail, with the Debian package named.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from scan_fixtures import need  # noqa: F401  (the scans: `scans`, registered in conftest)

from ingest import DocumentError, extract, read_document
from ingest.ocr import OcrSettings, missing_tool, ocr_file
from ingest.ocr_fix import fix_confusables
from ingest.readers import ocr_jobs

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "tests" / "fixtures" / "docs"
SCANS_SCRIPT = ROOT / "tests" / "fixtures" / "scans"
SEEDS = sorted((ROOT / "data" / "seeds").glob("*.txt"))


def test_seeds_as_scans_score_at_least_95_percent(scans: Path) -> None:
    from test_readers import _scorer

    mod, gold = _scorer()
    card = mod.Card()
    for name, want in sorted(gold["documents"].items()):
        doc = read_document(scans / f"{Path(name).stem}.pdf")
        mod.score_doc(card, name, want, extract(doc).to_json(with_evidence=False))
    print(f"seeds as scans: {card.hit}/{card.total}", *card.misses, sep="\n  ")
    assert card.hit >= 0.95 * card.total, card.misses


def test_every_word_keeps_its_page_and_box(scans: Path) -> None:
    """The signer's name maps back to the last page, where the seal was stamped over it."""
    sys.path.insert(0, str(SCANS_SCRIPT))
    try:
        import make_scans
    finally:
        sys.path.remove(str(SCANS_SCRIPT))
    scan = scans / "003_4b13e15e9fe3a1d4.pdf"
    doc = read_document(scan)
    assert doc.layout is not None and len(doc.ocr_seconds) == 2 and all(s > 0 for s in doc.ocr_seconds)
    rec = extract(doc)
    ev = rec.evidence["/signer"]  # the record's evidence: offsets into the OCR text ...
    assert {page for page, _box in doc.layout.locate(ev.start, ev.end)} == {1}  # ... on the last page
    start = doc.raw.index("Mai Thị Nhài")
    end = start + len("Mai Thị Nhài")
    boxes = doc.layout.locate(start, end)
    assert len(boxes) == 1
    page, (x0, top, x1, bottom) = boxes[0]
    assert page == 1
    width, height = doc.layout.sizes[1]
    assert 0 <= x0 < x1 <= width and 0 <= top < bottom <= height
    # where the generator put the seal (200 dpi), in the OCR's pixels (300 dpi): within a seal's radius
    cx, cy = make_scans.signature_spot(DOCS / "003_4b13e15e9fe3a1d4.pdf", doc.layout.dpi)
    assert abs((top + bottom) / 2 - cy) < 0.7 * doc.layout.dpi
    assert x0 < cx < x1 + 0.7 * doc.layout.dpi
    # a range over two lines gives a box per line, in reading order
    two = doc.layout.locate(doc.raw.index("PHÓ BÍ THƯ") if "PHÓ BÍ THƯ" in doc.raw else start - 20, end)
    assert len(two) >= 2 and two[-1] == boxes[0]


def test_a_scan_is_ocrd_once(scans: Path, monkeypatch) -> None:
    """With the pages in the cache, Tesseract is not even needed: nothing is OCR'd again."""
    scan = scans / "000_5d5e4ef2eda93763.pdf"
    first = read_document(scan)
    monkeypatch.setenv("PATH", "/nonexistent")
    start = time.perf_counter()
    again = read_document(scan)
    assert again.raw == first.raw
    assert time.perf_counter() - start < 3


def test_pages_from_a_pool_equal_the_file_read_whole(scans: Path, tmp_path: Path, monkeypatch) -> None:
    """ocr_page over a pool and ocr_file in one process lay out the same text."""
    scan = scans / "003_4b13e15e9fe3a1d4.pdf"
    pooled = ocr_file(scan).text  # its pages came from the session's pool
    monkeypatch.setenv("LINEAGE_OCR_CACHE", str(tmp_path))  # an empty cache: OCR'd here, in order
    assert ocr_file(scan).text == pooled


@pytest.mark.parametrize("kind", ["png", "jpg", "tif"])
def test_images_are_read_by_ocr(scans: Path, kind: str) -> None:
    page = {"png": 1, "jpg": 2, "tif": 3}[kind]
    path = scans / f"001_2e251b79a8ec35d8.p{page}.{kind}"
    doc = read_document(path)
    assert doc.layout is not None and {p for _s, _e, (p, *_b) in doc.layout.spans} == {0}
    words = set(doc.raw.split())
    assert {"thể", "thao", "Kế", "hoạch"} & words


def test_first_page_image_gives_the_header(scans: Path) -> None:
    rec = extract(read_document(scans / "004_761afcc9dff63225.p1.png")).to_json(with_evidence=False)
    assert rec["doc_type"] == "ke_hoach"
    assert "70-KL/TW" in [r["number"] for r in rec["implements"]]


def test_multipage_tiff_reads_every_frame(scans: Path, tmp_path: Path) -> None:
    from PIL import Image

    frames = []
    for i, k in ((1, "png"), (2, "jpg")):
        with Image.open(scans / f"002_d39dd50f05dd6cda.p{i}.{k}") as im:
            frames.append(im.copy())
    tif = tmp_path / "two.tiff"
    frames[0].save(tif, save_all=True, append_images=frames[1:], dpi=(200, 200))
    doc = read_document(tif)
    assert {p for _s, _e, (p, *_b) in doc.layout.spans} == {0, 1}
    assert len(doc.ocr_seconds) == 2


def test_a_garbage_text_layer_is_ocrd_instead(scans: Path, tmp_path: Path) -> None:
    from pdf_fixtures import tiny_pdf
    from PIL import Image

    with Image.open(scans / "004_761afcc9dff63225.p2.jpg") as img:
        size = img.size
    jpeg = (scans / "004_761afcc9dff63225.p2.jpg").read_bytes()
    junk = bytes(c for c in range(0xA1, 0xFF)) * 3
    pdf = tmp_path / "bad_layer.pdf"
    pdf.write_bytes(tiny_pdf([junk[i * 20 : i * 20 + 60] for i in range(40)], jpeg, size))
    doc = read_document(pdf)
    assert doc.layout is not None  # the text came from OCR, not from the layer
    assert "¤" not in doc.raw and "thể thao" in doc.raw


def test_without_tesseract_only_scans_fail_naming_the_package(
    scans: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("LINEAGE_OCR_CACHE", str(tmp_path))  # nothing cached: OCR would be needed
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DocumentError) as e:
        read_document(scans / "003_4b13e15e9fe3a1d4.pdf")
    assert e.value.reason == (
        "no text layer (scanned?); OCR needs tesseract, which is not installed (Debian package tesseract-ocr)"
    )
    with pytest.raises(DocumentError, match=r"\(Debian package tesseract-ocr\)$"):
        read_document(scans / "003_4b13e15e9fe3a1d4.p1.png")
    assert read_document(DOCS / "003_4b13e15e9fe3a1d4.pdf").raw  # text PDFs need no OCR
    assert read_document(DOCS / "003_4b13e15e9fe3a1d4.docx").raw


def test_without_vietnamese_data_the_reason_names_its_package(
    scans: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("LINEAGE_OCR_CACHE", str(tmp_path))
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # a tessdata folder without vie.traineddata
    with pytest.raises(DocumentError, match=r"\(Debian package tesseract-ocr-vie\)$"):
        read_document(scans / "003_4b13e15e9fe3a1d4.p1.png")


def test_text_documents_need_no_ocr_jobs() -> None:
    assert ocr_jobs(DOCS / "003_4b13e15e9fe3a1d4.pdf") == []
    assert ocr_jobs(DOCS / "003_4b13e15e9fe3a1d4.docx") == []
    assert ocr_jobs(DOCS / "bad" / "truncated.pdf") == []


def test_settings_are_part_of_the_cache_key() -> None:
    assert OcrSettings().key() != OcrSettings(dpi=200).key() != OcrSettings(seal=False).key()


def test_tiny_scan_without_much_text_is_read_or_refused_in_one_line() -> None:
    need(missing_tool(pdf=True))
    try:
        doc = read_document(DOCS / "bad" / "scanned.pdf")
    except DocumentError as e:
        assert "\n" not in e.reason and "OCR is not supported" not in e.reason
    else:
        assert doc.layout is not None


@pytest.mark.parametrize(
    ("word", "fixed"),
    [("31⁄01⁄2024", "31/01/2024"), ("2O24", "2024"), ("3l/0l/2024", "31/01/2024"), ("l5-KH/TU", "15-KH/TU"),
     ("II", "II"), ("lo", "lo"), ("Ông", "Ông"), ("70-KL/TW", "70-KL/TW"), ("KH/TU", "KH/TU")],
)  # fmt: skip
def test_digit_lookalikes_are_fixed_only_among_digits(word: str, fixed: str) -> None:
    assert fix_confusables(word) == fixed
    assert len(fix_confusables(word)) == len(word)
