"""Property-based tests of the number, date and reference parsers: any well-formed
reference survives spacing, line breaks, tone placement and Unicode form, and no
text makes them raise."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.extract import extract
from ingest.readers import Document
from ingest.refs import find_mentions, norm_key
from ingest.text import normalize, normalize_document

SYMBOLS = ["KH/TU", "KL/TW", "KH-UBND", "QĐ-UBND", "KH-MTTQ-BTT", "NQ/TU", "KH/HU", "CT/TW", "QĐ-TTg"]
TYPES = ["Kế hoạch", "Kết luận", "Quyết định", "Nghị quyết", "Chỉ thị"]
ISSUERS = [
    "Ban Thường vụ Tỉnh ủy Bắc Kạn",
    "UBND tỉnh Bắc Ninh",
    "Bộ Chính trị",
    "Ban Thường vụ Tỉnh uỷ Lào Cai",
]

gap = st.sampled_from(["", " ", "  ", " \n\n", "\n"])
space = st.sampled_from([" ", "  ", " \n\n", "\n"])


@st.composite
def references(draw):
    num = draw(st.integers(1, 9999))
    sym = draw(st.sampled_from(SYMBOLS))
    sep = "/" if sym.startswith(("KH-", "QĐ-")) else "-"
    y, m, d = draw(st.integers(2000, 2030)), draw(st.integers(1, 12)), draw(st.integers(1, 28))
    date_form = draw(st.sampled_from(["{d}/{m}/{y}", "{d:02d}-{m}-{y}", "{d} tháng {m} năm {y}"]))
    text = (
        f"{draw(st.sampled_from(TYPES))} số {num}{draw(gap)}{sep}{draw(gap)}{sym}"
        f",{draw(space)}ngày {date_form.format(d=d, m=m, y=y)} của{draw(space)}{draw(st.sampled_from(ISSUERS))}"
    )
    return text, f"{num}{sep}{sym}", f"{y:04d}-{m:02d}-{d:02d}"


@settings(max_examples=200, deadline=None)
@given(references(), st.sampled_from(["NFC", "NFD"]))
def test_reference_survives_spacing_breaks_and_unicode_forms(ref, form) -> None:
    text, number, date = ref
    raw = unicodedata.normalize(form, "Thực hiện " + text + " về phát triển thể thao.")
    norm = normalize_document(raw).text
    (m,) = find_mentions(norm)
    assert norm_key(m.number) == norm_key(number)
    assert m.date == date
    assert m.organ is not None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_parsers_never_raise_on_arbitrary_text(text) -> None:
    nt = normalize_document(text)
    find_mentions(nt.text)
    extract(Document(source="x.txt", raw=text, norm=nt, sha256="0" * 64))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_normalisation_is_idempotent_and_offsets_stay_in_bounds(text) -> None:
    once = normalize(text)
    assert normalize(once) == once
    nt = normalize_document(text)
    assert len(nt.offsets) == len(nt.text)
    for i in range(len(nt.text)):
        a, b = nt.orig_span(i, i + 1)
        assert 0 <= a < b <= len(text)


@given(st.sampled_from(["hoá", "uỷ", "thuỷ", "HOÁ", "khoẻ"]))
def test_old_tone_placement_becomes_modern(word) -> None:
    assert normalize(word) in {"hóa", "ủy", "thủy", "HÓA", "khỏe"}
