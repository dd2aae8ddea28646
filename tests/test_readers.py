"""The .docx and .pdf readers, on files LibreOffice wrote (tests/fixtures/docs, see make_fixtures.py).

Why these tests: a plan read from Word or PDF must give the same record as the
same plan read from text, the two-column header must come out usable, and a
bad file must be one line of reason while the others are ingested.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import DocumentError, extract_file, read_document

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "tests" / "fixtures" / "docs"
BAD = DOCS / "bad"
SEEDS = sorted((ROOT / "data" / "seeds").glob("*.txt"))
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score_extract.py"
GOLD = SHARED / "gold" / "seeds.json"
FORMATS = ("docx", "pdf")


def _scorer():
    """The shared scorer's module, or skip when shared/ is not beside the repo."""
    if not (SCORER.exists() and GOLD.exists()):
        pytest.skip(f"shared scorer not found at {SCORER}")
    spec = importlib.util.spec_from_file_location("score_extract", SCORER)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod, json.loads(GOLD.read_text(encoding="utf-8"))


def _record(path: Path) -> dict:
    rec = extract_file(str(path)).to_json(with_evidence=False)
    rec.pop("source")
    rec.pop("sha256", None)
    return rec


def _same_text(rec: dict) -> str:
    """The record as text, blind to the spaces a PDF line break may add around a hyphen."""
    return re.sub(r"\s*-\s*", "-", json.dumps(rec, ensure_ascii=False, sort_keys=True))


@pytest.mark.parametrize("ext", FORMATS)
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_fixture_gives_the_record_of_the_text(seed: Path, ext: str) -> None:
    assert _same_text(_record(DOCS / f"{seed.stem}.{ext}")) == _same_text(_record(seed))


@pytest.mark.parametrize("ext", FORMATS)
def test_fixtures_score_full_marks_on_the_gold(ext: str) -> None:
    mod, gold = _scorer()
    card = mod.Card()
    for name, want in sorted(gold["documents"].items()):
        path = DOCS / f"{Path(name).stem}.{ext}"
        mod.score_doc(card, path.name, want, extract_file(str(path)).to_json(with_evidence=False))
    assert card.misses == []
    assert card.hit == card.total > 100


# The header block as the plan sets it: two cells side by side.
LEFT_CELL = "ĐẢNG BỘ TỈNH NINH THUẬN\nHUYỆN ỦY BÁC ÁI\n*\nSố 12-KH/HU"


@pytest.mark.parametrize("ext", FORMATS)
def test_two_column_header_table_keeps_each_cell_together(ext: str) -> None:
    raw = read_document(DOCS / f"header_table.{ext}").raw
    assert LEFT_CELL in raw
    right = raw.index("ĐẢNG CỘNG SẢN VIỆT NAM")
    assert (
        raw.index(LEFT_CELL) < right < raw.index("Bác Ái, ngày 15 tháng 4 năm 2024") < raw.index("KẾ HOẠCH")
    )
    assert "Bác Ái, ngày 15 tháng 4 năm 2024\n" in raw  # not glued to "Số 12-KH/HU"
    rec = _record(DOCS / f"header_table.{ext}")
    assert (rec["number"], rec["symbol"], rec["date"]) == ("12-KH/HU", "KH/HU", "2024-04-15")
    assert rec["issuer"]["name"] == "Ban Thường vụ Huyện ủy Bác Ái"
    assert (rec["issuer"]["province"], rec["issuer"]["district"]) == ("Ninh Thuận", "Bác Ái")
    assert rec["signer"] == {"name": "Mẫu Thái Phương", "title": "Bí thư"}
    assert [r["number"] for r in rec["implements"]] == ["297-KH/TU"]


def test_header_table_scores_like_its_seed_with_its_own_number_and_date() -> None:
    mod, gold = _scorer()
    want = dict(gold["documents"]["002_d39dd50f05dd6cda.txt"], number="12-KH/HU", date="2024-04-15")
    for ext in FORMATS:
        card = mod.Card()
        got = extract_file(str(DOCS / f"header_table.{ext}")).to_json(with_evidence=False)
        mod.score_doc(card, f"header_table.{ext}", want, got)
        assert card.misses == [], ext


