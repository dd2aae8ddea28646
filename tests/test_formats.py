"""Legacy office files, saved web pages, text encodings and size limits.

Why these tests: a researcher's folder holds .doc/.odt/.rtf from older offices,
pages saved from legal portals, text files saved by Windows editors (UTF-16,
a BOM) or by pre-Unicode Vietnamese software (TCVN3, VNI, Windows-1258), and
junk. Each must give the plan's record or one line of reason, and the seeds
saved by LibreOffice in every format must score like their text.
"""

from __future__ import annotations

import codecs
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scan_fixtures import need

from ingest import DocumentError, extract_file, read_document
from ingest.encodings import decode_text
from ingest.html_reader import html_to_text

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "tests" / "fixtures" / "docs"
SEEDS = sorted((ROOT / "data" / "seeds").glob("*.txt"))
OFFICE = ("doc", "odt", "rtf")
SEED_TEXT = (ROOT / "data" / "seeds" / "002_d39dd50f05dd6cda.txt").read_text(encoding="utf-8")


def _office() -> None:
    from ingest.office import missing_tool

    need(missing_tool())


def _record(path: Path) -> dict:
    rec = extract_file(str(path)).to_json(with_evidence=False)
    rec.pop("source")
    rec.pop("sha256", None)
    return rec


# --- .doc, .odt, .rtf through LibreOffice -------------------------------------------------


@pytest.mark.parametrize("ext", OFFICE)
def test_office_formats_give_the_record_of_the_docx(ext: str) -> None:
    _office()
    for seed in SEEDS:
        assert _record(DOCS / f"{seed.stem}.{ext}") == _record(DOCS / f"{seed.stem}.docx"), seed.stem


@pytest.mark.parametrize("ext", (*OFFICE, "html"))
def test_other_formats_score_full_marks_on_the_gold(ext: str) -> None:
    if ext != "html":
        _office()
    from test_readers import _scorer

    mod, gold = _scorer()
    card = mod.Card()
    for name, want in sorted(gold["documents"].items()):
        path = DOCS / f"{Path(name).stem}.{ext}"
        mod.score_doc(card, path.name, want, extract_file(str(path)).to_json(with_evidence=False))
    assert card.misses == []
    assert card.hit == card.total > 100


@pytest.mark.parametrize("ext", (*OFFICE, "html"))
def test_two_column_header_keeps_each_cell_together(ext: str) -> None:
    if ext != "html":
        _office()
    raw = read_document(DOCS / f"header_table.{ext}").raw
    lines = [line for line in raw.splitlines() if line.strip()]
    left = ["ĐẢNG BỘ TỈNH NINH THUẬN", "HUYỆN ỦY BÁC ÁI", "*", "Số 12-KH/HU"]
    at = lines.index(left[0])
    assert lines[at : at + 4] == left
    assert lines[at + 4 : at + 6] == ["ĐẢNG CỘNG SẢN VIỆT NAM", "Bác Ái, ngày 15 tháng 4 năm 2024"]
    assert "Trang" not in raw  # the page footer is not the document's text


def test_one_libreoffice_serves_a_batch() -> None:
    """The second and later files reuse the running LibreOffice: far cheaper than a start."""
    _office()
    from ingest import office

    office.shutdown()
    start = time.perf_counter()
    read_document(DOCS / "003_4b13e15e9fe3a1d4.odt")
    first = time.perf_counter() - start
    pid = office.running_pid()
    start = time.perf_counter()
    for ext in OFFICE:
        for seed in SEEDS:
            read_document(DOCS / f"{seed.stem}.{ext}")
    rest = (time.perf_counter() - start) / (len(OFFICE) * len(SEEDS))
    assert office.running_pid() == pid  # the same process throughout
    assert rest < first


def test_a_hung_document_costs_that_document_and_libreoffice_restarts(tmp_path: Path, monkeypatch) -> None:
    _office()
    from ingest import office

    office.shutdown()
    read_document(DOCS / "003_4b13e15e9fe3a1d4.rtf")
    old = office.running_pid()
    assert old is not None
    os.killpg(old, signal.SIGSTOP)  # LibreOffice stops answering, as a hang does
    monkeypatch.setenv("LINEAGE_OFFICE_TIMEOUT", "3")
    with pytest.raises(DocumentError, match=r"LibreOffice took over 3 s on it"):
        read_document(DOCS / "002_d39dd50f05dd6cda.rtf")
    assert _group_gone(old)  # the whole group was killed, not left behind
    assert "Mẫu Thái Phương" in read_document(DOCS / "002_d39dd50f05dd6cda.rtf").raw  # a fresh one


