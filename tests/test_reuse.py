"""Text reuse, suggested parents and targets (issue 12, items 3 and 4): the mechanisms, then a
planted corpus scored against its truth, then the curation round trip of a suggestion.

The mechanisms are tested on hand-made texts: where a body starts and ends, which sentences
are a plan's own, how two bodies align and how much of one is taken from the other, which
sentences are formulas, which indicator a target names and how two targets compare. The
planted corpus (bench.synth: bodies copied at known rates, plans whose "Thực hiện" sentence
was removed, targets that move) is ingested as files with a text store, and the benchmark's
own measurement (bench.analytics_reuse) must find what was planted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench import analytics_reuse
from bench.analytics_score import load_truth
from bench.synth import generate
from graph.analytics import align as align_module
from graph.analytics import reuse, suggest, targets
from graph.analytics.align import align, formulas
from graph.service import Lineage
from graph.sketch import Sketch, signatures, sketch, units
from graph.sparql import select
from graph.store import open_store
from graph.texts import TextSink, TextStore, target_rows
from ingest import curation
from ingest.extract import extract
from ingest.indicators import indicator_key
from ingest.readers import Document
from ingest.text import normalize_document

HEAD = """ỦY BAN NHÂN DÂN                CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
HUYỆN CHỢ ĐỒN
Số: 12/KH-UBND                   Chợ Đồn, ngày 05 tháng 5 năm 2024

