"""Level of detail for large cascades: groups, their counts and edges, opening, the routes.

The cascades here are built from :class:`ingest.model.PlanRecord` values in
process (:func:`national_records`), never from extracted files: one root
directive, then Party/State/Front plans per province, per district and per
commune. The browser test (tests/test_browser_cascade.py) uses the same
builder at 10,000 plans.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

import pytest
from api_fixtures import TestClient
from test_views import assert_offline, parse

import viz.grouping
import viz.views
from api import create_app
from graph.service import Lineage
from graph.store import open_store
from ingest.model import Issuer, PlanRecord, Ref
from viz import lod as lod_vis
from viz.cache import ViewCache
from viz.grouping import CascadeLOD, Drawing, deepest, group_id, parse_group_id
from viz.layout import band_layout, collation_key, rows_of, wrap_width
from viz.lod import bodies_label
from viz.network import LEVEL_COLORS
from viz.overview import build_overview

ROOT_NUMBER = "70-KL/TW"
SYSTEMS = ("party", "state", "front")
# Real province names first (accents, a hyphen), then numbered ones for larger cascades.
PROVINCES = ("Bắc Kạn", "An Giang", "Bà Rịa - Vũng Tàu", "Đắk Lắk", "Thừa Thiên Huế", "Lạng Sơn")
DISTRICT_STEMS = ("Chợ Đồn", "Ba Bể", "Na Rì", "Bạch Thông", "Ngân Sơn", "Pác Nặm", "Chợ Mới", "Đông Hải")
COMMUNE_STEMS = ("Bằng Lãng", "Đồng Lạc", "Nam Cường", "Yên Thượng", "Xuân Lạc", "Quảng Bạch", "Bản Thi")

ROOT_ISSUER = Issuer(name="Bộ Chính trị", system="party", level="central")
ROOT_REF = Ref(
    doc_type="ket_luan",
    number=ROOT_NUMBER,
    date="2024-01-31",
    title="về phát triển thể dục, thể thao trong giai đoạn mới",
    issuer=ROOT_ISSUER,
)
_WORDS = {"province": ("Tỉnh ủy", "tỉnh"), "district": ("Huyện ủy", "huyện"), "commune": ("Đảng ủy", "xã")}
_SYMBOLS = {
    ("party", "province"): "KH/TU",
    ("party", "district"): "KH/HU",
    ("party", "commune"): "KH/ĐU",
    ("state", "province"): "KH-UBND",
    ("state", "district"): "KH-UBND",
    ("state", "commune"): "KH-UBND",
}


def province_names(n: int) -> list[str]:
    """``n`` distinct province names: the real ones of :data:`PROVINCES`, then numbered."""
    return [PROVINCES[i] if i < len(PROVINCES) else f"Tỉnh Mẫu {i + 1:02d}" for i in range(n)]


def issuer(
    system: str, level: str, province: str, district: str | None = None, commune: str | None = None
) -> Issuer:
    """A body named as the documents name it ("UBND huyện Chợ Đồn", "Đảng ủy xã Bằng Lãng")."""
    committee, unit = _WORDS[level]
    place = {"province": province, "district": district, "commune": commune}[level]
    name = {
        "party": f"Ban Thường vụ {committee} {place}" if level != "commune" else f"Đảng ủy xã {place}",
        "state": f"UBND {unit} {place}",
        "front": f"Ban Thường trực Ủy ban MTTQ Việt Nam {unit} {place}",
    }[system]
    return Issuer(
        name=name, system=system, level=level, province=province, district=district, commune=commune
    )


def national_records(
    n: int, provinces: int = 63, districts: int = 8, communes: int | None = None
) -> list[PlanRecord]:
    """``n`` plans under one root directive (a stub): provinces, then districts, then communes.

    Every province has a Party, a State and a Front plan implementing the root;
    every district of a province the three plans implementing the province's plan
    of the same system; the rest are commune plans implementing their district's
    plan of the same system, dealt round-robin over the districts, ``communes``
    per district at most (unbounded when None). Numbers are unique, so no two
    plans merge.
    """
    records: list[PlanRecord] = []

    def add(iss: Issuer, parent: Ref) -> Ref:
        seq = len(records) + 1
        symbol = _SYMBOLS.get((iss.system or "", iss.level or ""), "KH-MTTQ-BTT")
        number = f"{seq}-{symbol}" if "/" in symbol else f"{seq}/{symbol}"
        records.append(
            PlanRecord(
                source=f"synthetic/{seq:06d}.txt",
                doc_type="ke_hoach",
                number=number,
                symbol=symbol,
                date="2024-05-02",
                title=f"Kế hoạch thực hiện Kết luận số 70-KL/TW ({seq})",
                issuer=iss,
                implements=(parent,),
                sha256=f"{seq:064x}",
            )
        )
        return Ref(doc_type="ke_hoach", number=number, date="2024-05-02", issuer=iss)

    names = province_names(provinces)
    prov_refs = {(p, s): add(issuer(s, "province", p), ROOT_REF) for s in SYSTEMS for p in names}
    dist_names = {
        p: [f"{DISTRICT_STEMS[d % len(DISTRICT_STEMS)]} {d + 1}" for d in range(districts)] for p in names
    }
    dist_refs = {
        (p, d, s): add(issuer(s, "district", p, d), prov_refs[(p, s)])
        for s in SYSTEMS
        for p in names
        for d in dist_names[p]
    }
    c = 0
    while len(records) < n and (communes is None or c < communes):
        commune = f"{COMMUNE_STEMS[c % len(COMMUNE_STEMS)]} {c + 1}"
        for p in names:
            for d in dist_names[p]:
                for s in SYSTEMS:
                    if len(records) < n:
                        add(issuer(s, "commune", p, d, commune), dist_refs[(p, d, s)])
        c += 1
    return records[:n]


def make(records: list[PlanRecord]) -> tuple[Lineage, str]:
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records(records)
    (root,) = lin.roots()
    assert root["number"] == ROOT_NUMBER
    return lin, root["id"]


# 2 provinces x (3 province + 2 districts x 3 + 2 districts x 3 communes x 3) = 2 x 27 = 54 plans
@pytest.fixture(scope="module")
def small() -> tuple[Lineage, str]:
    return make(national_records(10_000, provinces=2, districts=2, communes=3))


@pytest.fixture
def tiny_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Groups of more than 4 plans open into sub-groups, so 54 plans exercise every split."""
    monkeypatch.setattr(viz.grouping, "EXPAND_MAX", 4)


