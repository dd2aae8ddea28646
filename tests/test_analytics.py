"""Coverage and timeline on the seeds (issue 12, items 1, 2, 3 and 5): the service, the API, the CLI.

The done-when checks: Kết luận 70's matrix shows 6 of its 189 province × system
cells covered; the coverage of 241-KH/TU lists Bắc Kạn's eight district-level
Party committees, Thành ủy Bắc Kạn covered through 224-KH/TU marked as skipping a
level (it implements Kết luận 70 directly). The seeds are extracted and ingested
as they are (no hand-made records), into a store in memory; the CLI runs as a
user runs it, on a store on disk.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from api_fixtures import XSS, TestClient
from test_cli import SEEDS, assert_one_line_error, run

from api import create_app
from api.routes.analytics_models import CoverageOut, TimelineOut
from graph.analytics import Analytics
from graph.service import Lineage
from graph.store import open_store
from ingest import extract_file

BAC_KAN_PARTY = {
    "Thành ủy Bắc Kạn",
    "Huyện ủy Pác Nặm",
    "Huyện ủy Ba Bể",
    "Huyện ủy Ngân Sơn",
    "Huyện ủy Bạch Thông",
    "Huyện ủy Chợ Đồn",
    "Huyện ủy Chợ Mới",
    "Huyện ủy Na Rì",
}
COVERED_CELLS = {
    ("Bắc Kạn", "party"),  # 241-KH/TU
    ("Bắc Kạn", "front"),  # 474/KH-MTTQ-BTT
    ("Bắc Ninh", "state"),  # 154/KH-UBND
    ("Lạng Sơn", "party"),  # the Tỉnh ủy's plan (a seed)
    ("Ninh Thuận", "party"),  # 297-KH/TU
    ("Thái Nguyên", "party"),  # 160-KH/TU and the Đảng ủy Khối's plan (a seed)
}


def _seeds() -> list:
    return [extract_file(str(p)) for p in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture(scope="module")
def seeded() -> Lineage:
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records(_seeds())
    return lin


@pytest.fixture(scope="module")
def analytics(seeded: Lineage) -> Analytics:
    return Analytics(seeded)


@pytest.fixture(scope="module")
def client(seeded: Lineage) -> TestClient:
    return TestClient(create_app(seeded))


def one(lin: Lineage, ref: str) -> str:
    ids = lin.resolve(ref)
    assert ids, ref
    return ids[0]


# -- coverage ------------------------------------------------------------------------------------
def test_kl70_matrix_has_6_of_189_cells_covered(seeded: Lineage, analytics: Analytics) -> None:
    cov = analytics.coverage(one(seeded, "70-KL/TW"))
    assert (cov["expected"], cov["covered"], cov["gaps"]) == (189, 6, 183)
    assert len(cov["matrix"]) == 63
    assert all(set(row["cells"]) == {"party", "state", "front"} for row in cov["matrix"])
    covered = {(row["province"], s) for row in cov["matrix"] for s, c in row["cells"].items() if c["plans"]}
    assert covered == COVERED_CELLS
    assert {s: c["covered"] for s, c in cov["by_system"].items()} == {"party": 4, "state": 1, "front": 1}
    bk = next(u for u in cov["units"] if u["province"] == "Bắc Kạn" and u["system"] == "party")
    assert bk["name"] == "Tỉnh ủy Bắc Kạn" and bk["level"] == "province"
    assert bk["plans"] == [one(seeded, "241-KH/TU Bắc Kạn")]
    assert (bk["first_date"], bk["lag_days"], bk["precision"], bk["skipping"]) == (
        "2024-04-02",
        62,
        "day",
        False,
    )
    assert bk["lat"] and bk["lon"]  # placed on the map


def test_241_lists_bac_kan_party_committees_with_thanh_uy_skipping(
    seeded: Lineage, analytics: Analytics
) -> None:
    cov = analytics.coverage(one(seeded, "241-KH/TU Bắc Kạn"))
    assert {u["name"] for u in cov["units"]} == BAC_KAN_PARTY
    assert all(u["system"] == "party" and u["level"] == "district" for u in cov["units"])
    assert all(u["province"] == "Bắc Kạn" and u["source"] == ["gazetteer"] for u in cov["units"])
    city = next(u for u in cov["units"] if u["name"] == "Thành ủy Bắc Kạn")
    assert city["plans"] == [one(seeded, "224-KH/TU")] and city["skipping"] is True
    assert (city["first_date"], city["lag_days"]) == ("2024-04-12", 10)  # 02/4 -> 12/4
    assert [u for u in cov["units"] if u["plans"]] == [city]
    assert (cov["expected"], cov["covered"], cov["skipping"], cov["gaps"]) == (8, 1, 1, 7)
    assert "matrix" not in cov


def test_matrix_drills_down_to_the_districts_of_a_province(seeded: Lineage, analytics: Analytics) -> None:
    root = one(seeded, "70-KL/TW")
    party = analytics.coverage(root, province="bac kan", system="party")  # diacritics-insensitive
    assert party["province_filter"] == "Bắc Kạn"
    assert {u["name"] for u in party["units"]} == BAC_KAN_PARTY
    city = next(u for u in party["units"] if u["name"] == "Thành ủy Bắc Kạn")
    assert city["plans"] == [one(seeded, "224-KH/TU")] and city["skipping"] is False  # it is under KL 70
    every = analytics.coverage(root, province="Bắc Kạn")
    assert every["expected"] == 24
    front = next(u for u in every["units"] if u["name"] == "Ủy ban MTTQ thành phố Bắc Kạn")
    # dated "2024-05": a month, so the lag is a range, not a number of days
    assert front["first_date"] == "2024-05" and front["lag_days"] is None
    assert (front["precision"], front["lag_range"]) == ("month", [91, 121])


def test_a_plan_nobody_is_expected_to_implement(seeded: Lineage, analytics: Analytics) -> None:
    khoi = next(i for i in seeded.resolve("Đảng ủy Khối các cơ quan tỉnh Thái Nguyên") if "dang-uy-khoi" in i)
    cov = analytics.coverage(khoi)  # a Khối has no territory; its recipients name no unit with a place
    assert (cov["expected"], cov["covered"], cov["units"]) == (0, 0, [])


# -- timeline --------------------------------------------------------------------------------------
def test_timeline_of_kl70_respects_each_dates_precision(seeded: Lineage, analytics: Analytics) -> None:
    tl = analytics.timeline(one(seeded, "70-KL/TW"))
    links = {(x["parent_number"], x["child_number"], x["child_issuer"]): x for x in tl["links"]}
    assert len(tl["links"]) == 12 and tl["documents"] == 12  # KL 70 and the 11 documents below it
    x = links[("241-KH/TU", "474/KH-MTTQ-BTT", "Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn")]
    assert (x["lag_days"], x["precision"], x["lag_range"]) == (24, "day", [24, 24])
    bac_ai = links[("297-KH/TU", None, "Ban Thường vụ Huyện ủy Bác Ái")]  # dated "2024-04", parent 10/4
    assert (bac_ai["lag_days"], bac_ai["precision"], bac_ai["lag_range"]) == (None, "month", [-9, 20])
    undated = [x for x in tl["links"] if x["child_date"] is None]
    assert undated and all(x["precision"] is None and x["lag_range"] is None for x in undated)
    prov = tl["by_level"]["province"]
    assert (prov["links"], prov["count"], prov["median"], prov["p90"]) == (7, 5, 62, 132)
    assert tl["by_level"]["district"]["inexact"] == 3
    assert tl["slowest"][0]["number"] == "154/KH-UBND" and tl["slowest"][0]["lag_days"] == 132
    assert tl["fastest"][0]["number"] == "474/KH-MTTQ-BTT"


# -- the API ---------------------------------------------------------------------------------------
def test_routes_answer_the_documented_shapes(seeded: Lineage, client: TestClient) -> None:
    root = one(seeded, "70-KL/TW")
    r = client.get(f"/api/plans/{root}/coverage")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = CoverageOut.model_validate(r.json())
    assert (body.expected, body.covered) == (189, 6)
    for key in ("plan", "expected", "covered", "units"):  # the interface's keys
        assert key in r.json()
    unit = r.json()["units"][0]
    assert {"name", "province", "district", "level", "system", "plans", "first_date", "lag_days"} <= set(unit)
    r = client.get(f"/api/plans/{root}/timeline")
    assert r.status_code == 200
    tl = TimelineOut.model_validate(r.json())
    assert len(tl.links) == 12 and "province" in tl.by_level
    link = r.json()["links"][0]
    expected = {"parent", "child", "parent_number", "child_number", "parent_date", "child_date"}
    assert expected | {"lag_days", "precision"} <= set(link)
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("coverage", "coverage.csv", "timeline", "timeline.csv"):
        assert f"/api/plans/{{id}}/{p}" in paths
    schema = paths["/api/plans/{id}/coverage"]["get"]["responses"]["200"]["content"]["application/json"]
    assert schema["schema"]["$ref"].endswith("/CoverageOut")


def test_csv_downloads(seeded: Lineage, client: TestClient) -> None:
    pid = one(seeded, "241-KH/TU Bắc Kạn")
    r = client.get(f"/api/plans/{pid}/coverage.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert {row["name"] for row in rows} == BAC_KAN_PARTY
    city = next(row for row in rows if row["name"] == "Thành ủy Bắc Kạn")
    assert (city["covered"], city["skipping"], city["lag_days"]) == ("yes", "yes", "10")
    r = client.get(f"/api/plans/{one(seeded, '70-KL/TW')}/timeline.csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 12 and {"lag_days", "precision", "lag_min", "lag_max"} <= set(rows[0])


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/plans/no.such.plan.2024.x/coverage", 404),
        ("/api/plans/no.such.plan.2024.x/timeline", 404),
        ("/api/plans/no.such.plan.2024.x/coverage.csv", 404),
        (f"/api/plans/{XSS}/timeline", 404),
        ("/api/plans/ROOT/coverage?system=mass_org", 422),
        ("/api/plans/ROOT/coverage?province=" + "x" * 300, 422),
    ],
)
def test_errors_are_problems(seeded: Lineage, client: TestClient, path: str, status: int) -> None:
    path = path.replace("ROOT", one(seeded, "70-KL/TW")).replace("P241", one(seeded, "241-KH/TU Bắc Kạn"))
    r = client.get(path)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == status


@pytest.mark.parametrize("route", ["coverage", "coverage.csv"])
def test_a_province_filter_narrows_any_plan(seeded: Lineage, client: TestClient, route: str) -> None:
    """``province`` is a filter on every plan, as its schema says: a lower plan keeps its units in
    that province, and a province the map does not know lists no unit (200, not an error)."""
    p241, root = one(seeded, "241-KH/TU Bắc Kạn"), one(seeded, "70-KL/TW")

    def names(pid: str, province: str) -> tuple[set[str], dict]:
        r = client.get(f"/api/plans/{pid}/{route}", params={"province": province})
        assert r.status_code == 200, r.text
        if route == "coverage":
            answer = r.json()
            return {u["name"] for u in answer["units"]}, answer
        return {row["name"] for row in csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")))}, {}

    same, answer = names(p241, "bac kan")
    assert same == BAC_KAN_PARTY
    if answer:
        assert (answer["province_filter"], answer["province_found"], answer["covered"]) == (
            "Bắc Kạn",
            True,
            1,
        )
    assert names(p241, "Hà Nội")[0] == set()
    for pid in (p241, root):
        none, answer = names(pid, "0" * 200)
        assert none == set()
        if answer:
            assert (answer["expected"], answer["province_found"], answer.get("matrix")) == (0, False, None)


# -- kept per generation ---------------------------------------------------------------------------
BA_BE = """ĐẢNG BỘ TỈNH BẮC KẠN
HUYỆN ỦY BA BỂ
Số 45-KH/HU
Ba Bể, ngày 20 tháng 4 năm 2024

