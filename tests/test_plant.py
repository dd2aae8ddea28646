"""The planting step (bench.synth.plant) and the truth it writes beside the corpus (truth/).

Why here: the analytics are scored against this truth (bench.analytics_score), so
it must say exactly what the texts say: a gap is a unit with no plan, a lag is the
difference of the printed dates, a reuse share is text the child really shares
with its parent, a target is what the extractor reads, a fault is in the files.
And ``--no-plant`` must leave the corpus of before untouched.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from bench.analytics_score import Truth, load_truth
from bench.synth import generate
from bench.synth.model import Plan, Planted, Unit
from bench.synth.plant import planned_counts
from bench.synth.prose import VERBS
from bench.synth.truth import Visible
from bench.synth.truth_write import link_rows
from ingest import extract_file

N = 300


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    out = tmp_path_factory.mktemp("planted")
    generate(N, 3, out)
    return out, load_truth(out)


def _rows(folder: Path) -> dict[str, dict]:
    return {
        r["file"]: r
        for r in map(json.loads, (folder / "expected.jsonl").read_text(encoding="utf-8").splitlines())
    }


def _text(path: Path) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", path.read_text(encoding="utf-8")))


def _same(doc: dict, other: dict) -> bool:
    return all(doc[k] == other[k] for k in ("number", "level", "province", "district", "commune", "system"))


def test_no_plant_writes_the_corpus_of_before(tmp_path: Path) -> None:
    """The digest of the corpus the generator wrote before planting existed (commit f49d542)."""
    generate(N, 7, tmp_path, plant=False)
    h = hashlib.sha256()
    for f in sorted(tmp_path.rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(tmp_path)).encode() + b"\0" + f.read_bytes())
    assert h.hexdigest() == "2f0cb40c7e93bdf19e044eaa6f0d623fe1ba272cede4eedde0808ede761e9a27"
    assert not (tmp_path / "truth").exists()


def test_a_few_of_each_kind_and_rates_that_scale(planted: tuple[Path, Truth]) -> None:
    _, truth = planted
    s = truth.summary["planted"]
    assert s["gap_units"] >= 9 and s["skipping"] >= 4 and s["suggest"] >= 6 and s["month_or_year_dates"] >= 3
    assert s["date_before_parent"] >= 3 and s["unresolved_reference"] >= 3 and s["missing_document"] >= 3
    assert s["implements_lower"] >= 2 and s["cycle"] >= 2 and s["same_number_different_title"] >= 2
    assert {"0.0", "0.2", "0.5", "0.8"} <= set(s["reuse_rates"])
    big = planned_counts(100_000)
    assert big["hidden"] == 200 and big["gap_commune"] == 100 and big["gap_province"] == 10
    assert planned_counts(300)["hidden"] == 6


def test_gaps_are_units_without_a_plan_and_skipping_is_marked(planted: tuple[Path, Truth]) -> None:
    folder, truth = planted
    rows = _rows(folder)
    kl70 = next(r for r in truth.coverage if r["plan"]["level"] == "central")
    assert kl70["expected"] == 189 and kl70["gaps"] == 3  # the planted provincial gaps, nothing else
    docs = [r["doc"] for r in rows.values()] + [
        f["docs"][0] for f in truth.faults if f["kind"] == "missing_document"
    ]
    issued = {(d["province"], d["system"]) for d in docs if d["level"] == "province"}  # stubs cover too
    for u in kl70["units"]:
        assert bool(u["plans"]) == ((u["province"], u["system"]) in issued), u
    skipping = [(r, u) for r in truth.coverage for u in r["units"] if u["skipping"]]
    assert len(skipping) >= 4
    for r, u in skipping:  # what the skipping unit issued implements something above the plan, not it
        for d in u["plans"]:
            row = next(x for x in rows.values() if _same(x["doc"], d))
            assert not any(_same(p, r["plan"]) for p in row["parents"])
    assert truth.summary["gaps"]["planted"] == truth.summary["planted"]["gap_units"]


def test_lags_are_the_printed_dates(planted: tuple[Path, Truth]) -> None:
    folder, truth = planted
    lags = []
    for link in truth.links:
        p, c = link["parent"]["date"], link["child"]["date"]
        if link["precision"] == "day":
            lag = (date.fromisoformat(c) - date.fromisoformat(p)).days
            assert link["lag_days"] == lag and link["lag_range"] == [lag, lag]
            lags.append(lag)
        else:
            assert link["lag_days"] is None and link["lag_range"][0] < link["lag_range"][1]
            assert link["precision"] == ("year" if 4 in (len(p), len(c)) else "month")
    lags.sort()
    assert 7 <= lags[len(lags) // 2] <= 35 and lags[-1] > 90 and lags[0] < 0  # skewed, a long tail, faults
    months = [f for f, r in _rows(folder).items() if len(r["doc"]["date"]) == 7]
    assert months and all(re.search(r"ngày\s+tháng \d+ năm 2024", _text(folder / f)) for f in months)


def test_a_link_from_a_cycle_into_the_cascade_is_not_in_it() -> None:
    """A link is in the root's cascade (what its timeline lists) when its parent is the root
    or lies under it: a cycle's member, cut off from the root, that also names a plan under
    the root gives no link of the cascade, though its child is under the root."""
    central, prov = (
        Unit("central", "Trung ương", "Trung ương"),
        Unit("province", "Bắc Kạn", "Tỉnh", "Bắc Kạn"),
    )
    dist = Unit("district", "Ba Bể", "Huyện", "Bắc Kạn", "Ba Bể", "Huyện")
    day = date(2024, 4, 1)
    root = Plan(0, central, "party", "party", "70-KL/TW", date(2024, 1, 31))
    a = Plan(1, prov, "party", "party", "1-KH/TU", day, [root])
    b = Plan(2, dist, "party", "party", "2-KH/HU", day)
    c = Plan(3, dist, "state", "state", "3/KH-UBND", day, [b])
    b.implements = [c]  # the planted cycle
    d = Plan(4, dist, "front", "front", "4/KH-MTTQ", day, [a, b])
    rows = {
        (r["parent"]["number"], r["child"]["number"]): r["cascade"]
        for r in link_rows(Visible([root, a, b, c, d]), Planted(), set())
    }
    assert rows == {
        ("70-KL/TW", "1-KH/TU"): True,
        ("1-KH/TU", "4/KH-MTTQ"): True,
        ("2-KH/HU", "4/KH-MTTQ"): False,
        ("3/KH-UBND", "2-KH/HU"): False,
        ("2-KH/HU", "3/KH-UBND"): False,
    }


_FIXED = re.compile(
    r"Kết luận số|Các cơ quan, đơn vị căn cứ|Phấn đấu|^[IV]+\.|^- |thể thao quần chúng trong giai đoạn"
)
_VERB = re.compile(rf"^(?:Tiếp tục )?(?:{'|'.join(VERBS)}) ", re.IGNORECASE)


def _sentences(path: Path) -> list[str] | None:
    """The plan's own sentences (sections I to IV less the lines every plan prints), each as
    printed; None for a PDF's text layer (its lines cut inside sentences)."""
    raw = path.read_text(encoding="utf-8")
    if raw.startswith(" "):
        return None
    # Undo the noise of real files the generator adds: NFD, the old tone placement.
    t = unicodedata.normalize("NFC", raw).replace("uỷ", "ủy").replace("hoá", "hóa").replace("Uỷ", "Ủy")
    t = t[t.index("I. MỤC ĐÍCH") : t.index("Nơi nhận")]
    lines = [re.sub(r"^\d+\. ", "", x.strip()) for x in t.splitlines()]
    return [x for x in lines if x and not _FIXED.search(x)]


