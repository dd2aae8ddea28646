"""OCR-aware reading on hand-made OCR-like texts: misread numbers, years and place names.

What it guards (issue 14, "OCR-aware extraction"): a reference whose number or year OCR
misread by one look-alike character resolves, in the graph, to the known document of the
same issuer and year, with basis ``inferred`` and a lower confidence, and only for a
record read by OCR (a typed number is what the author wrote); ambiguous or unknown
look-alikes stay as read. A target year misread the same way is checked against the
document's own years; a place name one edit from a unique known name is put right.
"""

from __future__ import annotations

import pytest

from graph.identity import Catalogue, DocKey, plan_id
from graph.ocr_resolve import look_alikes, misread
from graph.service import Lineage
from graph.store import open_store
from ingest import extract
from ingest.layout import PageMap
from ingest.model import PlanRecord
from ingest.ocr_fix import fix_words
from ingest.ocr_places import fix_places, one_edit
from ingest.ocr_sense import sensible_years
from ingest.readers import Document
from ingest.text import normalize_document

PARENT = """TỈNH ỦY BẮC KẠN                    ĐẢNG CỘNG SẢN VIỆT NAM
BAN THƯỜNG VỤ
Số 241-KH/TU                       Bắc Kạn, ngày 02 tháng 4 năm 2024

KẾ HOẠCH
thực hiện Kết luận số 70-KL/TW ngày 31/01/2024 của Bộ Chính trị về phát triển thể dục, thể thao

Thực hiện Kết luận số 70-KL/TW ngày 31/01/2024 của Bộ Chính trị về phát triển thể dục, thể thao
trong giai đoạn mới, Ban Thường vụ Tỉnh ủy xây dựng kế hoạch thực hiện như sau:
Phấn đấu đến năm 2030, tỷ lệ người tập luyện thể dục, thể thao thường xuyên đạt trên 40% dân số.

T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ
Nguyễn Văn An
"""

# As OCR gives it: "241" read "247", a year read "2036" (the plan's periods end in 2030).
CHILD = """HUYỆN ỦY BẠCH THÔNG                 ĐẢNG CỘNG SẢN VIỆT NAM
BAN THƯỜNG VỤ
Số 12-KH/HU                        Bạch Thông, ngày 15 tháng 4 năm 2024

KẾ HOẠCH
thực hiện Kế hoạch số 247-KH/TU của Ban Thường vụ Tỉnh ủy giai đoạn 2024 - 2030

Thực hiện Kế hoạch số {number} ngày {date} của Ban Thường vụ Tỉnh ủy Bắc Kạn về thực
hiện Kết luận số 70-KL/TW ngày 31/01/2024 của Bộ Chính trị, Ban Thường vụ Huyện ủy xây dựng
kế hoạch thực hiện giai đoạn 2024 - 2030 như sau:
Phấn đấu đến năm 2036, tỷ lệ người tập luyện thể dục, thể thao thường xuyên đạt trên 40% dân số.

T/M BAN THƯỜNG VỤ
BÍ THƯ
Trần Văn Bình
"""


def _record(text: str, name: str, ocr: bool) -> PlanRecord:
    """The record of ``text``; with ``ocr``, as the OCR reader hands it over (a page map, no boxes)."""
    layout = PageMap([], [(2480, 3508)], 300, [0.0]) if ocr else None
    return extract(Document(name, text, normalize_document(text), name, layout=layout))


def _child(number: str = "247-KH/TU", date: str = "02/4/2024", ocr: bool = True) -> PlanRecord:
    return _record(CHILD.format(number=number, date=date), f"child-{number}-{date}-{ocr}.pdf", ocr)


def _key(number: str, year: str = "2024") -> DocKey:
    return DocKey("bac-kan", "tinh-uy", "ke-hoach", number, year)


def test_look_alikes_change_one_character() -> None:
    assert "241-kh-tu" in look_alikes("247-kh-tu") and "2030" in look_alikes("2036")
    assert all(sum(a != b for a, b in zip(v, "160", strict=True)) == 1 for v in look_alikes("160"))
    assert look_alikes("kh-tu") == set()  # no look-alike characters


