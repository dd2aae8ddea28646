"""Property-based tests of the number, date and reference parsers: any well-formed
reference survives spacing, line breaks, tone placement and Unicode form, and no
text makes them raise."""

from __future__ import annotations

import unicodedata

import pytest
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


# -- the fast paths give what the plain ones give --------------------------------------
def _fold_by_unidecode(s: str) -> str:
    """:func:`ingest.text.fold` as first written: NFC, unidecode, case-fold, non-alphanumerics to spaces."""
    import re

    from unidecode import unidecode

    s = unicodedata.normalize("NFC", s).replace("đ", "d").replace("Đ", "D")
    return re.sub(r"[^0-9a-z]+", " ", unidecode(s).casefold()).strip()


def test_fold_is_unidecode_for_every_character_that_decomposes() -> None:
    """The plain route folds a decomposed text byte by byte; every character with a
    canonical decomposition must fold as unidecode folds it, alone and between letters."""
    import sys

    from ingest.text import fold

    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        dec = unicodedata.decomposition(ch)
        if not dec or dec.startswith("<"):
            continue
        for s in (ch, f"a{ch}b", f"a {ch} b"):
            assert fold(s) == _fold_by_unidecode(s), (hex(cp), s)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60), st.sampled_from(["NFC", "NFD"]))
def test_fold_is_unidecode_on_any_text(text, form) -> None:
    from ingest.text import fold

    text = unicodedata.normalize(form, text)
    assert fold(text) == _fold_by_unidecode(text)


def _nfc_by_clusters(raw: str) -> tuple[str, list[int]]:
    """NFC one cluster (a character and its combining marks) at a time, as first written."""
    out: list[str] = []
    offs: list[int] = []
    i = 0
    while i < len(raw):
        j = i + 1
        while j < len(raw) and unicodedata.combining(raw[j]):
            j += 1
        c = unicodedata.normalize("NFC", raw[i:j])
        out.append(c)
        offs.extend([i] * len(c))
        i = j
    return "".join(out), offs


vietnamese = st.text(
    alphabet=st.sampled_from(
        list("aăâeêioôơuưyAĂÂĐđ \n,.") + [chr(c) for c in range(0x300, 0x370)] + ["\u0b3e"]
    ),
    max_size=40,
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(vietnamese, st.text(max_size=40)), st.sampled_from(["NFC", "NFD", None]))
def test_nfc_offsets_as_cluster_by_cluster(text, form) -> None:
    from ingest.text import _nfc_with_offsets

    text = unicodedata.normalize(form, text) if form else text
    composed, offsets = _nfc_with_offsets(text)
    assert (composed, list(offsets)) == _nfc_by_clusters(text)


_WORDS = (
    "Ban Thường vụ Tỉnh ủy TỈNH ỦY tỉnh ủy UBND Ủy ban nhân dân MTTQ UBMTTQ Hội LHPN Sở Văn hóa, Thể thao "
    "và Du lịch Phòng Tài chính - Kế hoạch TW Trung ương Đoàn Đảng ủy Khối BTV TT Quận Huyện Thị xã TP. Hà "
    "Nội x1 -Tỉnh /UBND về để thực hiện triển khai , ; và cùng Kế hoạch số: 12345 70-KL/TW 37- KH/ĐU "
    "15/2023/NQ-HĐND 63 /KH-UBND liên tịch ngày 02/4/2024"
)
words = st.sampled_from(_WORDS.split())
seps = st.sampled_from([" ", "  ", "\n", " \n\n ", "", ",", "-"])


@settings(max_examples=800, deadline=None)
@given(st.lists(st.tuples(words, seps), max_size=14), st.integers(0, 200), st.integers(0, 200))
def test_scanners_find_what_finditer_finds(parts, a, b) -> None:
    """Organs, chain ends and mentions are found by skipping ahead; the matches must be
    those of a plain scan of every position."""
    from ingest.organs import _ORGAN_SCAN, ORGAN_RE
    from ingest.refs import CHAIN_END, CHAIN_END_SCAN, MENTION_RE, _mention_matches

    text = "".join(w + s for w, s in parts)
    a, b = min(a, len(text)), min(max(a, b), len(text))
    spans = [(m.span(), m.groupdict()) for m in ORGAN_RE.finditer(text, a, b)]
    assert spans == [(m.span(), m.groupdict()) for m in _ORGAN_SCAN.finditer(text, a, b)]
    spans = [(m.span(), m.groupdict()) for m in MENTION_RE.finditer(text, a, b)]
    assert spans == [(m.span(), m.groupdict()) for m in _mention_matches(text, a, b)]
    assert CHAIN_END.sub("", text) == CHAIN_END_SCAN.sub("", text)


def test_a_scanner_falls_back_to_finditer_when_any_position_may_match() -> None:
    import re

    from ingest.scan import Scanner, literal_heads

    assert literal_heads(re.compile(r"\d+ người")) is None
    s = Scanner(re.compile(r"\d+ người"))
    assert s.candidates is None and [m.group() for m in s.finditer("12 người, 3 người")] == [
        "12 người",
        "3 người",
    ]


@given(st.sampled_from(["37-\n\nKH/ĐU", "37- \n\n KH/ĐU", "37 \n\n -KH/ĐU", "37-KH / \n\n ĐU"]))
def test_a_number_cut_by_a_pdf_line_break_is_read(number) -> None:
    (m,) = find_mentions(f"Thực hiện Kế hoạch số {number} ngày 02/4/2024 của Đảng ủy xã Tân Lập")
    assert m.number == "37-KH/ĐU" and m.date == "2024-04-02"


@pytest.mark.parametrize(
    "done",
    [
        ("Nghị quyết số 5/NQ-HĐND", "HĐND huyện Bác Ái"),
        ("Quyết định số 5/QĐ-TTg", "Thủ tướng Chính phủ"),
        ("Kế hoạch số 7/KH-UBND", "UBND huyện Bác Ái"),
        ("Kế hoạch số 8/KH-MTTQ-BTT", "Ban Thường trực Ủy ban MTTQ Việt Nam huyện Bác Ái"),
        ("Kết luận số 70-KL/TW", "Bộ Chính trị"),
        ("Kế hoạch số 9-KH/TU", "Ban Thường vụ Tỉnh ủy Ninh Thuận"),
    ],
)
def test_a_suffix_nests_a_chain_as_the_named_issuer_does(done) -> None:
    """Who may carry out whose plan is read from the issuer's name, else from the symbol's
    suffix in the one vocabulary: both readings nest a chain alike."""
    from ingest.chains import parse_chain

    ref, organ = done

    def shape(text: str) -> list:
        return [(r.number, [c.number for c in r.children]) for r in parse_chain(text, 0, len(text))]

    lead = "Kế hoạch số 1-KH/HU về triển khai thực hiện "
    assert shape(lead + ref) == shape(f"{lead}{ref} của {organ}")
