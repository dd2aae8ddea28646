"""Who is expected to implement a plan (graph.analytics.units) and lags at a date's precision (dates)."""

from __future__ import annotations

from datetime import date

import pytest

from graph.analytics.coverage import UnitFinder
from graph.analytics.dates import bounds, lag, sort_key
from graph.analytics.units import (
    BadParameter,
    admin_map,
    expected_units,
    issuer_key,
    recipient_units,
)


def summary(level: str, system: str, province: str | None = None, district: str | None = None) -> dict:
    return {
        "id": "x",
        "issuer": {"name": "?", "level": level, "system": system, "province": province, "district": district},
    }


# -- dates -------------------------------------------------------------------------------------------
def test_bounds_at_each_precision() -> None:
    assert bounds("2024-05-03") == (date(2024, 5, 3), date(2024, 5, 3), "day")
    assert bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29), "month")
    assert bounds("2024") == (date(2024, 1, 1), date(2024, 12, 31), "year")
    for bad in (None, "", "2024-13", "2024-02-30", "24-05", "x"):
        assert bounds(bad) is None


@pytest.mark.parametrize(
    ("parent", "child", "expected"),
    [
        ("2024-01-31", "2024-04-02", (62, "day", [62, 62])),
        ("2024-04-10", "2024-04-02", (-8, "day", [-8, -8])),  # a child dated first: negative, kept
        ("2024-04-10", "2024-04", (None, "month", [-9, 20])),  # a month is not the 1st
        ("2024-01-31", "2024-05", (None, "month", [91, 121])),
        ("2024-03", "2024-05-02", (None, "month", [32, 62])),
        ("2023", "2024-01-15", (None, "year", [15, 379])),
        ("2024-01-31", None, (None, None, None)),
    ],
)
def test_lag_is_days_only_between_two_days(parent: str, child: str | None, expected: tuple) -> None:
    got = lag(parent, child)
    assert (got["lag_days"], got["precision"], got["lag_range"]) == expected


def test_sort_key_puts_the_earliest_and_most_precise_first() -> None:
    dates = [None, "2024-05", "2024-05-01", "2024", "2024-04-30"]
    assert sorted(dates, key=sort_key) == ["2024", "2024-04-30", "2024-05-01", "2024-05", None]


# -- the map -------------------------------------------------------------------------------------------
def test_the_2024_map() -> None:
    m = admin_map()
    assert len(m.provinces) == 63
    assert sum(len(m.districts_of(p.name)) for p in m.provinces) > 690
    assert m.province("Thừa Thiên Huế") is not None  # the 2024 name, not the 2025 city of Huế
    assert [d.name for d in m.districts_of("Bắc Kạn")][0] == "Bắc Kạn"  # the city, dataset order
    assert all(p.lat and p.lon for p in m.provinces)
    # two communes of one district whose names fold alike stay two
    names = {c.name for c in m.communes_of("Thanh Hóa", "Vĩnh Lộc")}
    assert {"Vĩnh Hùng", "Vĩnh Hưng"} <= names
    assert m.find("commune", "Thanh Hóa", "Vĩnh Lộc", "Vĩnh Hưng").name == "Vĩnh Hưng"


# -- expected units ------------------------------------------------------------------------------------
def test_central_documents_expect_every_province_in_three_systems() -> None:
    units = expected_units("central.bo-chinh-tri.2024.ket-luan.70-kl-tw", summary("central", "party"))
    assert len(units) == 189
    assert {u.system for u in units} == {"party", "state", "front"}
    names = {u.name for u in units}
    assert {
        "Tỉnh ủy Bắc Kạn",
        "Thành ủy Hà Nội",
        "UBND tỉnh Bắc Kạn",
        "Ủy ban MTTQ thành phố Hà Nội",
    } <= names


def test_a_provincial_committee_expects_its_districts_in_its_own_system() -> None:
    units = expected_units("bac-kan.ubnd.2024.ke-hoach.1-kh-ubnd", summary("province", "state", "Bắc Kạn"))
    assert [u.name for u in units][:2] == ["UBND thành phố Bắc Kạn", "UBND huyện Pác Nặm"]
    assert len(units) == 8 and {u.system for u in units} == {"state"}
    quan = expected_units("ha-noi.thanh-uy.2024.ke-hoach.1-kh-tu", summary("province", "party", "Hà Nội"))
    assert {"Quận ủy Hoàn Kiếm", "Thị ủy Sơn Tây", "Huyện ủy Ba Vì"} <= {u.name for u in quan}


def test_a_district_committee_expects_its_communes() -> None:
    s = summary("district", "front", "Bắc Kạn", "Chợ Đồn")
    units = expected_units("bac-kan.cho-don.mttq.2024.ke-hoach.1-kh-mttq", s)
    assert units and all(u.place.level == "commune" and u.system == "front" for u in units)
    assert all(u.place.district == "Chợ Đồn" for u in units)


@pytest.mark.parametrize(
    ("pid", "level", "system"),
    [
        ("bac-kan.so-vhttdl.2024.ke-hoach.1-kh-svhttdl", "province", "state"),  # a department: no territory
        ("thai-nguyen.dang-uy-khoi-cac-co-quan.2024.ke-hoach.1-kh-duk", "province", "party"),
        ("bac-kan.doan-thanh-nien.2024.ke-hoach.1-kh-tdtn", "province", "mass_org"),
        ("bac-kan.cho-don.xa-yen-thinh.dang-uy.2024.ke-hoach.1-kh-du", "commune", "party"),
    ],
)
def test_bodies_without_a_territory_below_expect_no_map_units(pid: str, level: str, system: str) -> None:
    assert expected_units(pid, summary(level, system, "Bắc Kạn", "Chợ Đồn")) == []


