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
# (long runs of spaces: the text read back from a number goes past its first window)
seps = st.sampled_from([" ", "  ", "\n", " \n\n ", "", ",", "-", " " * 300, "\n" + " " * 260 + "\n"])


@settings(max_examples=800, deadline=None)
@given(st.lists(st.tuples(words, seps), max_size=14), st.integers(0, 3000), st.integers(0, 3000))
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


# -- the linear readings give what the plain patterns give ---------------------------------
quote_text = st.text(
    alphabet=st.sampled_from(['"', "“", "”", "«", "»", " ", " ", "\t", "\n", "\n", "a", "b", ",", ".", "\r"]),
    max_size=40,
)


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(
        quote_text, st.builds(lambda a, n, b: a + "a" * n + b, quote_text, st.integers(0, 260), quote_text)
    )
)
def test_quotations_are_the_matches_of_the_quote_pattern(text) -> None:
    """Quotations are found in linear time; they must be the pattern's matches, with the
    pattern's text (spaces collapsed, stripped of " ,.;")."""
    import re

    from ingest.campaigns import QUOTED, quotations

    want = [
        (m.start(), m.end(), re.sub(r"\s+", " ", m.group(1)).strip(" ,.;")) for m in QUOTED.finditer(text)
    ]
    assert [(q.start, q.end, q.name) for q in quotations(text)] == want


line_text = st.lists(st.sampled_from([*"ab ()[]x.;\n\tĐA", "\n\n", "(báo cáo)"]), max_size=40).map("".join)


@settings(max_examples=800, deadline=None)
@given(line_text)
def test_linear_rewrites_of_patterns_that_rescanned_give_the_same(text) -> None:
    """Title stops, notes in brackets, "(báo cáo)" marks and list gaps: each was a pattern
    that read the rest of a run again from each of its characters; the rewrite must find
    what the plain pattern finds."""
    import re

    from ingest.campaigns import _LIST_GAP
    from ingest.closing import _PURPOSE, _drop_notes
    from ingest.refs import _title_stop

    stop = re.compile(r"[;(]|\.\s|\.$|\n\s*\n(?=\s*[A-ZĐ])").search(text)
    assert _title_stop(text) == (stop.start() if stop else len(text))
    line = text.replace("\n", " ")
    assert _drop_notes(line) == re.sub(r"\(.*?\)|\[.*?\]", "", line)
    purpose = r"\s*\((?:để\s+)?(?:báo\s+cáo|b/c|thực\s+hiện|t/h|phối\s+hợp|biết)\)"
    assert _PURPOSE.sub("", line) == re.sub(purpose, "", line, flags=re.I)
    gap = re.compile(r"^[\s,;]*(?:(?:và|cùng|với|gắn\s+với)\s*)?[\s,;]*$", re.IGNORECASE)
    for g in (text, text.replace("x", " và "), ", ;\n" + text[:3]):
        assert bool(_LIST_GAP.match(g)) == bool(gap.match(g))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(words, seps), max_size=14))
def test_sentence_ends_from_a_trigger_as_the_plain_pattern(parts) -> None:
    """A run of spaces before a line break is tried from its start only; from the end of a
    trigger word (a letter) the first sentence end is the plain pattern's."""
    import re

    from ingest.references import _SENT_END

    plain = re.compile(
        _SENT_END.pattern.replace(r"(?:[;,]|(?<![ \t]))[ \t]*\n", r"[;,]?[ \t]*\n"), _SENT_END.flags
    )
    assert plain.pattern != _SENT_END.pattern
    text = "Thực hiện" + "".join(w + s for w, s in parts)
    got, want = _SENT_END.search(text, 9), plain.search(text, 9)
    assert (got.start() if got else None) == (want.start() if want else None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"aàắĐđ bΩ中-.,\t\x1c\u2028\n", "oà", "\u0301"]), max_size=300).map("".join))
def test_fold_piece_by_piece_is_fold(text) -> None:
    """A long text is folded in pieces cut after a space or a line break: the same key."""
    import ingest.text as text_module

    whole = text_module._fold(text)
    old = text_module._FOLD_PIECE
    text_module._FOLD_PIECE = 7
    try:
        assert text_module.fold(text + " " * 81) == whole
    finally:
        text_module._FOLD_PIECE = old


_ORGAN_WORDS = st.sampled_from(
    [
        "UBND huyện Bác Ái",
        "Ban Thường vụ Huyện ủy",
        "xây dựng",
        "ban hành",
        "của",
        "do",
        "Kế hoạch",
        "/",
        ";",
        "(",
        "x",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ORGAN_WORDS, max_size=25), st.integers(0, 40), st.integers(0, 400))
def test_organs_before_verbs_as_a_scan_from_each_verb(words, start, end) -> None:
    """The subjects before "xây dựng" / "ban hành" are read by one scan that goes on from
    verb to verb; a scan restarted at each verb (as first written) finds the same."""
    import re

    from ingest.issuer import _OF_BEFORE, _ORGAN_STOP, _VERB, _organs_before_verbs
    from ingest.organs import iter_organs

    t = " ".join(words)
    start, end = min(start, len(t)), min(max(start, end), len(t))
    found: dict = {}
    for v in _VERB.finditer(t, start, len(t)):
        q = v.start()
        if q > end + 60 and t[end + 60 : q].strip():
            break
        stops = [m.end() for m in _ORGAN_STOP.finditer(t, start, q)]
        w = stops[-1] if stops else start
        skip = lambda s: s in found or re.search(_OF_BEFORE, t[max(0, s - 6) : s]) is not None  # noqa: E731
        for s, om in iter_organs(t, w, end, skip):
            if s > q:
                break
            if om is not None:
                found[om.start] = om
    assert _organs_before_verbs(t, start, end) == [found[k] for k in sorted(found)]