def _group_gone(pgid: int, wait: float = 10.0) -> bool:
    """True once no live process of the group is left (zombies awaiting their reaper do not count)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        alive = False
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                alive = True
                break
        if not alive:
            return True
        time.sleep(0.2)
    return False


def test_a_crash_costs_that_document(tmp_path: Path) -> None:
    _office()
    from ingest import office

    read_document(DOCS / "003_4b13e15e9fe3a1d4.odt")
    pid = office.running_pid()
    assert pid is not None
    os.killpg(pid, signal.SIGKILL)  # LibreOffice dies between two documents
    assert "Kế hoạch" in read_document(DOCS / "004_761afcc9dff63225.odt").raw


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("x.rtf", b"not rtf at all", "not an RTF file"),
        ("x.odt", b"plain text", "not an OpenDocument file"),
        ("x.doc", b"plain text", "not a Word 97-2003 document"),
        ("x.odt", b"PK\x03\x04" + bytes(200), "unreadable .odt file"),
        ("x.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "unreadable .doc file"),
    ],
)
def test_broken_office_files_are_one_line(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    _office()
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(DocumentError) as e:
        read_document(p)
    assert e.value.reason.startswith(reason), e.value.reason
    assert "\n" not in str(e.value)


def test_missing_libreoffice_names_the_package(tmp_path: Path, monkeypatch) -> None:
    """Without soffice only the office formats fail, with the Debian package named; the rest reads."""
    from ingest import office

    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice, no libreoffice on it
    with pytest.raises(DocumentError, match=r"\(Debian package libreoffice-writer-nogui\)$"):
        office.read_office(DOCS / "003_4b13e15e9fe3a1d4.doc")
    assert read_document(DOCS / "003_4b13e15e9fe3a1d4.docx").raw
    assert read_document(DOCS / "003_4b13e15e9fe3a1d4.html").raw


# --- saved web pages ------------------------------------------------------------------------

PORTAL = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Cổng thông tin</title>
<style>body {{ font: 13px serif }}</style><script>var x = "KẾ HOẠCH giả trong script";</script></head>
<body><header><div class="logo">CỔNG THÔNG TIN ĐIỆN TỬ TỈNH</div></header>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/vb">Văn bản</a></li></ul></nav>
<div role="navigation" class="breadcrumb">Trang chủ » Văn bản » Kế hoạch</div>
<main><article>
<table border="0"><tr>
<td><p>ĐẢNG BỘ TỈNH NINH THUẬN</p><p>HUYỆN ỦY BÁC ÁI</p><p>*</p><p>Số 12-KH/HU</p></td>
<td><p><b>ĐẢNG CỘNG SẢN VIỆT NAM</b></p><p><i>Bác Ái, ngày 15 tháng 4 năm 2024</i></p></td>
</tr></table>
{body}
<div style="display:none">Kế hoạch số 999-KH/TU ẩn</div>
</article></main>
<aside>Văn bản liên quan: Kế hoạch số 1-KH/TU</aside>
<form><input name="q"><button>Tìm</button></form>
<footer>Bản quyền © Cổng thông tin điện tử tỉnh</footer></body></html>"""


def _portal(tmp_path: Path, encoding: str = "utf-8") -> Path:
    body = SEED_TEXT[SEED_TEXT.index("KẾ HOẠCH") :]
    paras = "\n".join(f"<p>{line}</p>" for line in body.splitlines() if line.strip())
    html = PORTAL.format(body=paras)
    p = tmp_path / "portal.html"
    html = html.replace('charset="utf-8"', f'charset="{encoding}"')
    p.write_bytes(html.encode() if encoding == "utf-8" else _iconv(html, encoding))
    return p


def _iconv(text: str, encoding: str) -> bytes:
    """``text`` in a legacy encoding, by glibc's iconv (Python's cp1258 codec cannot compose tones)."""
    if shutil.which("iconv") is None:
        pytest.skip("iconv (glibc) makes the legacy bytes")
    return subprocess.run(
        ["iconv", "-f", "utf-8", "-t", encoding], input=text.encode(), capture_output=True, check=True
    ).stdout