def test_recipients_that_name_a_unit_with_its_place() -> None:
    s = summary("province", "party", "Bắc Kạn")
    lines = [
        "Ban Tuyên giáo Trung ương (báo cáo)",  # up, not down
        "Thường trực Tỉnh ủy",  # the issuer's own
        "Các huyện ủy, thành ủy",  # a kind, not a unit: the map has them
        "UBND tỉnh",  # no place printed
        "Huyện ủy Chợ Đồn",
        "- UBND huyện Na Rì;",
        "Ủy ban MTTQ tỉnh Thái Nguyên (để báo cáo)",
    ]
    units = recipient_units(s, lines)
    assert [(u.name, u.system) for u in units] == [
        ("Huyện ủy Chợ Đồn", "party"),
        ("UBND huyện Na Rì", "state"),
    ]
    merged = expected_units("bac-kan.tinh-uy.2024.ke-hoach.1-kh-tu", s, lines)
    cho_don = next(u for u in merged if u.name == "Huyện ủy Chợ Đồn")
    assert cho_don.sources == ["gazetteer", "recipients"]
    assert merged[-1].name == "UBND huyện Na Rì" and merged[-1].sources == ["recipients"]
    assert len(merged) == 9


def test_parameters_refused_or_filtering() -> None:
    central = summary("central", "party")
    assert expected_units("c", central, province="Atlantis") == []  # a filter matching nothing
    tinh_uy = summary("province", "party", "Bắc Kạn")
    pid = "bac-kan.tinh-uy.2024.ke-hoach.1-kh-tu"
    assert len(expected_units(pid, tinh_uy, province="Bắc Kạn")) == len(expected_units(pid, tinh_uy)) == 8
    assert expected_units(pid, tinh_uy, province="Hà Nội") == []
    with pytest.raises(BadParameter, match="system"):
        expected_units("c", central, system="mass_org")
    assert len(expected_units("c", central, province="ha noi", system="state")) == 30


def test_documents_find_their_unit_by_the_name_as_spelt_first() -> None:
    s = summary("district", "party", "Thanh Hóa", "Vĩnh Lộc")
    units = expected_units("thanh-hoa.vinh-loc.huyen-uy.2024.ke-hoach.1-kh-hu", s)
    wanted = UnitFinder(units)
    for name in ("Vĩnh Hùng", "Vĩnh Hưng"):
        key = issuer_key(
            {
                "level": "commune",
                "system": "party",
                "province": "Thanh Hóa",
                "district": "Vĩnh Lộc",
                "commune": name,
            }
        )
        assert wanted.resolve(key).place.name == name
    # a spelling that differs from the map's in tone marks only still finds its unit
    d = summary("province", "party", "Kon Tum")
    units = expected_units("kon-tum.tinh-uy.2024.ke-hoach.1-kh-tu", d)
    wanted = UnitFinder(units)
    dak = next(u for u in units if u.place.name.startswith("Đăk") or u.place.name.startswith("Đắk"))
    other = ("Đắk" if dak.place.name.startswith("Đăk") else "Đăk") + dak.place.name[3:]
    key = issuer_key({"level": "district", "system": "party", "province": "Kon Tum", "district": other})
    assert wanted.resolve(key) is dak


def test_communes_whose_names_fold_alike_stay_two_places() -> None:
    """Trấn Yên has the communes Minh Quân and Minh Quán: their plans (even of one number)
    are two documents of two bodies, and the district plan's coverage finds each."""
    from graph.placeslug import place_slug
    from graph.service import Lineage
    from graph.store import open_store
    from ingest.model import Issuer, PlanRecord, Ref

    assert place_slug("Minh Quân", "Yên Bái", "Trấn Yên") != place_slug("Minh Quán", "Yên Bái", "Trấn Yên")
    assert place_slug("Chợ Đồn", "Bắc Kạn") == "cho-don"  # every other slug is as it was
    district = Issuer(
        name="Ban Thường vụ Huyện ủy Trấn Yên",
        system="party",
        level="district",
        province="Yên Bái",
        district="Trấn Yên",
    )
    parent = Ref(doc_type="ke_hoach", number="186-KH/HU", date="2024-02-11", issuer=district)

    def commune(name: str, n: int) -> PlanRecord:
        iss = Issuer(
            name=f"Ban Thường vụ Đảng ủy xã {name}",
            system="party",
            level="commune",
            province="Yên Bái",
            district="Trấn Yên",
            commune=name,
        )
        return PlanRecord(
            source=f"{n}.txt",
            doc_type="ke_hoach",
            number="6-KH/ĐU",
            symbol="KH/ĐU",
            date="2024-03-04",
            title="Thực hiện Kế hoạch 186-KH/HU",
            issuer=iss,
            implements=(parent,),
            sha256=f"{n:064x}",
        )

    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records([commune("Minh Quân", 1), commune("Minh Quán", 2)])
    plans = [s for s in (lin.summary(i) for i in lin.index.nodes()) if s["number"] == "6-KH/ĐU"]
    assert sorted(p["issuer"]["commune"] for p in plans) == ["Minh Quán", "Minh Quân"]
    from graph.analytics import Analytics

    cov = Analytics(lin).coverage(lin.resolve("186-KH/HU")[0])
    covered = {u["commune"]: u["plans"] for u in cov["units"] if u["plans"]}
    assert set(covered) == {"Minh Quân", "Minh Quán"} and covered["Minh Quân"] != covered["Minh Quán"]