def test_pdf_drops_running_header_footer_and_page_numbers() -> None:
    raw = read_document(DOCS / "header_table.pdf").raw
    assert "Kế hoạch thực hiện Kết luận 70-KL/TW" not in raw  # the page header, on all 7 pages
    assert "Trang" not in raw  # "Trang 1" ... "Trang 7"
    assert not re.search(r"(?m)^\s*\d+\s*$", raw)


def test_docx_reads_the_section_header_but_not_the_footer() -> None:
    raw = read_document(DOCS / "header_table.docx").raw
    assert raw.startswith("Kế hoạch thực hiện Kết luận 70-KL/TW\n")
    assert "Trang" not in raw


def test_pdf_paragraphs_come_back_as_one_line_each() -> None:
    """Soft line wraps are joined, so a name broken over two lines is whole again."""
    raw = read_document(DOCS / "003_4b13e15e9fe3a1d4.pdf").raw
    assert "Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh đề nghị" in raw
    assert "\nI. MỤC ĐÍCH, YÊU CẦU\n" in raw  # headings stay lines of their own
    assert "\n- Ban Tuyên giáo Tỉnh ủy (báo cáo),\n- Thường trực ĐUK,\n" in raw  # list items too


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("encrypted.pdf", "encrypted PDF: it needs a password to open"),
        ("empty.pdf", "empty PDF: no text on any page"),
        ("truncated.pdf", "corrupt PDF: truncated"),
        ("garbage.pdf", "corrupt PDF: PDFSyntaxError"),
        ("truncated.docx", "corrupt .docx: not a valid zip package"),
        ("not_word.docx", "not a Word document"),
        ("empty.docx", "empty document: no text"),
    ],
)
def test_bad_file_is_one_line_of_reason(name: str, reason: str) -> None:
    with pytest.raises(DocumentError) as e:
        read_document(BAD / name)
    assert e.value.path == str(BAD / name)
    assert e.value.reason.startswith(reason)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("ext", FORMATS)
def test_text_file_named_as_office_file_is_refused(tmp_path: Path, ext: str) -> None:
    p = tmp_path / f"plan.{ext}"
    p.write_text("KẾ HOẠCH thực hiện Kết luận số 70-KL/TW", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"not a (PDF file|valid zip)"):
        read_document(p)


def _assert_reads_or_refuses(path: Path) -> None:
    try:
        doc = read_document(path)
    except DocumentError as e:
        assert e.reason and "\n" not in e.reason
    else:
        assert doc.raw.strip()


_SUFFIXES = (".docx", ".pdf", ".txt", ".md", ".html", ".htm", ".rtf", ".doc", ".odt", ".png", ".jpg", ".tif")
_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(_SUFFIXES))
def test_random_bytes_raise_only_document_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"x{suffix}"
    path.write_bytes(data)
    _assert_reads_or_refuses(path)


@_FUZZ
@given(
    fixture=st.sampled_from(["003_4b13e15e9fe3a1d4.docx", "003_4b13e15e9fe3a1d4.pdf", "header_table.pdf"]),
    cuts=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=64)), min_size=1, max_size=4),
)
def test_damaged_real_files_raise_only_document_error(tmp_path: Path, fixture: str, cuts) -> None:
    """Real files with bytes overwritten here and there: the parsers' worst inputs."""
    data = bytearray((DOCS / fixture).read_bytes())
    for where, junk in cuts:
        at = int(where * (len(data) - 1))
        data[at : at + len(junk)] = junk
    path = tmp_path / f"x{Path(fixture).suffix}"
    path.write_bytes(bytes(data))
    _assert_reads_or_refuses(path)


def test_ingest_goes_on_past_a_corrupt_file(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("003_4b13e15e9fe3a1d4.docx", "002_d39dd50f05dd6cda.pdf", "header_table.pdf"):
        (folder / name).write_bytes((DOCS / name).read_bytes())
    (folder / "broken.pdf").write_bytes((BAD / "truncated.pdf").read_bytes())
    (folder / "broken.docx").write_bytes((BAD / "truncated.docx").read_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "lineage.cli", "ingest", str(folder), "--store", str(tmp_path / "store")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ingested 3 document(s), 0 unchanged, 2 failed" in proc.stdout
    failed = [line for line in proc.stderr.splitlines() if line.startswith("failed: ")]
    assert sorted(failed) == [
        f"failed: {folder / 'broken.docx'}: corrupt .docx: not a valid zip package",
        f"failed: {folder / 'broken.pdf'}: corrupt PDF: truncated (no %%EOF at the end)",
    ]