def test_misread_picks_the_single_known_look_alike() -> None:
    cat = Catalogue([_key("241-kh-tu"), _key("12-kh-tu", "2020")])
    assert misread(cat, _key("247-kh-tu")) == _key("241-kh-tu")
    assert misread(cat, _key("12-kh-tu", "2026")) == _key("12-kh-tu", "2020")  # the year misread
    assert misread(cat, _key("241-kh-tu")) is None  # known as read
    assert misread(cat, _key("999-kh-tu")) is None  # no look-alike known
    other_body = DocKey("bac-kan", "ubnd", "ke-hoach", "247-kh-tu", "2024")
    assert misread(cat, other_body) is None  # another issuer's 241 is not this one
    cat.add(_key("160-kh-tu"))
    assert misread(cat, _key("166-kh-tu")) == _key("160-kh-tu")
    cat.add(_key("168-kh-tu"))  # two look-alikes known: ambiguous, left as read
    assert misread(cat, _key("166-kh-tu")) is None
    assert misread(cat, DocKey("x", "tinh-uy", "ke-hoach", "247-kh-tu", "2024")) is None  # place unread


@pytest.mark.parametrize("order", ["one batch", "parent first"])
def test_a_misread_reference_resolves_to_the_known_plan(order: str) -> None:
    parent = _record(PARENT, "parent.txt", ocr=False)
    pid = plan_id(_key("241-kh-tu"))
    lin = Lineage.open(open_store("memory:"))
    if order == "one batch":
        lin.ingest_records([_child(), parent])
    else:
        lin.ingest_records([parent])
        lin.ingest_records([_child()])
    (child,) = lin.children(pid)
    child_id = child["id"]
    plan = lin.plan(child_id)
    assert plan is not None and plan["parents"] == [pid]
    link = next(link for link in plan["links"] if link["target"] == pid)
    assert link["evidence"]["basis"] == "inferred" and link["evidence"]["confidence"] < 0.95 * 0.7
    assert "247-KH/TU" in link["evidence"]["text"]  # the evidence is still what the page says
    assert lin.stats()["stubs"] == 1  # Kết luận 70 only: no stub for "247-KH/TU"
    assert lin.plan(pid)["number"] == "241-KH/TU"  # the misread number is not stated of it


def test_a_typed_number_is_what_the_author_wrote() -> None:
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records([_record(PARENT, "parent.txt", ocr=False), _child(ocr=False)])
    pid = plan_id(_key("241-kh-tu"))
    assert lin.children(pid) == []
    stub = lin.plan(plan_id(_key("247-kh-tu")))
    assert stub is not None and stub["stub"] and stub["children"]


def test_an_ambiguous_misreading_stays_as_read() -> None:
    lin = Lineage.open(open_store("memory:"))
    parent = _record(PARENT.replace("241-KH/TU", "160-KH/TU"), "parent.txt", ocr=False)
    twin = _record(PARENT.replace("241-KH/TU", "166-KH/TU"), "twin.txt", ocr=False)
    lin.ingest_records([parent, twin, _child("168-KH/TU")])
    assert lin.children(plan_id(_key("160-kh-tu"))) == lin.children(plan_id(_key("166-kh-tu"))) == []
    assert lin.plan(plan_id(_key("168-kh-tu")))["stub"]


def test_a_misread_target_year_is_checked_against_the_plans_own_years() -> None:
    child = _child()
    (target,) = child.targets
    assert target.year == 2030  # "2036": printed once, while 2030 ends both periods
    assert target.evidence is not None and target.evidence.basis == "inferred"
    assert target.evidence.method.endswith("+ocr-year") and target.evidence.confidence < 0.8
    typed = _child(ocr=False)
    assert typed.targets[0].year == 2036  # not from OCR: what the plan says
    # a year the plan prints again is what it says, even from OCR
    text = CHILD.format(number="247-KH/TU", date="02/4/2024").replace("2024 - 2030", "2024 - 2036")
    again = sensible_years(_record(text, "again.pdf", ocr=False), text)
    assert again.targets[0].year == 2036


def test_place_names_one_edit_from_a_unique_known_name_are_put_right() -> None:
    assert one_edit("kạm", "kạn") and one_edit("bắc", "bắcc") and one_edit("bắc", "bc")
    assert not one_edit("kạn", "kạn") and not one_edit("bắc", "bạn")
    line = "của Ban Thường vụ Tỉnh ủy Bắc Kạm, UBND huyện Bảo Thắnq và HUYỆN ỦY BÁC ÁL".split()  # noqa: SIM905
    fixed = " ".join(fix_places(line))
    assert fixed == "của Ban Thường vụ Tỉnh ủy Bắc Kạn, UBND huyện Bảo Thắng và HUYỆN ỦY BÁC ÁI"
    kept = "tỉnh Bắc Ninh Kế hoạch số 12 huyện Xyzabc".split()  # noqa: SIM905
    assert fix_places(kept) == kept  # known names, and names near to nothing, untouched
    assert fix_words(["SỐ", "-", "KH/HU"])[0] == "Số" and fix_words(["SỐ", "LIỆU"])[0] == "SỐ"