def test_portal_page_gives_the_document_without_the_site(tmp_path: Path) -> None:
    raw = read_document(_portal(tmp_path)).raw
    for site in ("Trang chủ", "CỔNG THÔNG TIN", "Bản quyền", "script", "999-KH/TU", "1-KH/TU", "Tìm"):
        assert site not in raw
    assert raw.startswith("ĐẢNG BỘ TỈNH NINH THUẬN\n")
    rec = _record(_portal(tmp_path))
    assert (rec["number"], rec["date"]) == ("12-KH/HU", "2024-04-15")
    assert rec["issuer"]["name"] == "Ban Thường vụ Huyện ủy Bác Ái"
    assert [r["number"] for r in rec["implements"]] == ["297-KH/TU"]
    assert rec["signer"] == {"name": "Mẫu Thái Phương", "title": "Bí thư"}


def test_portal_page_in_windows_1258_is_read_by_its_charset(tmp_path: Path) -> None:
    utf8 = read_document(_portal(tmp_path)).raw
    assert read_document(_portal(tmp_path, "windows-1258")).raw == utf8


def test_data_table_reads_row_by_row_one_cell_a_line() -> None:
    text = html_to_text(
        "<table><tr><th>Chỉ tiêu</th><th>Năm 2030</th></tr><tr><td>Tỷ lệ tập luyện</td><td>50%</td></tr></table>"
    )
    assert text.split() == ["Chỉ", "tiêu", "Năm", "2030", "Tỷ", "lệ", "tập", "luyện", "50%"]
    assert text.splitlines()[0] == "Chỉ tiêu"


@pytest.mark.parametrize("html", ["", "<html></html>", "<script>alert(1)</script>", "\x00\x01\x02"])
def test_empty_or_junk_web_page_is_one_line(tmp_path: Path, html: str) -> None:
    p = tmp_path / "x.htm"
    p.write_text(html, encoding="utf-8")
    with pytest.raises(DocumentError) as e:
        read_document(p)
    assert "\n" not in e.value.reason


# --- text encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
     ("utf-32-le", codecs.BOM_UTF32_LE), ("utf-16-le", b"")],
)  # fmt: skip
def test_unicode_with_or_without_a_bom_reads_as_the_text(tmp_path: Path, encoding: str, bom: bytes) -> None:
    p = tmp_path / "plan.txt"
    p.write_bytes(bom + SEED_TEXT.encode(encoding))
    assert read_document(p).raw == SEED_TEXT


def test_invalid_utf8_of_even_length_is_not_taken_for_utf16(tmp_path: Path) -> None:
    data = SEED_TEXT.encode("utf-8")[:4000] + b"\xff\xfe\xc3\x28\x80\x81"
    data = data[: len(data) // 2 * 2]
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    with pytest.raises(DocumentError, match="not valid UTF-8 text"):
        read_document(p)


@pytest.mark.parametrize("iconv_name", ["TCVN5712-1", "CP1258"])
def test_legacy_vietnamese_encodings_are_converted(tmp_path: Path, iconv_name: str) -> None:
    plain = SEED_TEXT.replace("“", '"').replace("”", '"').replace("–", "-")  # not in TCVN3
    data = _iconv(plain, iconv_name)
    assert data != plain.encode()
    p = tmp_path / "legacy.txt"
    p.write_bytes(data)
    assert read_document(p).raw == plain
    assert _record(p)["number"] == _record(ROOT / "data" / "seeds" / "002_d39dd50f05dd6cda.txt")["number"]


def _vni(text: str) -> bytes:
    """Text in VNI-Windows: a vowel then the Latin-1 letter that draws its tone."""
    tones = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
    out = []
    import unicodedata

    for ch in unicodedata.normalize("NFD", text):
        out.append(tones.get(ch, "" if unicodedata.combining(ch) else ch))
    return "".join(out).replace("đ", "ñ").replace("Đ", "Ñ").encode("cp1252", "replace")


def test_vni_is_named_in_the_refusal(tmp_path: Path) -> None:
    p = tmp_path / "vni.txt"
    p.write_bytes(_vni(SEED_TEXT))
    with pytest.raises(DocumentError, match=r"legacy Vietnamese encoding VNI"):
        read_document(p)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty document: the file is empty"),
        (b"   \n\n\t ", "empty document: no text"),
        (bytes(range(256)) * 8, "binary file, not text"),
        (b"\x7fELF\x02\x01\x01" + bytes(500), "binary file, not text"),
        (b"caf\xe9 cr\xe8me br\xfbl\xe9e " * 50, "not valid UTF-8 text"),
    ],
)
def test_junk_text_files_are_one_line(tmp_path: Path, data: bytes, reason: str) -> None:
    p = tmp_path / "x.txt"
    p.write_bytes(data)
    with pytest.raises(DocumentError) as e:
        read_document(p)
    assert e.value.reason.startswith(reason), e.value.reason


