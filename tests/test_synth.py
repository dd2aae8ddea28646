"""The synthetic cascade (bench.synth) and the benchmark's accuracy check on it.

Why here: ``make bench`` trusts expected.jsonl; these checks keep the generator
deterministic, its files readable by the extractor, and its expected parents
what the graph actually links (up to the extractor gaps named below). The
corpus is planted, as ``lineage synth`` and ``make bench`` write it; the planting
itself is tested in tests/test_plant.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.accuracy import file_ids, id_collisions, load_expected, parent_accuracy
from bench.analytics_score import doc_key, graph_lookup, load_truth, node_key
from bench.synth import generate
from graph.service import Lineage
from graph.store import open_store
from ingest import extract_file

N = 300


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(N, 7, out)
    return out


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same seed without planting (``lineage synth --no-plant``)."""
    out = tmp_path_factory.mktemp("plain")
    generate(N, 7, out, plant=False)
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {str(f.relative_to(folder)): f.read_bytes() for f in sorted(folder.rglob("*")) if f.is_file()}


def test_same_seed_same_bytes(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(N, 7, again)
    assert _files(corpus) == _files(again)
    assert "truth/links.jsonl" in _files(again)


def _rows(folder: Path) -> list[dict]:
    return [json.loads(x) for x in (folder / "expected.jsonl").read_text(encoding="utf-8").splitlines()]


def test_every_level_and_a_real_hierarchy(corpus: Path, plain: Path) -> None:
    for folder in (corpus, plain):
        rows = _rows(folder)
        assert len(rows) == len(list(folder.glob("*.txt")))
        levels = {r["doc"]["level"] for r in rows}
        assert levels == {"central", "province", "district", "commune"}
        provinces = {r["doc"]["province"] for r in rows if r["doc"]["level"] == "province"}
        assert len(provinces) == 63
        for r in rows:
            for p in r["parents"]:
                if r["doc"]["level"] in ("district", "commune") and p["level"] != "central":
                    assert p["province"] == r["doc"]["province"]  # a unit cites its own province's plans
    rows = _rows(plain)
    assert len(rows) == N
    assert all(p["date"] <= r["doc"]["date"] for r in rows for p in r["parents"])


def test_extract_and_parent_accuracy(corpus: Path) -> None:
    files = sorted(corpus.glob("*.txt"))
    records = [extract_file(str(f)) for f in files]  # none may raise
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records(records)
    expected = load_expected(corpus / "expected.jsonl")
    acc = parent_accuracy(lin, records, expected)
    assert acc.missing_files == 0
    # 1.0 on 10,000-plan cascades of seeds 1, 2 and 3 as well.
    assert acc.accuracy == 1.0, acc.failures[:5]
    # Plans whose "Thực hiện" sentence was removed are counted apart, and the graph links none of
    # them; a planted duplicate is one node for two files, not a collision.
    truth = load_truth(corpus)
    assert acc.excluded == len(truth.suggest) >= 5 and acc.excluded_linked == 0
    assert acc.duplicates == truth.summary["planted"]["same_number_different_title"] >= 2
    assert id_collisions(lin, records, acc) == 0
    # The scorers match a node to a truth document by number, issuer place and year: every
    # ingested plan's node has the key of its expected.jsonl row.
    ids = file_ids(lin, records)
    look = graph_lookup(lin)
    for name, row in expected.items():
        assert node_key(look(ids[name])) == doc_key(row["doc"]), name
    # ... and a document left unwritten is a stub of the key its citers give it.
    nodes = {node_key(look(i)) for i in lin.index.nodes()}
    stubs = [f["docs"][0] for f in truth.faults if f["kind"] == "missing_document"]
    assert stubs and all(doc_key(d) in nodes for d in stubs)
    assert look("no.such.id") is None


def test_texts_print_places_as_documents_do(corpus: Path) -> None:
    """The dataset's "Long Mỹ (Huyện)" and "Quận 6" are printed "huyện Long Mỹ" and "Quận 6"
    (never "quận Quận 6"); documents know no kind in brackets."""
    import re

    for f in corpus.glob("*.txt"):
        text = f.read_text(encoding="utf-8")
        assert not re.search(r"\((?:Huyện|Thị xã|Thành phố|Xã|Thị trấn|Phường)\)", text), f.name
        assert not re.search(r"(?i)\b(quận|phường)\s+\1\s+\d", text), f.name


def test_a_plan_whose_place_is_ambiguous_names_its_province() -> None:
    """xã Phú Hữu of huyện Châu Thành is in Đồng Tháp and in Hậu Giang: its plan names a
    provincial plan with its province in a reference chain (else no reader could place it)."""
    from bench.synth.model import Unit
    from bench.synth.places import place_needs_province

    assert place_needs_province(Unit("commune", "Phú Hữu", "Xã", "Hậu Giang", "Châu Thành", "Huyện"))
    assert not place_needs_province(Unit("district", "Bác Ái", "Huyện", "Ninh Thuận", "Bác Ái"))


def test_a_commune_plan_names_its_province_unless_its_header_places_it() -> None:
    """What a header prints decides: a mass organisation's header names the commune alone
    ("HỘI CỰU CHIẾN BINH PHƯỜNG 11", in a dozen towns); a Party header names the district
    too ("ĐẢNG BỘ QUẬN 6 / ĐẢNG ỦY PHƯỜNG 11", one only). A commune that its name and kind
    alone place (xã Tam Đàn, Quảng Nam) needs nothing more."""
    from bench.synth.model import Unit
    from bench.synth.places import place_needs_province

    p11 = Unit("commune", "Phường 11", "Phường", "Hồ Chí Minh", "Quận 6", "Quận")
    assert place_needs_province(p11, "HỘI CỰU CHIẾN BINH PHƯỜNG 11\nSố: 13/KH/CCB   Phường 11, ngày")
    assert not place_needs_province(p11, "ĐẢNG BỘ QUẬN 6\nĐẢNG ỦY PHƯỜNG 11\nSố 54-KH/ĐU   Phường 11, ngày")
    tam_dan = Unit("commune", "Tam Đàn", "Xã", "Quảng Nam", "Phú Ninh", "Huyện")
    assert not place_needs_province(tam_dan, "ỦY BAN NHÂN DÂN\nXÃ TAM ĐÀN\nSố: 14/KH-UBND   Tam Đàn, ngày")


def test_the_cli_command_is_the_generator(
    corpus: Path, plain: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`lineage synth` is a thin command over :func:`bench.synth.generate`: same bytes, planted
    or not (``--no-plant``), one argument parser, a one-line error for a bad count."""
    from lineage.cli import main

    assert main(["synth", "--plans", str(N), "--seed", "7", "--out", str(tmp_path / "cli")]) == 0
    out = capsys.readouterr().out
    assert f"wrote {len(list(corpus.glob('*.txt')))} plans" in out and "planted (truth in" in out
    assert _files(corpus) == _files(tmp_path / "cli")
    assert main(["synth", "--plans", str(N), "--seed", "7", "--out", str(tmp_path / "np"), "--no-plant"]) == 0
    assert "planted" not in capsys.readouterr().out
    assert _files(plain) == _files(tmp_path / "np")
    assert main(["synth", "--plans", "0", "--out", str(tmp_path / "none")]) == 1
    assert capsys.readouterr().err == "Error: --plans must be at least 1\n"
    assert not (tmp_path / "none").exists()


def test_the_texts_say_what_the_tree_decided(plain: Path, tmp_path: Path) -> None:
    """The tree and the texts are separate steps (a planting step will go between them): a
    plan changed after :func:`build_plans` is written as changed, in its text and in
    expected.jsonl and in its children's references, and every text below no changed plan keeps
    its bytes."""
    import random
    import re
    import unicodedata
    from datetime import date

    from bench.synth import build_plans
    from bench.synth.write import write_corpus

    plans = build_plans(N, 7)
    moved = next(p for p in plans if p.level == "district" and not p.blank_number)
    moved.doc_date = date(2024, 12, 30)
    out = tmp_path / "changed"
    out.mkdir()
    write_corpus(plans, out, random.Random("7:text"))

    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", (out / moved.file).read_text(encoding="utf-8")))
    assert "ngày 30 tháng 12 năm 2024" in text
    rows = {
        r["file"]: r
        for r in map(json.loads, (out / "expected.jsonl").read_text(encoding="utf-8").splitlines())
    }
    assert rows[moved.file]["doc"]["date"] == "2024-12-30"

    below: set[int] = {moved.idx}
    for p in plans:  # parents come before children
        if any(q.idx in below for q in p.implements):
            below.add(p.idx)
    children = [p for p in plans if moved in p.implements]
    assert children
    for p in plans:
        same = (out / p.file).read_bytes() == (plain / p.file).read_bytes()
        if p.idx not in below:
            assert same, p.file  # nothing else is drawn differently
        elif p is moved or p in children:
            assert not same, p.file  # a child's reference always prints its parent's date