def check_drawing(lod: CascadeLOD, d: Drawing, opened: set[tuple[str, ...]]) -> None:
    """Every plan is drawn exactly once (itself or in one group) and no edge is lost."""
    plans = [n for n in d.nodes if parse_group_id(n) is None]
    in_groups = sum(lod.stats(p).plans for p in map(parse_group_id, d.nodes) if p is not None)
    assert len(set(d.nodes)) == len(d.nodes)
    assert len(plans) + in_groups == lod.size
    drawn = set(d.nodes)
    assert all(a in drawn and b in drawn and a != b for a, b in d.edges)
    op = lod.closed(opened)
    inside = sum(1 for a, b in lod.edges if lod.visible(a, op) == lod.visible(b, op))
    assert sum(d.edges.values()) + inside == len(lod.edges)


def with_province(records: list[PlanRecord], level: str, province: str) -> list[PlanRecord]:
    """The records with the province of every ``level`` issuer replaced (for escaping tests)."""
    return [
        replace(r, issuer=replace(r.issuer, province=province)) if r.issuer and r.issuer.level == level else r
        for r in records
    ]


# ------------------------------------------------------------------ grouping
def test_top_groups_by_level_and_province(small: tuple[Lineage, str]) -> None:
    lin, root = small
    lod = CascadeLOD(lin, root)
    assert lod.size == 55 and lod.individual == {root}
    counts = {group_id(g): lod.stats(g).plans for g in lod.tops}
    assert counts == {
        "g:province|An Giang": 3,
        "g:province|Bắc Kạn": 3,
        "g:district|An Giang": 6,
        "g:district|Bắc Kạn": 6,
        "g:commune|An Giang": 18,
        "g:commune|Bắc Kạn": 18,
    }
    # administrative order, then places in Vietnamese order (An Giang before Bắc Kạn)
    assert [group_id(g) for g in lod.tops][:2] == ["g:province|An Giang", "g:province|Bắc Kạn"]
    assert {lod.stats(g).depth for g in lod.tops} == {1, 2, 3}