def test_pdf_set_in_a_tcvn3_font_is_read_as_unicode(tmp_path: Path) -> None:
    """A text layer in .VnTime codes reads as "KÕ ho¹ch"; the reader gives "Kế hoạch"."""
    from pdf_fixtures import tiny_pdf

    plain = SEED_TEXT.replace("“", '"').replace("”", '"').replace("–", "-")
    lines = [line.strip() for line in plain.splitlines() if line.strip()][:40]
    data = [_iconv(line[:90], "TCVN5712-1") for line in lines]
    p = tmp_path / "vntime.pdf"
    p.write_bytes(tiny_pdf(data))
    raw = read_document(p).raw
    assert "KẾ HOẠCH" in raw and "Bác Ái" in raw and "¹" not in raw


def test_decode_text_never_guesses_utf16_from_odd_bytes() -> None:
    with pytest.raises(DocumentError):
        decode_text(b"\x80" * 1000, "x")


# --- limits ---------------------------------------------------------------------------------


def test_a_million_character_line_is_refused_fast(tmp_path: Path) -> None:
    p = tmp_path / "line.txt"
    p.write_text("Kế hoạch số 1-KH/TU " * 50_000, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(DocumentError, match=r"a line of 1,000,000 characters is over the limit of 100,000"):
        extract_file(str(p))
    assert time.perf_counter() - start < 2


def test_size_limits_are_configurable(tmp_path: Path, monkeypatch) -> None:
    p = tmp_path / "big.txt"
    p.write_text(SEED_TEXT * 3, encoding="utf-8")
    assert len(read_document(p).raw) == 27_609
    monkeypatch.setenv("LINEAGE_MAX_TEXT_CHARS", "10000")
    with pytest.raises(DocumentError, match=r"text of 27,609 characters is over the limit of 10,000$"):
        read_document(p)
    monkeypatch.setenv("LINEAGE_MAX_FILE_MB", "1")
    huge = tmp_path / "huge.pdf"
    with open(huge, "wb") as f:
        f.truncate(3 * 1024 * 1024)
    with pytest.raises(DocumentError, match=r"file of 3 MB is over the limit of 1 MB"):
        read_document(huge)


def test_a_huge_text_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    p = tmp_path / "huge.txt"
    with open(p, "wb") as f:
        f.truncate(90 * 1024 * 1024)  # sparse: no disk, but 90 MB to whoever reads it
    code = (
        "import resource, sys\nfrom ingest import read_document, DocumentError\n"
        "try:\n    read_document(sys.argv[1])\nexcept DocumentError as e:\n    print(e.reason)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    small = tmp_path / "small.txt"
    small.write_text(SEED_TEXT, encoding="utf-8")

    def peak(path: Path) -> tuple[str, int]:
        out = subprocess.run(
            [sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT, check=True
        )
        lines = out.stdout.splitlines()
        return (lines[0] if len(lines) > 1 else ""), int(lines[-1])

    reason, huge_kb = peak(p)
    assert reason == "text file over the limit of 2,000,000 characters"
    _, small_kb = peak(small)
    assert huge_kb - small_kb < 30 * 1024  # the 90 MB were never read: memory as for a small plan
    assert resource  # (imported for the child's measure)


def test_zip_bomb_docx_is_refused(tmp_path: Path) -> None:
    import zipfile

    p = tmp_path / "bomb.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\x00" * (300 * 1024 * 1024))
    assert p.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(DocumentError, match=r"too large once unpacked \(zip bomb\?\)"):
        read_document(p)


@pytest.mark.parametrize("ext", ["doc", "odt", "rtf", "html", "htm", "png", "jpg", "jpeg", "tif", "tiff"])
def test_cli_extract_accepts_every_new_extension(tmp_path: Path, ext: str) -> None:
    """`lineage extract` dispatches every new suffix to a reader (junk gives its reason, not 'unsupported')."""
    p = tmp_path / f"x.{ext}"
    p.write_bytes(b"\x01\x02junk")
    proc = subprocess.run(
        [sys.executable, "-m", "lineage.cli", "extract", str(p)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "unsupported file type" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