def _targets_as_first_written(nt) -> list:
    """Numeric targets read number by number, each on copies of its clause and paragraph
    (the reading before it was made linear), for texts where no bound applies."""
    import re
    from bisect import bisect_left, bisect_right

    from ingest import targets as tg

    def year_in(s):
        for pattern in tg._YEAR_PATTERNS:
            found = list(pattern.finditer(s))
            if found:
                return int(found[-1].group(1))
        return None

    t, out, seen = nt.text, [], set()
    bounds = [(m.start(), m.end()) for m in tg._CLAUSE_BOUND.finditer(t)]
    b_starts, b_ends = [s for s, _ in bounds], [e for _, e in bounds]
    paras = [m.end() for m in tg._PARA_BOUND.finditer(t)]
    for pm in tg._TARGET_NUM.finditer(t):
        i = bisect_right(b_ends, pm.start())
        s_start = b_ends[i - 1] if i else 0
        j = bisect_left(b_starts, pm.end())
        s_end = b_starts[j] if j < len(b_starts) else len(t)
        k = bisect_right(paras, s_start)
        p_start = paras[k - 1] if k else 0
        sent = t[s_start:s_end]
        if not tg._GOAL_WORDS.search(t[p_start:s_end]):
            continue
        year = year_in(t[s_start : pm.start()]) or year_in(t[p_start : pm.start()]) or year_in(sent)
        if not year:
            lines = t[:p_start].rsplit("\n", 25)[-25:]
            year = next(
                (y for y in (year_in(x.strip()) for x in reversed(lines) if 0 < len(x.strip()) < 120) if y),
                None,
            )
        before, after = t[max(s_start, pm.start() - 30) : pm.start()], t[pm.end() : pm.end() + 15]
        comparator = "="
        if re.search(r"trên\s*$", before):
            comparator = ">"
        if re.search(r"(?:từ|ít\s+nhất|tối\s+thiểu)\s*$", before) or re.match(r"\s*trở\s+lên", after):
            comparator = ">="
        if re.search(r"dưới\s*$", before):
            comparator = "<"
        ind = re.split(r"\s+(?:đạt|chiếm)\b", sent[: pm.start() - s_start])[0]
        ind = re.sub(r"^(?:\s*(?:[-+*•]|[a-zđ]\)|\d+(?:\.\d+)*[.)]))*\s*", "", ind)
        ind = re.sub(r"^(?:Phấn|Phân|Phần)\s+đ[ấầ]u\s+", "", ind, flags=re.I)
        ind = re.sub(r"^(?:đến|tới)\s+năm\s+\d{4}\s*,?\s*", "", ind, flags=re.I)
        ind = re.sub(r"\s+", " ", ind).strip(" ,:-")
        value = tg._number(pm.group("num"))
        if (value, year, ind) in seen:
            continue
        seen.add((value, year, ind))
        text = re.sub(r"\s+", " ", sent).strip(" -+")
        out.append(
            (
                ind or None,
                comparator,
                value,
                re.sub(r"\s+", " ", pm.group("unit")),
                year,
                text,
                nt.orig_span(s_start, s_end),
            )
        )
    return out


_TARGET_WORDS = [
    *[
        "50%",
        "60 %",
        "1,5%",
        "300.000 người",
        "12 hộ",
        "62 triệu đồng",
        "đạt",
        "chiếm",
        " đạt",
        "đạt50%",
        "năm 2020",
    ],
    *[
        "đến năm 2030",
        "đến hết năm 2025",
        "giai đoạn 2021-2025",
        "năm 0000",
        ".",
        ". ",
        ";",
        "\n",
        "\n\n",
        "\n- ",
    ],
    *[
        "\n1. ",
        "\na) ",
        " ",
        "  ",
        "\t",
        "Tỷ lệ",
        "người tập",
        "Phấn đấu",
        "trở lên",
        "trên",
        "dưới",
        "từ",
        "ít nhất",
    ],
    *[
        "mục tiêu",
        "\n2. Mục tiêu đến năm 2030\n",
        "cuối năm 2024",
        "A",
        "x",
        ",",
        "Đến năm 2025,",
        "2030\n\n người",
    ],
]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(_TARGET_WORDS), st.sampled_from(["", " ", " ", "\n"])), max_size=40)
)
def test_targets_are_read_as_number_by_number(parts) -> None:
    """The goal words, years and indicators are looked up by position from one scan; the
    targets must be those read number by number on copies of each clause."""
    from ingest.targets import read_targets

    nt = normalize_document("".join(w + s for w, s in parts))
    got = [
        (x.indicator, x.comparator, x.value, x.unit, x.year, x.text, (x.evidence.start, x.evidence.end))
        for x in read_targets(nt)
    ]
    assert got == _targets_as_first_written(nt)