def test_edges_between_groups_carry_counts(small: tuple[Lineage, str]) -> None:
    lin, root = small
    lod = CascadeLOD(lin, root)
    d = lod.drawing(set())
    assert dict(d.edges) == {
        ("g:province|An Giang", root): 3,
        ("g:province|Bắc Kạn", root): 3,
        ("g:district|An Giang", "g:province|An Giang"): 6,
        ("g:district|Bắc Kạn", "g:province|Bắc Kạn"): 6,
        ("g:commune|An Giang", "g:district|An Giang"): 18,
        ("g:commune|Bắc Kạn", "g:district|Bắc Kạn"): 18,
    }
    check_drawing(lod, d, set())


def test_small_group_opens_into_its_plans(small: tuple[Lineage, str]) -> None:
    lin, root = small
    lod = CascadeLOD(lin, root)
    g = ("province", "Bắc Kạn")
    subs, plans = lod.children(g)
    assert subs == [] and len(plans) == 3
    assert {lin.summary(p)["issuer"]["system"] for p in plans} == set(SYSTEMS)
    d = lod.drawing({g})
    assert "g:province|Bắc Kạn" not in d.nodes and set(plans) <= set(d.nodes)
    # the district group now points at each province plan of its system: 2 links each
    assert {(a, b): c for (a, b), c in d.edges.items() if a == "g:district|Bắc Kạn"} == {
        ("g:district|Bắc Kạn", p): 2 for p in plans
    }
    assert all(d.edges[(p, root)] == 1 for p in plans)
    check_drawing(lod, d, {g})


def test_large_group_opens_into_sub_groups_then_plans(small: tuple[Lineage, str], tiny_groups: None) -> None:
    lin, root = small
    lod = CascadeLOD(lin, root)
    top = ("commune", "Bắc Kạn")
    subs, plans = lod.children(top)  # 18 plans > 4: by district
    assert plans == [] and [group_id(s) for s in subs] == [
        "g:commune|Bắc Kạn|Ba Bể 2",
        "g:commune|Bắc Kạn|Chợ Đồn 1",
    ]
    assert [lod.stats(s).plans for s in subs] == [9, 9]
    district = subs[0]
    subs2, _ = lod.children(district)  # 9 plans > 4: by commune
    assert [lod.stats(s).plans for s in subs2] == [3, 3, 3]
    assert all(s[:3] == district for s in subs2)
    _, plans3 = lod.children(subs2[0])  # 3 plans: the plans
    assert len(plans3) == 3
    assert {lin.summary(p)["issuer"]["commune"] for p in plans3} == {subs2[0][3]}

    opened = {top, district, subs2[0]}
    d = lod.drawing(opened)
    assert set(plans3) <= set(d.nodes)
    assert {group_id(s) for s in subs2[1:]} <= set(d.nodes)
    assert group_id(subs[1]) in d.nodes and group_id(top) not in d.nodes
    # each commune plan implements the district plan of its system, still folded in its group
    assert all(d.edges[(p, "g:district|Bắc Kạn")] == 1 for p in plans3)
    assert d.edges[(group_id(subs[1]), "g:district|Bắc Kạn")] == 9
    check_drawing(lod, d, opened)

    # opening the district group too redirects those edges to its sub-groups (by district)
    opened2 = opened | {("district", "Bắc Kạn")}
    d2 = lod.drawing(opened2)
    assert d2.edges[(group_id(subs[1]), "g:district|Bắc Kạn|Chợ Đồn 1")] == 9
    check_drawing(lod, d2, opened2)