KẾ HOẠCH
thực hiện Kết luận số 70-KL/TW của Bộ Chính trị về phát triển thể dục, thể thao trong giai đoạn mới

Thực hiện Kế hoạch số 241-KH/TU, ngày 02/4/2024 của Ban Thường vụ Tỉnh ủy Bắc Kạn thực hiện Kết luận số \
70-KL/TW, ngày 31/01/2024 của Bộ Chính trị về phát triển thể dục, thể thao trong giai đoạn mới, Ban Thường \
vụ Huyện ủy Ba Bể xây dựng Kế hoạch thực hiện như sau:

I. MỤC ĐÍCH, YÊU CẦU
Nâng cao nhận thức của các cấp ủy, tổ chức đảng về thể dục, thể thao.
"""


def test_answers_are_kept_until_the_read_model_changes(tmp_path: Path) -> None:
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records(_seeds())
    analytics = Analytics(lin)
    pid = one(lin, "241-KH/TU Bắc Kạn")
    first = analytics.json("coverage", pid)
    assert analytics.json("coverage", pid) is first  # made once for this generation
    before = json.loads(first)
    assert not next(u for u in before["units"] if u["name"] == "Huyện ủy Ba Bể")["plans"]
    doc = tmp_path / "ba-be.txt"
    doc.write_text(BA_BE, encoding="utf-8")
    generation = lin.generation
    lin.ingest_records([extract_file(str(doc))])
    assert lin.generation != generation
    after = json.loads(analytics.json("coverage", pid))
    ba_be = next(u for u in after["units"] if u["name"] == "Huyện ủy Ba Bể")
    assert ba_be["plans"] and ba_be["skipping"] is False and ba_be["lag_days"] == 18
    assert after["covered"] == before["covered"] + 1


# -- the command line ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    st = tmp_path_factory.mktemp("analytics-cli") / "store"
    p = run("ingest", str(SEEDS), store=st)
    assert p.returncode == 0, p.stderr
    return st


def test_cli_coverage_and_timeline(store_dir: Path) -> None:
    p = run("coverage", "241-KH/TU Bắc Kạn", store=store_dir)
    assert p.returncode == 0, p.stderr
    cov = json.loads(p.stdout)
    assert {u["name"] for u in cov["units"]} == BAC_KAN_PARTY and cov["skipping"] == 1
    # the done-when once more, on the seeds as `lineage ingest` stores them (files, workers, disk)
    city = next(u for u in cov["units"] if u["name"] == "Thành ủy Bắc Kạn")
    assert city["skipping"] is True and [u for u in cov["units"] if u["plans"]] == [city]
    assert len(city["plans"]) == 1 and city["plans"][0].endswith(".224-kh-tu")
    p = run("coverage", "70-KL/TW", store=store_dir)
    assert p.returncode == 0, p.stderr
    kl70 = json.loads(p.stdout)
    assert (kl70["expected"], kl70["covered"], len(kl70["matrix"])) == (189, 6, 63)
    cells = {(row["province"], s) for row in kl70["matrix"] for s, c in row["cells"].items() if c["plans"]}
    assert cells == COVERED_CELLS
    p = run(
        "coverage",
        "70-KL/TW",
        "--province",
        "Bắc Kạn",
        "--system",
        "party",
        "--format",
        "csv",
        store=store_dir,
    )
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    assert {r["name"] for r in rows} == BAC_KAN_PARTY
    p = run("timeline", "70-KL/TW", store=store_dir)
    assert p.returncode == 0, p.stderr
    assert len(json.loads(p.stdout)["links"]) == 12
    p = run("timeline", "70-KL/TW", "--format", "csv", store=store_dir)
    assert p.stdout.splitlines()[0].startswith("parent,parent_number,parent_date,child")


def test_cli_errors_are_one_line(store_dir: Path) -> None:
    assert_one_line_error(run("coverage", "999-XYZ/ABC Atlantis", store=store_dir), "no plan matches")
    p = run("coverage", "70-KL/TW", "--province", "Atlantis", store=store_dir)
    assert p.returncode == 0, p.stderr  # a filter that matches nothing, said in the answer
    assert (json.loads(p.stdout)["province_found"], json.loads(p.stdout)["units"]) == (False, [])


# -- pages ------------------------------------------------------------------------------------------
def test_pages_escape_what_documents_say() -> None:
    """A title with markup (the API tests' 99-KH/TU) is text on both pages, never markup."""
    from api_fixtures import id_of, make_app

    app, lin = make_app()
    c = TestClient(app)
    for pid in (id_of(lin, "99-KH/TU"), lin.resolve("70-KL/TW")[0]):
        for page in ("coverage", "timeline"):
            r = c.get(f"/view/plans/{pid}/{page}")
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
            assert XSS not in r.text and "<script" not in r.text  # the pages carry no script at all
    assert "&lt;script&gt;" in c.get(f"/view/plans/{id_of(lin, '99-KH/TU')}/coverage").text
    assert c.get("/view/plans/nope/coverage").status_code == 404
    r = c.get(f"/view/plans/{lin.resolve('70-KL/TW')[0]}/coverage?province=Atlantis")
    assert r.status_code == 200 and 'id="province-unknown"' in r.text and "Atlantis" in r.text