def _core(sentence: str) -> str:
    """A sentence without what a light edit changes: its verb, "Tiếp tục", its level word."""
    return re.sub(r" trên địa bàn toàn \w+", "", _VERB.sub("", sentence))


def test_reuse_is_the_share_of_sentences_taken_from_the_parent(planted: tuple[Path, Truth]) -> None:
    """The truth's share, recomputed from the two texts alone: the child's sentences (by printed
    length) that are one of the parent's once a light edit is undone."""
    folder, truth = planted
    checked = {"none": 0, "half or more": 0}
    for link in truth.links:
        if link["reuse"] is None or link["parent"]["level"] == "central":
            continue
        child, parent = _sentences(folder / link["child_file"]), _sentences(folder / link["parent_file"])
        if child is None or parent is None:
            continue
        theirs = {_core(x) for x in parent}
        share = sum(len(x) for x in child if _core(x) in theirs) / sum(len(x) for x in child)
        assert share == pytest.approx(link["reuse"], abs=1e-3), link["child_file"]
        if link["reuse"] == 0 or link["reuse"] >= 0.5:
            checked["none" if link["reuse"] == 0 else "half or more"] += 1
    assert min(checked.values()) > 20, checked


def test_plans_whose_sentence_is_removed_name_no_parent(planted: tuple[Path, Truth]) -> None:
    folder, truth = planted
    for row in truth.suggest:
        text = _text(folder / row["file"])
        assert "Thực hiện" not in text and "Kế hoạch số" not in text and "70-KL/TW" not in text
        assert not extract_file(str(folder / row["file"])).implements
        assert row["reuse"] >= 0.5 and row["parent_file"]