def test_a_key_with_one_value_is_skipped(tiny_groups: None) -> None:
    """A province with one district: its commune group opens straight into communes."""
    lin, root = make(national_records(10_000, provinces=1, districts=1, communes=2))
    lod = CascadeLOD(lin, root)
    subs, _ = lod.children(("commune", "Bắc Kạn"))  # 6 plans in 1 district, 2 communes
    assert [len(s) for s in subs] == [4, 4] and len(subs) == 2


def test_expansion_delta_applied_to_the_old_drawing_gives_the_new(
    small: tuple[Lineage, str], tiny_groups: None
) -> None:
    """What the page does with an expansion: drop the removed nodes and their edges, add the rest."""
    lin, root = small
    lod = CascadeLOD(lin, root)
    opened: set[tuple[str, ...]] = set()
    nodes = {n["id"]: n for n in lod_vis.vis(lod, opened)["nodes"]}
    edges = {(e["from"], e["to"]): e["count"] for e in lod_vis.vis(lod, opened)["edges"]}
    clicks = 0
    while True:
        group = next((parse_group_id(n) for n in sorted(nodes) if n.startswith("g:")), None)
        if group is None:
            break
        delta = lod_vis.expand(lod, deepest(opened), group)
        clicks += 1
        assert delta["removed"] == [group_id(group)]
        for r in delta["removed"]:
            del nodes[r]
        edges = {k: c for k, c in edges.items() if not set(k) & set(delta["removed"])}
        nodes.update({n["id"]: n for n in delta["nodes"]})
        edges.update({(e["from"], e["to"]): e["count"] for e in delta["edges"]})
        opened = {parse_group_id(g) for g in delta["open"]}  # type: ignore[misc]
        full = lod_vis.vis(lod, opened)
        assert set(nodes) == {n["id"] for n in full["nodes"]}
        assert edges == {(e["from"], e["to"]): e["count"] for e in full["edges"]}
        assert set(delta["positions"]) == set(nodes) and delta["count"] == len(nodes)
    assert set(nodes) == set(lod.depth) and clicks > 6  # everything open: every plan drawn
    assert sum(edges.values()) == len(lod.edges)


def test_initial_drawing_opens_whole_generations_within_budget(
    small: tuple[Lineage, str], tiny_groups: None
) -> None:
    lin, root = small
    lod = CascadeLOD(lin, root)
    assert lod.initial_open(budget=7) == set()  # root + 6 tops: nothing fits
    # the 6 tops open into 3 + 3 plans and 2 + 2 + 2 + 2 sub-groups: 1 + 14 nodes
    assert lod.initial_open(budget=14) == set()
    assert lod.initial_open(budget=15) == set(lod.tops)
    assert len(lod.drawing(lod.initial_open(budget=15)).nodes) == 15
    # then their 8 sub-groups: 4 open into 3 district plans each, 4 into 3 communes each: +16
    assert lod.initial_open(budget=30) == set(lod.tops)
    second = lod.initial_open(budget=31)
    assert len(second) == 6 + 8 and len(lod.drawing(second).nodes) == 31
    assert len(lod.drawing(lod.initial_open(budget=1000)).nodes) == lod.size


def test_open_sets_are_closed_upwards_and_sent_deepest(small: tuple[Lineage, str], tiny_groups: None) -> None:
    lin, root = small
    lod = CascadeLOD(lin, root)
    deep = ("commune", "Bắc Kạn", "Chợ Đồn 1", "Bằng Lãng 1")
    assert lod.closed([deep]) == {deep, deep[:3], deep[:2]}
    assert deepest(lod.closed([deep])) == {deep}
    assert lod.closed([("commune", "Nowhere"), ("bogus",), ()]) == set()
    assert not lod.is_group(("province", "Bắc Kạn", "party", "extra"))


