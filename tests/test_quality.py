"""Data quality (graph.analytics.quality): each kind of finding on hand-made records, the scope of
one cascade, the most-wanted list, ``lineage check``, ``GET /api/quality`` and its CSVs, and the
recall of the faults a synthetic corpus plants (scored by bench.analytics_score)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from api_fixtures import TestClient

from api import create_app
from bench.analytics_score import graph_lookup, load_truth, quality_scores
from bench.synth import generate
from graph.analytics import Analytics
from graph.analytics.quality import KINDS, SEVERITY, has_errors
from graph.errors import NotFound
from graph.service import Lineage
from graph.store import open_store
from ingest.model import Evidence, Issuer, PlanRecord, Ref
from lineage.cli import main

BK = "Bắc Kạn"
TINH_UY = Issuer("Ban Thường vụ Tỉnh ủy Bắc Kạn", "party", "province", BK, None, "Thái Nguyên")
MTTQ = Issuer(
    "Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn", "front", "province", BK, None, "Thái Nguyên"
)
BCT = Issuer("Bộ Chính trị", "party", "central")


def huyen(name: str) -> Issuer:
    return Issuer(f"Ban Thường vụ Huyện ủy {name}", "party", "district", BK, name, "Thái Nguyên")


UBND_CD = Issuer("Ủy ban nhân dân huyện Chợ Đồn", "state", "district", BK, "Chợ Đồn", "Thái Nguyên")


def ref(number: str, date: str | None, issuer: Issuer | None, doc_type: str = "ke_hoach") -> Ref:
    return Ref(
        doc_type, number, date, None, issuer, evidence=Evidence(10, 40, "test", 0.9, "explicit", number)
    )


def rec(
    number: str, date: str, issuer: Issuer, *, title: str = "Thực hiện Kết luận 70", **kw: object
) -> PlanRecord:
    sha = (number + title).encode().hex()[:64].ljust(64, "0")
    return PlanRecord(f"{number}.txt", "ke_hoach", number, None, date, title, issuer, sha256=sha, **kw)  # type: ignore[arg-type]


KL70 = ref("70-KL/TW", "2024-01-31", BCT, "ket_luan")
A = ref("1-KH/TU", "2024-04-02", TINH_UY)
B = ref("2-KH/HU", "2024-04", huyen("Chợ Đồn"))
G = ref("7/KH-UBND", "2024-04-15", UBND_CD)
S = ref("10-KH/TU", "2024-03-01", TINH_UY)  # known only by reference, implemented by three plans
T = ref("11-KH/TU", "2024-03-05", TINH_UY)  # known only by reference, implemented by one


def records() -> list[PlanRecord]:
    return [
        rec("1-KH/TU", "2024-04-02", TINH_UY, implements=(KL70,)),
        rec("2-KH/HU", "2024-04", huyen("Chợ Đồn"), implements=(A, G)),  # a month: may follow A
        rec("3-KH/HU", "2024-03-20", huyen("Ba Bể"), implements=(A, S)),  # before A
        rec("4-KH/HU", "2024-03", huyen("Pác Nặm"), implements=(A, S)),  # all of March is before A
        rec("5-KH/HU", "2024-04", huyen("Na Rì"), implements=(A, S, T)),
        rec("6/KH-MTTQ-BTT", "2024-05-01", MTTQ, implements=(B,)),  # a province body, a district plan
        rec("7/KH-UBND", "2024-04-15", UBND_CD, implements=(B,)),  # and B implements it: a cycle
        rec("8-KH/HU", "2024-05-02", huyen("Ngân Sơn"), title="Tổ chức Ngày chạy Olympic", implements=(A,)),
        rec(
            "8-KH/HU", "2024-05-02", huyen("Ngân Sơn"), title="Phát động phong trào bơi lội", implements=(A,)
        ),
        rec("9-KH/HU", "2024-05-03", huyen("Bạch Thông"), title="Đại hội TDTT", implements=(A,)),
        rec("9-KH/HU", "2024-05-03", huyen("Bạch Thông"), title="Đại hội  TDTT.", implements=(A,)),
        rec("12-KH/TU", "2023-02-01", TINH_UY, implements=(KL70,)),
        rec("12-KH/TU", "2024-02-01", TINH_UY, title="Kế hoạch khác", implements=(KL70,)),
        rec(
            "13-KH/HU",
            "2024-05-20",
            huyen("Chợ Mới"),
            implements=(A,),
            based_on=(ref("12/KH-BCĐ", "2024-02-20", None), ref("12-KH/TU", None, TINH_UY)),
        ),
    ]


@pytest.fixture(scope="module")
def lin() -> Lineage:
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records(records())
    return lin


@pytest.fixture(scope="module")
def answer(lin: Lineage) -> dict:
    return Analytics(lin).quality(most_wanted=50)


def _id(lin: Lineage, number: str, year: str | None = None) -> str:
    found = [
        i
        for i in lin.index.nodes()
        if lin.summary(i)["number"] == number and (year is None or f".{year}." in i)
    ]
    assert len(found) == 1, (number, found)
    return found[0]


def _of(answer: dict, kind: str) -> list[dict]:
    return [f for f in answer["findings"] if f["kind"] == kind]


def test_every_finding_has_the_shape_and_a_sentence(answer: dict) -> None:
    assert set(answer) == {"findings", "most_wanted"}
    for f in answer["findings"]:
        assert set(f) == {"kind", "severity", "ids", "detail"}
        assert f["kind"] in KINDS and f["severity"] == SEVERITY[f["kind"]]
        assert isinstance(f["detail"]["message"], str) and f["detail"]["message"]
    severities = [f["severity"] for f in answer["findings"]]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)  # errors first


def test_a_child_dated_before_its_parent_with_the_dates_precision(lin: Lineage, answer: dict) -> None:
    pairs = {tuple(f["ids"]) for f in _of(answer, "date_before_parent")}
    a = _id(lin, "1-KH/TU")
    assert (a, _id(lin, "3-KH/HU")) in pairs  # a day before
    assert (a, _id(lin, "4-KH/HU")) in pairs  # a month that ends before the parent's day
    # "2024-04" may be any day of April: not before 2 April for sure
    assert (a, _id(lin, "2-KH/HU")) not in pairs and (a, _id(lin, "5-KH/HU")) not in pairs
    days = {tuple(f["ids"]): f["detail"]["days"] for f in _of(answer, "date_before_parent")}
    assert days[(a, _id(lin, "3-KH/HU"))] == 13 and days[(a, _id(lin, "4-KH/HU"))] == 2


def test_cycles_and_lower_bodies(lin: Lineage, answer: dict) -> None:
    b, g = _id(lin, "2-KH/HU"), _id(lin, "7/KH-UBND")
    assert [f["ids"] for f in _of(answer, "cycle")] == [sorted([b, g])]
    assert [f["ids"] for f in _of(answer, "implements_lower")] == [[_id(lin, "6/KH-MTTQ-BTT"), b]]
    assert _of(answer, "implements_lower")[0]["detail"]["level"] == "province"


def test_one_number_with_different_titles_and_one_document_twice(lin: Lineage, answer: dict) -> None:
    diff = _of(answer, "same_number_different_title")
    assert [f["ids"] for f in diff] == [[_id(lin, "8-KH/HU")]]
    assert sorted(diff[0]["detail"]["titles"]) == [
        "Phát động phong trào bơi lội",
        "Tổ chức Ngày chạy Olympic",
    ]
    # the same title spelt with another spacing and a full stop: one document, read twice
    assert [f["ids"] for f in _of(answer, "ingested_twice")] == [[_id(lin, "9-KH/HU")]]


def test_unresolved_references(lin: Lineage, answer: dict) -> None:
    found = {f["detail"]["number"]: f for f in _of(answer, "unresolved_reference")}
    citer = _id(lin, "13-KH/HU")
    bcd = found["12/KH-BCĐ"]  # "của Ban Chỉ đạo": no place, no body the graph can identify
    assert citer in bcd["ids"][1:] and set(bcd["detail"]["missing"]) >= {"place", "issuer"}
    undated = found["12-KH/TU"]  # no date, and Bắc Kạn's Tỉnh ủy has a 12-KH/TU in 2023 and in 2024
    assert undated["detail"]["missing"] == ["year"]
    assert undated["detail"]["candidates"] == sorted(
        [_id(lin, "12-KH/TU", "2023"), _id(lin, "12-KH/TU", "2024")]
    )
    assert "2 known documents fit" in undated["detail"]["message"]


def test_most_wanted_ranks_stubs_by_the_ingested_plans_implementing_them(lin: Lineage, answer: dict) -> None:
    wanted = [(m["number"], m["cited_by"]) for m in answer["most_wanted"]]
    assert wanted[0] == ("10-KH/TU", 3)
    assert ("70-KL/TW", 3) in wanted and ("11-KH/TU", 1) in wanted  # 1-KH/TU and both 12-KH/TU
    assert all(lin.summary(m["id"])["stub"] for m in answer["most_wanted"])
    assert [m["cited_by"] for m in answer["most_wanted"]] == sorted(
        (m["cited_by"] for m in answer["most_wanted"]), reverse=True
    )
    assert "1-KH/TU" not in {n for n, _ in wanted}  # ingested: not wanted
    assert len(Analytics(lin).quality(most_wanted=1)["most_wanted"]) == 1


def test_the_cascade_of_one_plan(lin: Lineage, answer: dict) -> None:
    b = _id(lin, "2-KH/HU")
    below_b = Analytics(lin).quality(b)
    assert {f["kind"] for f in below_b["findings"]} == {"cycle", "implements_lower"}
    assert below_b["most_wanted"] == []
    whole = Analytics(lin).quality(_id(lin, "70-KL/TW"))
    assert {f["kind"] for f in whole["findings"]} == {f["kind"] for f in answer["findings"]}
    with pytest.raises(NotFound):
        Analytics(lin).quality("no.such.plan.id.here")


def test_a_place_succeeded_by_itself_is_an_error(tmp_path: Path) -> None:
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records(records()[:1])
    assert not has_errors(Analytics(lin).quality())
    place = "https://w3id.org/vn-lineage/place/bac-kan"
    lin.store.load_nquads(
        f"<{place}> <https://w3id.org/vn-lineage/ontology#successor> <{place}> <urn:test:old> .\n".encode()
    )
    lin.refresh(changed=True)
    found = _of(Analytics(lin).quality(), "self_successor")
    assert [f["detail"]["place"] for f in found] == [place] and found[0]["severity"] == "error"
    # in the cascade of a Bắc Kạn plan too, not in that of a Lạng Sơn plan
    assert _of(Analytics(lin).quality(_id(lin, "1-KH/TU")), "self_successor")
    lang_son = Issuer("Ban Thường vụ Tỉnh ủy Lạng Sơn", "party", "province", "Lạng Sơn", None, "Lạng Sơn")
    lin.ingest_records([rec("20-KH/TU", "2024-04-04", lang_son)])
    assert not _of(Analytics(lin).quality(_id(lin, "20-KH/TU")), "self_successor")
    assert _of(Analytics(lin).quality(), "self_successor")
    assert found[0]["detail"]["message"] == "Bắc Kạn is recorded as succeeded by itself"


def test_lineage_check_exits_1_on_an_error(
    lin: Lineage, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    store = tmp_path / "s"
    clean = Lineage.open(open_store(str(store)))
    clean.ingest_records(records()[:1])
    clean.store.close()
    assert main(["check", "--store", str(store)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["findings"] == [] and out["most_wanted"][0]["number"] == "70-KL/TW"
    store2 = tmp_path / "s2"
    dirty = Lineage.open(open_store(str(store2)))
    dirty.ingest_records(records())
    dirty.store.close()
    assert main(["check", "--store", str(store2)]) == 1
    captured = capsys.readouterr()
    assert "error: " in captured.err and json.loads(captured.out)["findings"]
    assert main(["check", "--store", str(store2), "--plan", "2-KH/HU", "--format", "csv"]) == 1
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["kind"] for r in rows} == {"cycle", "implements_lower"}
    assert main(["check", "--store", str(store2), "--format", "csv", "--table", "most-wanted"]) == 1
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["number"] == "10-KH/TU" and rows[0]["cited_by"] == "3" and rows[0]["rank"] == "1"
    assert main(["check", "--store", str(store2), "--plan", "không có kế hoạch này"]) == 1
    assert capsys.readouterr().err.startswith("Error: no plan matches")


@pytest.fixture(scope="module")
def client(lin: Lineage) -> TestClient:
    return TestClient(create_app(lin))


def test_the_route_and_its_csv(lin: Lineage, client: TestClient, answer: dict) -> None:
    r = client.get("/api/quality", params={"most_wanted": 50})
    assert r.status_code == 200 and r.json() == json.loads(json.dumps(answer))
    b = _id(lin, "2-KH/HU")
    scoped = client.get("/api/quality", params={"plan": b}).json()
    assert {f["kind"] for f in scoped["findings"]} == {"cycle", "implements_lower"}
    assert client.get("/api/quality", params={"plan": "no.such.plan.id.here"}).status_code == 404
    assert client.get("/api/quality", params={"most_wanted": -1}).status_code == 422
    r = client.get("/api/quality/findings.csv")
    assert (
        r.headers["content-type"].startswith("text/csv") and "attachment" in r.headers["content-disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == len(answer["findings"]) and rows[0]["severity"] == "error"
    assert all(r["message"] for r in rows)
    r = client.get("/api/quality/most-wanted.csv", params={"most_wanted": 2})
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(x["rank"], x["number"]) for x in rows][0] == ("1", "10-KH/TU") and len(rows) == 2
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/quality", "/api/quality/findings.csv", "/api/quality/most-wanted.csv"} <= set(paths)
    props = client.get("/openapi.json").json()["components"]["schemas"]["QualityOut"]["properties"]
    assert set(props) == {"findings", "most_wanted"}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Lineage, Path]:
    out = tmp_path_factory.mktemp("planted")
    generate(300, 5, out)
    lin = Lineage.open(open_store("memory:"))
    report, _ = lin.ingest_files(sorted(str(p) for p in out.glob("*.txt")), workers=1)
    assert report.ingested > 250
    return lin, out


def test_every_planted_fault_is_found(planted: tuple[Lineage, Path]) -> None:
    lin, corpus = planted
    truth = load_truth(corpus)
    kinds = {f["kind"] for f in truth.faults}
    assert kinds >= {"date_before_parent", "cycle", "same_number_different_title", "missing_document"}
    answer = Analytics(lin).quality(most_wanted=10_000)
    scores = quality_scores(answer, truth, graph_lookup(lin))
    assert scores["quality_recall"] == 1.0, scores
    assert scores["most_wanted_cited_exact"] == 1.0, scores
    # no place is its own successor any more (the planted corpus names 63 provinces)
    assert not _of(answer, "self_successor")
