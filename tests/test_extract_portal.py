"""Extraction of real portal text (issue 14): page layouts, metadata lines, news pages,
central issuers known from their symbol, what does and does not make a link, text
without its marks, one label per campaign, and files that are no official document.

Each construction is written as a small text of our own, in the layouts real portals
print (the shared real-document set, ../shared/real, is scored by the shared scorer)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from ingest import extract
from ingest.accents import restore, text_quality
from ingest.readers import Document
from ingest.text import normalize_document

ROOT = Path(__file__).resolve().parent.parent
LINEAGE = str(Path(sys.executable).with_name("lineage"))


def rec(text: str) -> dict:
    doc = Document(source="page.txt", raw=text, norm=normalize_document(text), sha256="0" * 64)
    return extract(doc).to_json(with_evidence=False)


def numbers(refs: list[dict]) -> list[str]:
    return [r["number"] for r in refs]


PORTAL = """Quyết định 2658/QĐ-BTP năm 2020 về Kế hoạch công tác phổ biến pháp luật
Số hiệu: 2658/QĐ-BTP Loại văn bản: Quyết định
Nơi ban hành: Bộ Tư pháp Người ký: Nguyễn Thanh Tịnh
Ngày ban hành: 31/12/2020 Ngày hiệu lực: Đang cập nhật

BỘ TƯ PHÁP
-------
Số: 2658/QĐ-BTP
Hà Nội, ngày 31 tháng 12 năm 2020

QUYẾT ĐỊNH
BAN HÀNH KẾ HOẠCH CÔNG TÁC PHỔ BIẾN, GIÁO DỤC PHÁP LUẬT NĂM 2021

BỘ TRƯỞNG BỘ TƯ PHÁP

Căn cứ Nghị định số 96/2017/NĐ-CP ngày 16/8/2017 của Chính phủ quy định chức năng của Bộ Tư pháp;
Căn cứ Quyết định số 619/QĐ-TTg ngày 08/5/2017 của Thủ tướng Chính phủ ban hành Quy định;
Theo đề nghị của Vụ trưởng Vụ Phổ biến tại Tờ trình số 55/TTr-PBGDPL ngày 20/12/2020.

QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.
"""


def test_portal_metadata_gives_the_signer_and_a_central_issuer_its_vocabulary_name() -> None:
    r = rec(PORTAL)
    assert (r["doc_type"], r["number"], r["symbol"], r["date"]) == (
        "quyet_dinh",
        "2658/QĐ-BTP",
        "QĐ-BTP",
        "2020-12-31",
    )
    assert (r["issuer"]["name"], r["issuer"]["system"], r["issuer"]["level"]) == (
        "Bộ Tư pháp",
        "state",
        "central",
    )
    # the portal's "Người ký" is the only source: the name, no title
    assert r["signer"] == {"name": "Nguyễn Thanh Tịnh", "title": None}
    # "Theo đề nghị ... Tờ trình" is neither a basis nor carried out
    assert numbers(r["based_on"]) == ["96/2017/NĐ-CP", "619/QĐ-TTg"]
    assert "55/TTr-PBGDPL" in numbers(r["cites"])


def test_portal_table_rows_give_number_and_date_where_the_page_has_no_header() -> None:
    r = rec(
        "Kế hoạch 186/KH-UBND năm 2025 phát triển chính quyền số\n"
        "| Số hiệu | 186/KH-UBND |\n| Ngày ban hành | 29/12/2025 |\n| Loại văn bản | Kế hoạch |\n"
        "| Người ký | Mai Sơn |\n\nThực hiện Nghị quyết số 214/NQ-CP ngày 23/7/2025 của Chính phủ, "
        "Ủy ban nhân dân tỉnh Bắc Ninh ban hành Kế hoạch như sau:\nI. MỤC ĐÍCH\n"
    )
    assert (r["doc_type"], r["number"], r["symbol"], r["date"]) == (
        "ke_hoach",
        "186/KH-UBND",
        "KH-UBND",
        "2025-12-29",
    )
    assert r["signer"] == {"name": "Mai Sơn", "title": None}
    assert numbers(r["implements"]) == ["214/NQ-CP"]


def test_a_news_page_gives_the_announced_document_and_never_makes_it_its_own_parent() -> None:
    r = rec(
        "Hải Phòng, ngày 18 tháng 11 năm 2019\n"
        "    Thực hiện Chương trình hành động số 16-CTr/TU ngày 25/3/2008 của Ban Thường vụ Thành ủy về "
        "cải cách hành chính, ngày 13/5/2011, Ủy ban nhân dân huyện Thủy Nguyên ban hành Kế hoạch số "
        "42/KH-UBND về thực hiện cải cách hành chính năm 2011.\n"
    )
    # the page's print date is not the document's; the announcing sentence's date is
    assert (r["doc_type"], r["number"], r["date"]) == ("ke_hoach", "42/KH-UBND", "2011-05-13")
    assert numbers(r["implements"]) == ["16-CTr/TU"]
    assert r["issuer"]["name"] == "Ủy ban nhân dân huyện Thủy Nguyên"


def test_a_news_article_names_the_body_and_the_signer_of_the_document() -> None:
    r = rec(
        "19:58 | 07/09/2021 GMT+7\n\nÔng Ngô Đức Sáu – Phó Chủ tịch UBND huyện Lâm Thao, tỉnh Phú Thọ đã ký "
        "hướng dẫn số 1510/UBND-GDĐT ngày 27/8/2021, về việc hướng dẫn công tác quản lý thu, chi năm học.\n"
    )
    assert (r["doc_type"], r["number"], r["date"]) == ("huong_dan", "1510/UBND-GDĐT", "2021-08-27")
    assert (r["issuer"]["name"], r["issuer"]["province"]) == ("Ủy ban nhân dân huyện Lâm Thao", "Phú Thọ")
    assert r["signer"] == {"name": "Ngô Đức Sáu", "title": "Phó Chủ tịch"}
    assert r["implements"] == []


@pytest.mark.parametrize(
    ("number", "name", "system"),
    [
        ("1611/KH-BGDĐT", "Bộ Giáo dục và Đào tạo", "state"),
        ("24/CT-TTg", "Thủ tướng Chính phủ", "state"),
        ("225-KH/TWĐTN-CTTN", "Ban Bí thư Trung ương Đoàn TNCS Hồ Chí Minh", "mass_org"),
        ("5556/QĐBYT", "Bộ Y tế", "state"),  # a lost hyphen: still a decision of the ministry
    ],
)
def test_a_central_issuer_known_only_from_the_symbol(number: str, name: str, system: str) -> None:
    r = rec(f"Số: {number}\nHà Nội, ngày 15 tháng 11 năm 2022\n\nNội dung ...\n")
    assert (r["issuer"]["name"], r["issuer"]["system"], r["issuer"]["level"]) == (name, system, "central")
    assert r["doc_type"] != "other"


def test_references_known_only_from_their_symbol_are_central() -> None:
    r = rec(
        "UBND TỈNH HƯNG YÊN\nSố: 28/CTr-UBND\nHưng Yên, ngày 18 tháng 02 năm 2022\nCHƯƠNG TRÌNH HÀNH ĐỘNG\n"
        "Thực hiện Nghị quyết số 11/NQ-CP ngày 30/01/2022 của Chính phủ và triển khai Nghị quyết số "
        "43/2022/QH15; các Nghị quyết: số 340/NQ-HĐND ngày 22/12/2020; 148/NQ-HĐND ngày 26/10/2021 và "
        "Công văn số 892/BKHĐT-TH ngày 14/02/2022, Ủy ban nhân dân tỉnh ban hành Chương trình như sau:\n"
        "I. MỤC ĐÍCH\n"
    )
    refs = {x["number"]: x for x in r["implements"]}
    assert set(refs) == {"11/NQ-CP", "340/NQ-HĐND", "148/NQ-HĐND", "892/BKHĐT-TH"}
    (qh,) = refs["11/NQ-CP"]["implements"]
    assert (qh["number"], qh["issuer"]["system"], qh["issuer"]["level"]) == (
        "43/2022/QH15",
        "state",
        "central",
    )
    assert refs["892/BKHĐT-TH"]["issuer"]["level"] == "central"
    # a council's resolution cited by a provincial body, without its name: the province's own
    assert (refs["148/NQ-HĐND"]["issuer"]["level"], refs["148/NQ-HĐND"]["issuer"]["province"]) == (
        "province",
        "Hưng Yên",
    )


def test_lower_case_can_cu_after_a_semicolon_is_a_basis_and_tren_co_so_goes_nowhere() -> None:
    r = rec(
        "HUYỆN ỦY BẠCH THÔNG\nSố 12-KH/HU\nBạch Thông, ngày 02 tháng 7 năm 2020\nKẾ HOẠCH\nTuyên truyền\n"
        "Thực hiện Kế hoạch số 157-KH/TU ngày 20/5/2020 của Ban Thường vụ Tỉnh ủy; căn cứ Hướng dẫn số "
        "115-HD/BTGTW ngày 08/01/2020 của Ban Tuyên giáo Trung ương, trên cơ sở Kế hoạch số 31-KH/HU "
        "ngày 12/11/2019 của Huyện ủy, Ban Thường vụ Huyện ủy xây dựng kế hoạch như sau:\nI. MỤC ĐÍCH\n"
    )
    assert numbers(r["implements"]) == ["157-KH/TU"]
    assert numbers(r["based_on"]) == ["115-HD/BTGTW"]
    assert "31-KH/HU" in numbers(r["cites"])


def test_a_basis_heading_list_and_a_dash_list_after_can_cu() -> None:
    heading = rec(
        "ỦY BAN NHÂN DÂN TỈNH TIỀN GIANG\nSố: 12/KH-UBND\nTiền Giang, ngày 5 tháng 9 năm 2022\nKẾ HOẠCH\n"
        "THỰC HIỆN CHƯƠNG TRÌNH CHUYỂN ĐỔI SỐ SỐ 924/QĐ-TTG\nI. CĂN CỨ XÂY DỰNG KẾ HOẠCH\n"
        "1. Quyết định số 924/QĐ-TTg ngày 22\ntháng 8 năm 2022 của Thủ tướng Chính phủ;\n"
        "2. Thông tư 05/2022/TT-BNNPTNT ngày 25 tháng 7 năm 2022 của Bộ Nông nghiệp và Phát triển nông thôn.\n"
        "II. MỤC ĐÍCH\n"
    )
    assert numbers(heading["based_on"]) == ["924/QĐ-TTg", "05/2022/TT-BNNPTNT"]
    assert heading["implements"] == []  # a title in capitals is not a preamble
    ministry = heading["based_on"][1]["issuer"]
    assert (ministry["system"], ministry["level"], ministry["province"]) == ("state", "central", None)
    dashes = rec(
        "HỘI CỰU CHIẾN BINH TỈNH NAM ĐỊNH\nSố: 12/KH-CCB\nNam Định, ngày 02 tháng 3 năm 2017\nKẾ HOẠCH\n"
        "Kỷ niệm 70 năm Ngày Thương binh Liệt sỹ\n\n-  Căn cứ chỉ thị số 02/CT-TTg ngày 25/01/2016 của "
        "Thủ tướng Chính phủ về người có công.\n    -  Kế hoạch số 9799/KH-BQP ngày 7/10/2015 của Bộ Quốc "
        "phòng về kỷ niệm 70 năm.\n\nHội xây dựng kế hoạch như sau:\nA- NỘI DUNG\n"
    )
    assert numbers(dashes["based_on"]) == ["02/CT-TTg", "9799/KH-BQP"]


def _unmarked(s: str) -> str:
    nfc = unicodedata.normalize("NFC", s)
    return "".join({"đ": "d", "Đ": "D"}.get(c, unicodedata.normalize("NFD", c)[0]) for c in nfc)


ACCENTED = """ỦY BAN NHÂN DÂN
TỈNH BẮC NINH
Số: 154/KH-UBND
Bắc Ninh, ngày 11 tháng 6 năm 2024