KẾ HOẠCH
Triển khai thực hiện Kết luận số 70-KL/TW trên địa bàn huyện
-----
Thực hiện Kế hoạch số 241-KH/TU ngày 02/4/2024 của Ban Thường vụ Tỉnh ủy Bắc Kạn, Ủy ban nhân dân huyện xây dựng Kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
"""
TAIL = """
Nơi nhận:
- Như trên;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn A
"""
S1 = "Tăng cường công tác thông tin, tuyên truyền theo hướng thiết thực, hiệu quả cho cán bộ, đảng viên tại các thôn, tổ dân phố, nhằm nâng cao sức khỏe, thể lực."
S2 = "Đẩy mạnh phong trào tập luyện thể dục, thể thao quần chúng gắn với xây dựng nông thôn mới cho học sinh, sinh viên trên địa bàn toàn tỉnh, góp phần xây dựng lối sống lành mạnh."
S3 = "Duy trì hoạt động của các câu lạc bộ thể thao cơ sở với nhiều hình thức phong phú cho người cao tuổi vào các ngày nghỉ cuối tuần, tạo sân chơi bổ ích, lành mạnh."
S4 = "Rà soát hệ thống sân bãi, nhà tập luyện bảo đảm an toàn, tiết kiệm cho thanh niên tại các trường học, góp phần phòng, chống dịch bệnh."
FORMULA = "Các cơ quan, đơn vị căn cứ Kế hoạch này xây dựng kế hoạch cụ thể, định kỳ báo cáo kết quả về {who} để tổng hợp báo cáo theo quy định."


def _doc(body: str, name: str = "x.txt") -> tuple[Document, Any]:
    raw = HEAD + body + TAIL
    doc = Document(source=name, raw=raw, norm=normalize_document(raw), sha256=str(abs(hash(raw))).zfill(64))
    return doc, extract(doc)


# -- the body and its sentences ---------------------------------------------------------------------
def test_the_body_is_the_plans_own_sentences_only() -> None:
    body = f"{S1}\nII. MỤC TIÊU\nPhấn đấu đến năm 2030, số người tập luyện thể dục, thể thao thường xuyên đạt trên 45% dân số.\nCăn cứ Luật Thể dục, thể thao năm 2006 (sửa đổi, bổ sung năm 2018);\n1. {S2}\n"
    doc, rec = _doc(body)
    got = [u.text for u in units(doc.norm, rec)]
    # the preamble citing 241-KH/TU, the heading, the target and the law cited are apparatus;
    # the list marker "1." is dropped; nothing after "Nơi nhận" counts
    assert got == [S1, S2]
    for u in units(doc.norm, rec):
        assert doc.raw[u.start : u.end] == u.text


def test_a_sentence_wrapped_over_blank_lines_is_one_sentence() -> None:
    cut = S1.index(" ", 60)
    wrapped = S1[:cut] + " \n\n  \n\n " + S1[cut + 1 :]
    doc, rec = _doc(wrapped + "\n" + S3 + "\n")
    got = [u.text for u in units(doc.norm, rec)]
    assert got == [S1, S3]


def test_signatures_estimate_the_similarity_of_sentences() -> None:
    edited = "Tiếp tục tăng cường" + S1[len("Tăng cường") :]
    sig = signatures([S1, edited, S2, S1])
    same = lambda a, b: float((sig[a] == sig[b]).mean())  # noqa: E731
    assert same(0, 3) == 1.0 and same(0, 1) >= 0.7 and same(0, 2) <= 0.2
    assert (signatures(["hai từ"]) == np.iinfo(np.uint32).max).all()  # under three words: no 3-gram


# -- alignment ------------------------------------------------------------------------------------------
def test_the_share_taken_is_counted_by_printed_length_and_passages_point_into_both_texts() -> None:
    parent, prec = _doc(f"{S1}\n{S2}\n{S4}\n")
    child_body = (
        "Tiếp tục tăng cường"
        + S1[len("Tăng cường") :]
        + "\n"
        + S2.replace("toàn tỉnh", "toàn huyện")
        + "\n"
        + S3
        + "\n"
    )
    child, crec = _doc(child_body)
    a = align(sketch(child.norm, crec), sketch(parent.norm, prec))
    taken = len("Tiếp tục tăng cường" + S1[len("Tăng cường") :]) + len(S2.replace("toàn tỉnh", "toàn huyện"))
    assert a.counted == taken + len(S3) and a.reused == taken
    assert a.share == pytest.approx(taken / (taken + len(S3)))
    (c0, c1, p0, p1, _), (c2, c3, p2, p3, _) = a.passages.tolist()
    assert child.raw[c0:c1].startswith("Tiếp tục") and parent.raw[p0:p1] == S1
    assert parent.raw[p2:p3] == S2 and child.raw[c2:c3].endswith("lối sống lành mạnh.")


def test_formulas_every_plan_repeats_count_on_neither_side() -> None:
    docs = {}
    for i, who in enumerate(
        [
            "Ủy ban nhân dân huyện Chợ Đồn",
            "Huyện ủy Ba Bể",
            "UBND xã Yên Thịnh",
            "Thành ủy Bắc Kạn",
            "Huyện ủy Na Rì",
            "UBND huyện Pác Nặm",
        ]
    ):
        own = [S1, S2, S3, S4][i % 4]
        doc, rec = _doc(own + "\n" + FORMULA.format(who=who) + "\n", f"{i}.txt")
        docs[f"{i:064d}"] = sketch(doc.norm, rec)
    found = formulas(docs)
    assert len(found.sig) >= 1
    child = docs[f"{0:064d}"]
    stock = found.stock(child)
    assert stock.tolist() == [False, True]  # S1 is its own, the formula is not
    a = align(child, docs[f"{4:064d}"], stock)  # doc 4 has S1 and the formula too
    assert a.share == 1.0 and a.counted == len(S1)
    assert align(child, docs[f"{1:064d}"], stock).share == 0.0  # only the formula in common


def test_sketches_survive_the_text_store(tmp_path: Path) -> None:
    doc, rec = _doc(f"{S1}\n{S2}\n")
    store = TextStore(tmp_path / "t.texts")
    sk = sketch(doc.norm, rec)
    store.put(doc.sha256, "a/b/x.txt", doc.raw, sk, target_rows(rec, doc.norm))
    back = store.sketches([doc.sha256])[doc.sha256]
    assert np.array_equal(back.spans, sk.spans) and np.array_equal(back.sig, sk.sig)
    assert store.text(doc.sha256) == doc.raw and store.source_names([doc.sha256]) == {doc.sha256: "x.txt"}
    assert store.text("0" * 64) is None and len(Sketch.from_bytes(Sketch.empty().to_bytes())) == 0


def test_a_text_that_cannot_be_kept_costs_only_the_text(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "ro").mkdir()
    blocked = tmp_path / "ro" / "file"  # a file where the store's folder should be
    blocked.write_text("x")
    doc, rec = _doc(f"{S1}\n")
    path = tmp_path / "doc.txt"
    path.write_text(doc.raw, encoding="utf-8")
    record, err = curation.extract_curated(str(path), (), TextSink(blocked / "t.texts"))
    assert err is None and record is not None and record.number == "12/KH-UBND"
    assert "not kept" in caplog.text


# -- indicators and targets -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "unit", "key"),
    [
        ("Số người tham gia luyện tập thể dục, thể thao thường xuyên", "%", "people_exercising"),
        (
            "số cán bộ, công chức, viên chức và người lao động tham gia luyện tập thể dục, thể thao thường xuyên",
            "%",
            "officials_exercising",
        ),
        (
            "tỷ lệ cán bộ, công chức, viên chức tập luyện thể dục, thể thao thường xuyên",
            "%",
            "officials_exercising",
        ),
        ("Số gia đình luyện tập thể dục, thể thao", "%", "sporting_families"),
        ("SỐ HỘ GIA ĐÌNH THỂ THAO", "%", "sporting_families"),
        (
            "Tỷ lệ học sinh được đánh giá và phân loại thể lực theo tiêu chuẩn rèn luyện thân thể",
            "%",
            "pupils_fitness",
        ),
        ("Số người tham gia luyện tập thể dục, thể thao thường xuyên", "người", None),  # a count, not a share
        ("huấn luyện viên các cấp", "người", None),
        (None, "%", None),
    ],
)
def test_a_targets_words_name_its_indicator(text: str | None, unit: str, key: str | None) -> None:
    assert indicator_key(text, unit) == key


def _t(key: str, value: float, comparator: str = ">", year: int = 2030, unit: str = "%") -> dict[str, Any]:
    return {
        "key": key,
        "indicator": key,
        "value": value,
        "comparator": comparator,
        "year": year,
        "unit": unit,
    }


def test_a_childs_targets_against_its_parents() -> None:
    parent = targets.groups(
        [
            _t("people_exercising", 45),
            _t("pupils_fitness", 85, ">="),
            _t("sporting_families", 30),
            _t("drowning_rate", 5, "<", unit="ca"),
        ]
    )
    child = targets.groups(
        [
            _t("people_exercising", 45, "="),
            _t("pupils_fitness", 90, ">="),
            _t("officials_exercising", 60),
            _t("drowning_rate", 6, "<", unit="ca"),
        ]
    )
    got = {r["indicator"]: r["relation"] for r in targets.compare(parent, child)}
    assert got == {
        "people_exercising": "looser",  # the same value, but "đạt 45%" asks less than "trên 45%"
        "pupils_fitness": "stricter",
        "sporting_families": "missing",
        "officials_exercising": "added",
        "drowning_rate": "looser",  # fewer is better: 6 asks less than 5
    }
    two_years = targets.groups(
        [_t("people_exercising", 40, year=2025), _t("people_exercising", 50, year=2030)]
    )
    rows = targets.compare(targets.groups([_t("people_exercising", 45, year=2025)]), two_years)
    assert rows[0]["child_value"] == 40 and rows[0]["relation"] == "looser"  # the same year is compared


# -- a planted corpus --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Lineage, Path]]:
    """A 300-plan planted corpus ingested as files into a memory store, its texts kept."""
    out = tmp_path_factory.mktemp("reuse-planted")
    corpus = out / "corpus"
    summary = generate(300, 7, corpus).planted
    assert summary["planted"]["suggest"] >= 6
    lin = Lineage.open(open_store("memory:"), texts=out / "texts")
    lin.ingest_files(sorted(str(p) for p in corpus.glob("*.txt")), workers=1)
    yield lin, corpus
    lin.texts.close()


@pytest.fixture(scope="module")
def measured(planted: tuple[Lineage, Path]) -> dict[str, Any]:
    lin, corpus = planted
    return analytics_reuse.measure(lin, load_truth(corpus))


def test_the_suggested_parents_are_the_planted_ones(measured: dict[str, Any]) -> None:
    assert measured["suggest_count"] >= 6
    assert measured["suggest_precision"] >= 0.95 and measured["suggest_recall"] >= 0.8


def test_the_reuse_shares_are_the_planted_ones(measured: dict[str, Any]) -> None:
    assert measured["reuse_links"] > 250
    assert measured["reuse_within"] >= 0.97 and measured["reuse_mae"] < 0.02


def test_the_targets_relations_are_the_planted_ones(measured: dict[str, Any]) -> None:
    assert measured["targets_rows"] > 300 and measured["targets_agreement"] >= 0.98


def test_a_suggestion_is_never_a_parent(planted: tuple[Lineage, Path]) -> None:
    lin, _ = planted
    items = suggest.suggestions(lin, lin.texts)
    assert items
    for s in items:
        pid, parent = s["plan"], s["parent"]
        assert lin.index.parents(pid) == [] and pid not in {d["id"] for d in lin.descendants(parent)}
        plan = lin.plan(pid)
        assert plan is not None and plan["parents"] == []
        link = [x for x in plan["links"] if x["review"] == "suggested"]
        assert link == [suggest.suggested_link(s)] and link[0]["evidence"]["basis"] == "inferred"
        assert select(lin.store, f"SELECT ?p WHERE {{ <{lin.summary(pid)['iri']}> lin:parent ?p }}") == []


def test_pairs_aligned_together_are_aligned_as_one_by_one(
    planted: tuple[Lineage, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    lin, _ = planted
    docs = lin.texts.docs()
    pairs = [(docs[p], docs[c]) for c, p in lin.index.edges() if c in docs and p in docs][:120]
    pairs.append(("0" * 64, pairs[0][1]))  # a parent without a text: no answer
    sk = lin.texts.sketches({x for pc in pairs for x in pc})
    found = reuse.formulas_of(lin.texts, docs.values())
    monkeypatch.setattr(align_module, "_BLOCK", 7)  # blocks that cut through the pairs of a shape
    together = align_module.align_pairs(sk, pairs, found)
    assert together[-1] is None
    for (p, c), a in zip(pairs[:-1], together[:-1], strict=True):
        b = align(sk[c], sk[p], found.stock(sk[c]))
        assert a is not None and (a.share, a.counted, a.reused) == (b.share, b.counted, b.reused)
        assert np.array_equal(a.passages, b.passages)


def test_settling_again_aligns_nothing_new(planted: tuple[Lineage, Path]) -> None:
    lin, _ = planted
    before = lin.texts.pairs()
    again = reuse.settle(lin, lin.texts)
    assert again["aligned"] == 0 and lin.texts.pairs() == before


def test_a_confirmed_suggestion_becomes_a_parent_and_a_rejected_one_goes(
    planted: tuple[Lineage, Path], tmp_path: Path
) -> None:
    lin, corpus = planted
    first, second = suggest.suggestions(lin, lin.texts)[:2]
    decisions = [first["curation"]["confirm"], second["curation"]["reject"]]
    path = tmp_path / "curation.json"
    path.write_text(json.dumps({"decisions": decisions}, ensure_ascii=False), encoding="utf-8")
    verdicts = curation.load(path)
    files = [str(corpus / first["file"]), str(corpus / second["file"])]
    lin.ingest_files(files, workers=1, verdicts=verdicts)
    assert lin.index.parents(first["plan"]) == [first["parent"]]
    confirmed = [x for x in lin.plan(first["plan"])["links"] if x["target"] == first["parent"]]
    assert [x["review"] for x in confirmed] == ["corrected"]
    assert lin.index.parents(second["plan"]) == []
    left = {s["plan"] for s in suggest.suggestions(lin, lin.texts)}
    assert first["plan"] not in left and second["plan"] not in left
    assert suggest.suggestion(lin, lin.texts, second["plan"]) is None