def test_group_ids_round_trip_and_labels() -> None:
    for path in [("central",), ("commune", "A|B", "50%", ""), ("province", "Bắc Kạn")]:
        assert parse_group_id(group_id(path)) == path
    assert parse_group_id("bac-kan.tinh-uy.2024.ke-hoach.241-kh-tu") is None
    assert bodies_label("province", {"front", "party", "state"}) == "Tỉnh ủy / UBND / MTTQ"
    assert bodies_label("commune", {"party", "mass_org"}) == "Đảng ủy / đoàn thể"
    assert bodies_label("other", {""}) == "khác"


def test_group_nodes_are_coloured_labelled_and_escaped() -> None:
    evil = "<script>alert(1)</script>"
    records = with_province(national_records(40, provinces=1, districts=1, communes=3), "commune", evil)
    lin, root = make(records)
    lod = CascadeLOD(lin, root)
    node = lod_vis.node_data(lod, group_id(("commune", evil)))
    assert node["label"].startswith(evil) and "Đảng ủy / UBND / MTTQ — 9 plans" in node["label"]
    assert evil not in node["title"] and "&lt;script&gt;" in node["title"]
    assert node["color"]["background"] == LEVEL_COLORS["commune"]
    assert node["info"]["kind"] == "group" and node["info"]["plans"] == 9