KẾ HOẠCH
Triển khai thực hiện Kết luận số 70-KL/TW của Bộ Chính trị về phát triển thể dục, thể thao

Thực hiện Kết luận số 70-KL/TW ngày 31/01/2024 của Bộ Chính trị; Kế hoạch số 241-KH/TU ngày 02/4/2024
của Ban Thường vụ Tỉnh ủy Bắc Ninh về thực hiện Kết luận số 70-KL/TW, Ủy ban nhân dân tỉnh Bắc Ninh xây
dựng Kế hoạch thực hiện như sau:

I. MỤC ĐÍCH, YÊU CẦU
Tổ chức quán triệt và triển khai thực hiện nghiêm túc, hiệu quả các nội dung của Kết luận trên địa bàn
tỉnh; nâng cao nhận thức của các cấp, các ngành và nhân dân về vai trò của thể dục, thể thao.
"""


def test_text_without_marks_is_flagged_and_still_read() -> None:
    plain = _unmarked(ACCENTED)
    assert text_quality(plain) == "accentless" and text_quality(ACCENTED) == "ok"
    restored = restore(plain)
    assert len(restored) == len(plain)  # offsets into the original text hold
    r = rec(plain)
    assert r["text_quality"] == "accentless"
    assert (r["doc_type"], r["number"], r["date"]) == ("ke_hoach", "154/KH-UBND", "2024-06-11")
    assert (r["issuer"]["name"], r["issuer"]["province"], r["issuer"]["level"]) == (
        "Ủy ban nhân dân tỉnh Bắc Ninh",
        "Bắc Ninh",
        "province",
    )
    assert numbers(r["implements"]) == ["70-KL/TW", "241-KH/TU"]
    assert r["implements"][1]["issuer"]["name"] == "Ban Thường vụ Tỉnh ủy Bắc Ninh"
    # a sound text's record has no such key: records read as they always did
    assert "text_quality" not in rec(ACCENTED)


def test_a_campaign_in_capitals_and_in_sentence_case_is_one_campaign() -> None:
    r = rec(
        "THỦ TƯỚNG CHÍNH PHỦ\nSố: 24/CT-TTg\nHà Nội, ngày 17 tháng 09 năm 2012\nCHỈ THỊ\nVỀ VIỆC TĂNG CƯỜNG "
        'THỰC HIỆN CUỘC VẬN ĐỘNG\n"NGƯỜI VIỆT DÙNG HÀNG VIỆT CHẤT LƯỢNG CAO"\nSau 3 năm triển khai, '
        "Cuộc vận động “Người Việt dùng hàng Việt chất lượng cao” đã tạo ra xu hướng tiêu dùng.\n"
    )
    assert r["campaigns"] == ["Người Việt dùng hàng Việt chất lượng cao"]


def _ingest(store: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LINEAGE_STORE": str(store)}
    return subprocess.run(
        [LINEAGE, "ingest", "--store", str(store), *map(str, paths)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_ingest_skips_a_file_that_is_no_official_document_but_keeps_a_plan_with_a_blank_number(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "README.md").write_text("# Notes\n\nThese files were collected by hand from portals.\n")
    shutil.copy(ROOT / "data" / "seeds" / "000_5d5e4ef2eda93763.txt", folder)  # its number is blank
    out = _ingest(tmp_path / "store", folder)
    assert out.returncode == 0, out.stderr
    assert "skipped: README.md: not an official document (no number, type or issuer)" in out.stderr
    assert "failed" not in out.stderr
    assert "ingested 1 document(s), 0 unchanged, 0 failed" in out.stdout
    # `lineage extract` still prints the record of such a file
    ext = subprocess.run(
        [LINEAGE, "extract", str(folder / "README.md"), "--format", "json"], capture_output=True
    )
    assert ext.returncode == 0 and b'"doc_type": "other"' in ext.stdout


REAL = ROOT.parent / "shared" / "real"


def test_documents_that_print_a_campaign_differently_validate_together(tmp_path: Path) -> None:
    """One skos:prefLabel per campaign whatever case each document prints it in (with
    ../shared/real beside the checkout, the real set and the seeds are ingested together)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for i, name in enumerate(["CUỘC VẬN ĐỘNG “NGƯỜI VIỆT DÙNG HÀNG VIỆT CHẤT LƯỢNG CAO”", ""]):
        quote = name or "cuộc vận động “Người Việt dùng hàng Việt chất lượng cao”"
        (folder / f"{i}.txt").write_text(
            f"UBND TỈNH BẮC NINH\nSố: {10 + i}/KH-UBND\nBắc Ninh, ngày 11 tháng 6 năm 2024\nKẾ HOẠCH\n"
            f"Hưởng ứng\n\nThực hiện {quote}, Ủy ban nhân dân tỉnh xây dựng Kế hoạch như sau:\nI. MỤC ĐÍCH\n",
            encoding="utf-8",
        )
    paths = [folder, ROOT / "data" / "seeds", *([REAL] if REAL.is_dir() else [])]
    store = tmp_path / "store"
    out = _ingest(store, *paths)
    assert out.returncode == 0, out.stderr
    v = subprocess.run(
        [LINEAGE, "validate", "--store", str(store)], capture_output=True, text=True, timeout=300
    )
    assert v.returncode == 0 and v.stdout.startswith("valid"), v.stdout + v.stderr


def test_a_parent_sharing_the_documents_number_is_still_its_parent() -> None:
    """A document never carries out itself, but a mention of its number with another date is
    another document: a commune's 22/KH-UBND carrying out the district's 22/KH-UBND."""
    d = rec(
        "ỦY BAN NHÂN DÂN\nXÃ MÃ ĐÀ\n\nSố 22/KH-UBND    Vĩnh Cửu, ngày 15 tháng 4 năm 2024\n\n"
        "KẾ HOẠCH\nTriển khai thực hiện Kết luận số 70-KL/TW\n\n"
        "Thực hiện Kế hoạch số 22/KH-UBND ngày 11/04/2024 của UBND huyện Vĩnh Cửu về thực hiện "
        "Kết luận số 70-KL/TW của Bộ Chính trị về phát triển thể dục, thể thao trong giai đoạn mới;\n"
        "UBND xã Mã Đà xây dựng Kế hoạch thực hiện, cụ thể như sau:\n"
    )
    assert d["number"] == "22/KH-UBND" and d["date"] == "2024-04-15"
    (parent,) = d["implements"]
    assert parent["number"] == "22/KH-UBND" and parent["date"] == "2024-04-11"
    assert parent["issuer"]["level"] == "district"