def test_targets_are_what_the_extractor_reads(planted: tuple[Path, Truth]) -> None:
    folder, truth = planted
    checked = 0
    for link in truth.links[:120]:
        if not link["targets"]:
            continue
        path = folder / link["child_file"]
        if path.read_text(encoding="utf-8").startswith(" "):
            continue  # a PDF's text layer, a blank line inside each sentence: the extractor reads no target
        want = sorted(t["child"] for t in link["targets"] if t["child"] is not None)
        got = sorted(t.value for t in extract_file(str(path)).targets)
        assert got == want, link["child_file"]
        checked += 1
    assert checked > 50
    relations = {t["relation"] for link in truth.links for t in link["targets"] or ()}
    assert relations == {"stricter", "equal", "looser", "missing", "added"}


def test_faults_are_in_the_files(planted: tuple[Path, Truth]) -> None:
    folder, truth = planted
    rows = _rows(folder)
    docs = [r["doc"] for r in rows.values()]

    def parents_of(d: dict) -> list[dict]:
        return next(r["parents"] for r in rows.values() if _same(r["doc"], d))

    for f in truth.faults:
        kind, found = f["kind"], f["docs"]
        if kind == "date_before_parent":
            assert found[1]["date"] < found[0]["date"]
        elif kind in ("implements_lower", "cycle"):
            assert any(_same(p, found[1]) for p in parents_of(found[0]))
            if kind == "cycle":
                assert any(_same(p, found[0]) for p in parents_of(found[1]))
        elif kind == "same_number_different_title":
            a, b = (_text(folder / x) for x in f["detail"]["files"])
            number = found[0]["number"]
            assert number in a.replace(" ", "") and number in b.replace(" ", "")  # "38 /KH-UBND" in a scan
            assert f["detail"]["title"] in b and f["detail"]["title"] not in a
        elif kind == "unresolved_reference":
            assert any(f["detail"]["reference"] in _text(folder / r["file"]) for r in rows.values())
        elif kind == "missing_document":
            assert not any(_same(d, found[0]) for d in docs)  # no file: a stub
            citers = [r for r in rows.values() if any(_same(p, found[0]) for p in r["parents"])]
            assert f["detail"]["cited_by"] >= len(citers) >= 1
    ranks = [f["detail"]["cited_by"] for f in truth.faults if f["kind"] == "missing_document"]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] >= 2


@pytest.mark.parametrize("n", [1, 2, 5, 40])
def test_tiny_corpora_plant_what_fits(n: int, tmp_path: Path) -> None:
    s = generate(n, 1, tmp_path)
    assert s.planted is not None and (tmp_path / "truth" / "coverage.jsonl").exists()
    assert s.n == len(list(tmp_path.glob("*.txt"))) >= 1