# -------------------------------------------------------------------- layout
def test_band_layout_keeps_edges_pointing_up_and_wraps_wide_rows() -> None:
    depth = {"r": 0, **{f"p{i}": 1 for i in range(40)}, **{f"c{i}": 2 for i in range(40)}}
    edges = [(f"p{i}", "r") for i in range(40)] + [(f"c{i}", f"p{i}") for i in range(40)]
    order = {n: (n,) for n in depth}
    pos = band_layout(depth, edges, order)
    assert all(pos[child][1] > pos[parent][1] for child, parent in edges)
    assert len(set(pos.values())) == len(pos)
    width = wrap_width(40)
    assert len({pos[f"p{i}"][1] for i in range(40)}) == -(-40 // width)  # wrapped onto lines
    # a child sits under its parent: same column when the rows wrap alike
    assert all(pos[f"c{i}"][0] == pos[f"p{i}"][0] for i in range(40))
    assert rows_of({"a": 0, "b": 1}, [("a", "b"), ("b", "a")]) == {"a": 0, "b": 1}  # a cycle


def test_collation_follows_vietnamese_order() -> None:
    names = ["Đắk Lắk", "Bắc Kạn", "Bà Rịa - Vũng Tàu", "An Giang", "Cà Mau", "Bạc Liêu"]
    assert sorted(names, key=collation_key) == [
        "An Giang",
        "Bà Rịa - Vũng Tàu",
        "Bắc Kạn",
        "Bạc Liêu",
        "Cà Mau",
        "Đắk Lắk",
    ]


# -------------------------------------------------------------------- routes
@pytest.fixture(scope="module")
def small_client(small: tuple[Lineage, str]) -> Iterator[TestClient]:
    with TestClient(create_app(small[0])) as c:
        yield c


@pytest.fixture
def low_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 55-document cascade counts as large: drawn in groups, opened up to 12 nodes at first,
    every plan drawn up to 30 with a depth limit."""
    monkeypatch.setattr(viz.views, "MAX_NODES", 10)
    monkeypatch.setattr(viz.views, "MAX_FULL_NODES", 30)
    monkeypatch.setattr(viz.grouping, "INITIAL_NODES", 12)


def test_large_cascade_page_starts_grouped(
    small_client: TestClient, small: tuple[Lineage, str], low_limits: None
) -> None:
    lin, root = small
    r = small_client.get(f"/view/plans/{root}")
    assert r.status_code == 200
    page = assert_offline(small_client, r.text)
    data = json.loads(page.json_scripts["cascade-data"])
    assert data["options"]["physics"]["enabled"] is False
    assert data["options"]["layout"]["hierarchical"]["enabled"] is False
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in data["nodes"])
    ids = {n["id"] for n in data["nodes"]}
    assert root in ids and any(i.startswith("g:") for i in ids)
    assert len(ids) <= 12
    assert data["lod"] == {
        "expand": f"/view/plans/{root}/expand",
        "open": data["lod"]["open"],
        "max_depth": None,
    }
    assert "Large cascade" in r.text and "55 documents" in r.text
    assert "Groups below this plan" in r.text and "Bắc Kạn" in r.text
    # depth links offered while every plan fits: 1 step = 7 documents, 2 = 19; 3 = 55 > 30
    assert 'href="?max_depth=1"' in r.text and 'href="?max_depth=2"' in r.text
    assert 'href="?max_depth=3"' not in r.text


def test_depth_limited_page_draws_every_plan(
    small_client: TestClient, small: tuple[Lineage, str], low_limits: None
) -> None:
    lin, root = small
    r = small_client.get(f"/view/plans/{root}", params={"max_depth": 2})
    data = json.loads(parse(r.text).json_scripts["cascade-data"])
    assert len(data["nodes"]) == 19 and not any(n["id"].startswith("g:") for n in data["nodes"])
    assert "lod" not in data and data["options"]["physics"]["enabled"] is False
    assert "Large cascade" not in r.text and "Every plan within 2 steps" in r.text
    r = small_client.get(f"/view/plans/{root}", params={"max_depth": 3})  # 55 > 30: grouped again
    assert "Large cascade" in r.text and "within 3 steps" in r.text


def test_expand_route(small_client: TestClient, small: tuple[Lineage, str], low_limits: None) -> None:
    lin, root = small
    url = f"/view/plans/{root}/expand"
    r = small_client.get(url, params={"group": "g:commune|Bắc Kạn"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    delta = r.json()
    assert delta["removed"] == ["g:commune|Bắc Kạn"] and delta["open"] == ["g:commune|Bắc Kạn"]
    assert len(delta["nodes"]) == 18 and all(n["info"]["level"] == "commune" for n in delta["nodes"])
    assert all(n["info"]["url"] == f"/view/plans/{n['id']}" for n in delta["nodes"])
    assert {e["to"] for e in delta["edges"]} == {"g:district|Bắc Kạn"}
    assert set(delta["positions"]) >= {n["id"] for n in delta["nodes"]} | {root}
    # the same group again with it already open: nothing changes
    again = small_client.get(url, params={"group": "g:commune|Bắc Kạn", "open": "g:commune|Bắc Kạn"}).json()
    assert again["removed"] == [] and again["nodes"] == []
    # with max_depth the cascade is the depth-limited one: no commune groups at 2 steps
    r = small_client.get(url, params={"group": "g:commune|Bắc Kạn", "max_depth": 2})
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"group": "g:commune|Nowhere"}, 404),
        ({"group": "not-a-group"}, 404),
        ({"group": "g:" + "x|" * 1500}, 422),
        ({}, 422),
        ({"group": "g:commune|Bắc Kạn", "max_depth": 0}, 422),
        ({"group": "g:commune|Bắc Kạn", "open": ["g:x"] * (viz.grouping.MAX_OPEN + 1)}, 422),
    ],
)
def test_expand_route_errors(
    small_client: TestClient, small: tuple[Lineage, str], params: dict[str, object], status: int
) -> None:
    r = small_client.get(f"/view/plans/{small[1]}/expand", params=params)  # type: ignore[arg-type]
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")


def test_expand_route_unknown_plan(small_client: TestClient) -> None:
    for ident in ("no-such.plan", "a%3Cb%3E"):
        r = small_client.get(f"/view/plans/{ident}/expand", params={"group": "g:central"})
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("application/problem+json")


def test_grouped_page_json_is_script_safe(low_limits: None) -> None:
    evil = "</script><script>alert(1)</script>"
    records = with_province(national_records(60, provinces=2, districts=2), "commune", evil)
    lin, root = make(records)
    with TestClient(create_app(lin)) as c:
        html = c.get(f"/view/plans/{root}").text
        assert "Large cascade" in html and evil not in html and "alert(1)</script>" not in html
        data = json.loads(parse(html).json_scripts["cascade-data"])
        group = next(n for n in data["nodes"] if n["id"].startswith("g:commune|"))
        assert evil in group["label"] and "&lt;/script&gt;" in group["title"]
        delta = c.get(f"/view/plans/{root}/expand", params={"group": group["id"]})
        assert delta.status_code == 200 and delta.headers["content-type"] == "application/json"
        assert delta.json()["removed"] == [group["id"]]


# ------------------------------------------------------------------ overview
def test_overview_is_cached_per_index_and_refreshed_by_ingest() -> None:
    lin, root = make(national_records(30, provinces=2, districts=2, communes=1))
    cache = ViewCache()
    first = build_overview(lin, cache)
    assert build_overview(lin, cache) is first  # the same index: no second walk
    counts = Counter({g["key"]: g["plans"] for g in first.groups})
    assert counts["province:Bắc Kạn"] == 3 and counts["commune:Bắc Kạn"] == 6
    assert first.roots[0]["id"] == root and first.roots[0]["descendants"] == 30
    links = {(link["source"], link["target"]): link["count"] for link in first.links}
    assert links[("district:Bắc Kạn", "province:Bắc Kạn")] == 6
    lin.ingest_records(national_records(36, provinces=2, districts=2, communes=2)[30:])
    second = build_overview(lin, cache)
    assert second is not first and second.roots[0]["descendants"] == 36


def test_home_page_national_overview_is_laid_out_without_physics(monkeypatch: pytest.MonkeyPatch) -> None:
    lin, _ = make(national_records(63 * 3 * 2, provinces=63, districts=1))
    with TestClient(create_app(lin)) as c:
        html = c.get("/").text
    data = json.loads(parse(html).json_scripts["overview-data"])
    assert len(data["nodes"]) == 1 + 63 * 2
    assert data["options"]["physics"]["enabled"] is False
    assert all("x" in n and "y" in n and "level" not in n for n in data["nodes"])
    assert re.search(r"Tỉnh Mẫu 63", html)


def test_index_cache_is_bounded_by_weight_and_follows_the_index(small: tuple[Lineage, str]) -> None:
    lin, _ = small
    cache = ViewCache(max_weight=10)
    built: list[str] = []

    def build(key: str) -> str:
        built.append(key)
        return key

    assert cache.get(lin, "a", lambda: build("a"), lambda v: 6) == "a"
    assert cache.get(lin, "a", lambda: build("a")) == "a" and built == ["a"]  # memoised
    cache.get(lin, "b", lambda: build("b"), lambda v: 6)  # 12 > 10: "a" goes
    cache.get(lin, "a", lambda: build("a"), lambda v: 6)
    assert built == ["a", "b", "a"]
    cache.get(lin, "huge", lambda: build("huge"), lambda v: 1000)  # alone over the bound: kept
    cache.get(lin, "huge", lambda: build("huge"))
    assert built.count("huge") == 1

    class Other:  # another Lineage, on another read model
        generation = 0  # no real one: generations count from 1

    cache.get(Other(), "a", lambda: build("a2"))  # type: ignore[arg-type]
    assert built[-1] == "a2"


def test_each_app_keeps_its_own_view_cache(small: tuple[Lineage, str]) -> None:
    """The views memoise on the app that serves them (no module global): two apps over the
    same Lineage build their own cascade, and a page and its expansions share one."""
    lin, root = small
    apps = [create_app(lin), create_app(lin)]
    caches = [app.state.view_cache for app in apps]
    assert isinstance(caches[0], ViewCache) and caches[0] is not caches[1]
    with TestClient(apps[0]) as c:
        assert c.get(f"/view/plans/{root}").status_code == 200
        assert c.get("/").status_code == 200
    built = caches[0].get(lin, ("cascade", root, None), lambda: pytest.fail("not memoised"))
    assert isinstance(built, CascadeLOD) and built.focus == root
    assert caches[0].get(lin, ("overview",), lambda: None) is not None
    assert caches[1].get(lin, ("cascade", root, None), lambda: "fresh") == "fresh"
