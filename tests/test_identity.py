"""Identity rules of docs/architecture.md: keys, numbers, bodies, places, ids, IRIs."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.identity import (
    Catalogue,
    DocKey,
    LayeredCatalogue,
    doc_key,
    id_of_iri,
    iri_of,
    jurisdiction_of,
    key_of_id,
    number_norm,
    organ_of,
    plan_id,
)
from ingest.model import Issuer


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("474 /KH-MTTQ-BTT", "474/KH-MTTQ-BTT"),
        ("70- KL/TW", "70-KL/TW"),
        ("10KL/TU", "10-KL/TU"),
        ("70\u2013KL/TW", "70-KL/TW"),
        ("70\u2011KL/TW", "70-KL/TW"),
        ("373/QĐ-UBND", "373/QĐ-UBND"),
        ("373QĐ-UBND", "373/QĐ-UBND"),
        ("241-kh/tu", "241-KH/TU"),
        (None, None),
        ("  ", None),
    ],
)
def test_number_norm(raw, norm):
    assert number_norm(raw) == norm


@given(st.text(alphabet="0123456789 -/–KHTUQĐBNDkl", max_size=20))
def test_number_norm_is_idempotent(s):
    n = number_norm(s)
    assert number_norm(n) == n


@pytest.mark.parametrize(
    ("name", "province", "district", "organ"),
    [
        ("Ban Thường vụ Tỉnh ủy Bắc Kạn", "Bắc Kạn", None, "tinh-uy"),
        ("Tỉnh ủy Bắc Kạn", "Bắc Kạn", None, "tinh-uy"),
        ("Ban Thường vụ Tỉnh ủy", None, None, "tinh-uy"),
        ("Ban Thường vụ Thành ủy Bắc Kạn", "Bắc Kạn", "Bắc Kạn", "thanh-uy"),
        ("Ban Thường vụ Huyện ủy Bác Ái", "Ninh Thuận", "Bác Ái", "huyen-uy"),
        ("Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Bắc Kạn", "Bắc Kạn", "Bắc Kạn", "mttq"),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Bắc Kạn", "Bắc Kạn", None, "mttq"),
        ("UBND tỉnh Bắc Ninh", "Bắc Ninh", None, "ubnd"),
        ("Ủy ban nhân dân thành phố Từ Sơn", "Bắc Ninh", "Từ Sơn", "ubnd"),
        ("Bộ Chính trị", None, None, "bo-chinh-tri"),
        (
            "Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh Thái Nguyên",
            "Thái Nguyên",
            None,
            "dang-uy-khoi-cac-co-quan",
        ),
        ("Tỉnh đoàn Bắc Kạn", "Bắc Kạn", None, "tinh-doan"),
    ],
)
def test_organ_of(name, province, district, organ):
    assert organ_of(Issuer(name, province=province, district=district)) == organ


def test_organ_from_symbol_when_no_name():
    assert organ_of(None, "241-KH/TU") == "tinh-uy"
    assert organ_of(None, "154/KH-UBND") == "ubnd"
    assert organ_of(Issuer(None), "12-KH/HU") == "huyen-uy"
    assert organ_of(None, None) == "x"


def test_the_organ_a_suffix_fixes_comes_from_the_vocabulary() -> None:
    """Every suffix the vocabulary gives an organ names it, however the number spells it;
    a suffix several organs sign with ("/TW", "/ĐU") fixes none."""
    from ontology.vocab import SUFFIXES

    for s in SUFFIXES.values():
        want = s.organ or "x"
        assert organ_of(None, f"12-KH/{s.code}") == want
        assert organ_of(None, f"12/KH-{s.code.lower()}") == want
    assert organ_of(None, "5/KH-HDND") == organ_of(None, "5/KH-HĐND") == "hdnd"


def test_jurisdiction_of():
    assert jurisdiction_of(Issuer("Bộ Chính trị", "party", "central")) == "central"
    assert jurisdiction_of(Issuer("x", "party", "province", "Bắc Kạn")) == "bac-kan"
    assert jurisdiction_of(Issuer("x", "party", "district", "Ninh Thuận", "Bác Ái")) == "ninh-thuan.bac-ai"
    assert jurisdiction_of(None, "70-KL/TW") == "central"
    assert jurisdiction_of(None, "241-KH/TU") == "x"


def test_plan_id_examples():
    tu = Issuer("Ban Thường vụ Tỉnh ủy Bắc Kạn", "party", "province", "Bắc Kạn")
    assert (
        plan_id(doc_key("ke_hoach", "241-KH/TU", tu, "2024-04-02"))
        == "bac-kan.tinh-uy.2024.ke-hoach.241-kh-tu"
    )
    # The board and the committee are one issuer; printing variants are one number.
    same = doc_key(
        "ke_hoach", "241 - KH/TU", Issuer("Tỉnh ủy Bắc Kạn", "party", "province", "Bắc Kạn"), "2024"
    )
    assert plan_id(same) == "bac-kan.tinh-uy.2024.ke-hoach.241-kh-tu"
    kl = doc_key("ket_luan", "70- KL/TW", Issuer("Bộ Chính trị", "party", "central"), "2024-01-31")
    assert plan_id(kl) == "central.bo-chinh-tri.2024.ket-luan.70-kl-tw"


def test_same_number_in_two_provinces_is_two_documents():
    a = doc_key("ke_hoach", "241-KH/TU", Issuer("Tỉnh ủy Bắc Kạn", "party", "province", "Bắc Kạn"), "2024")
    b = doc_key("ke_hoach", "241-KH/TU", Issuer("Tỉnh ủy Lạng Sơn", "party", "province", "Lạng Sơn"), "2024")
    assert plan_id(a) != plan_id(b)


def test_year_is_part_of_the_key():
    i = Issuer("UBND tỉnh Bắc Ninh", "state", "province", "Bắc Ninh")
    assert doc_key("ke_hoach", "154/KH-UBND", i, "2024-06-11") != doc_key(
        "ke_hoach", "154/KH-UBND", i, "2023-01-02"
    )
    assert doc_key("ke_hoach", "154/KH-UBND", i, None).year == "x"


def test_blank_number_uses_title_hash():
    i = Issuer(
        "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Bắc Kạn", "front", "district", "Bắc Kạn", "Bắc Kạn"
    )
    k1 = doc_key("ke_hoach", None, i, "2024-05", "Triển khai thực hiện Kết luận số 70")
    k2 = doc_key("ke_hoach", None, i, "2024-05", "TRIỂN KHAI thực hiện Kết luận số 70")
    k3 = doc_key("ke_hoach", None, i, "2024-05", "Another title")
    assert k1 == k2 != k3
    assert k1.number.startswith("n-")
    assert plan_id(k1).startswith("bac-kan.bac-kan.mttq.2024.ke-hoach.n-")


@given(
    st.sampled_from(["ke_hoach", "ket_luan", "quyet_dinh"]),
    st.text(max_size=15),
    st.sampled_from(["Bắc Kạn", "Ninh Thuận", None]),
    st.sampled_from([None, "Bác Ái"]),
    st.sampled_from([None, "2024", "2024-05", "2024-05-02"]),
)
def test_ids_are_url_safe_and_round_trip(doc_type, number, province, district, date):
    issuer = Issuer("Ban Thường vụ Huyện ủy", "party", "district", province, district)
    key = doc_key(doc_type, number, issuer, date, "t")
    pid = plan_id(key)
    assert re.fullmatch(r"[a-z0-9.\-]+", pid)
    assert key_of_id(pid) == key
    iri = iri_of(pid)
    assert iri.startswith("https://w3id.org/vn-lineage/doc/")
    assert id_of_iri(iri) == pid
    assert id_of_iri("http://elsewhere/doc/a") is None


def test_catalogue_resolves_partial_references():
    bk = DocKey("bac-kan", "tinh-uy", "ke-hoach", "297-kh-tu", "2024")
    nt = DocKey("ninh-thuan", "tinh-uy", "ke-hoach", "297-kh-tu", "2024")
    cat = Catalogue([bk, nt])
    # no date: the single match of the other parts
    assert cat.resolve(bk.with_year("x")) == bk
    # no place: the citing document's province decides
    noplace = DocKey("x", "tinh-uy", "ke-hoach", "297-kh-tu", "x")
    assert cat.resolve(noplace, "ninh-thuan.bac-ai") == nt
    assert cat.resolve(noplace) == noplace  # ambiguous: left apart
    # a complete key is itself, even if unknown
    other = DocKey("bac-kan", "tinh-uy", "ke-hoach", "297-kh-tu", "2020")
    assert cat.resolve(other) == other
    # several years of one body: an undated reference is ambiguous
    cat.add(other)
    assert cat.resolve(bk.with_year("x")) == bk.with_year("x")


def test_catalogue_prefers_the_citing_province_over_central_before_the_year() -> None:
    """A nearby match of another year keeps an undated-place reference apart rather than
    falling through to a central document of the right year; a layered catalogue sees both."""
    near = DocKey("bac-kan", "tinh-uy", "ke-hoach", "12-kh-tu", "2023")
    central = DocKey("central", "tinh-uy", "ke-hoach", "12-kh-tu", "2024")
    ref = DocKey("x", "tinh-uy", "ke-hoach", "12-kh-tu", "2024")
    assert Catalogue([near, central]).resolve(ref, "bac-kan.cho-moi") == ref
    assert Catalogue([central]).resolve(ref, "bac-kan.cho-moi") == central
    layered = LayeredCatalogue(Catalogue([central]), [near])
    assert layered.resolve(ref, "bac-kan.cho-moi") == ref
    assert layered.candidates("ke-hoach", "12-kh-tu") == [near, central]
    assert layered.resolve(ref.with_year("x"), "bac-kan.cho-moi") == near
    # thousands of same-number commune keys elsewhere do not change the answer
    many = Catalogue(
        [near, *(DocKey(f"p{i}.d.c", "dang-uy", "ke-hoach", "12-kh-tu", "2024") for i in range(3000))]
    )
    assert many.resolve(ref.with_year("x"), "bac-kan") == near


def test_a_pickled_catalogue_answers_as_before_and_takes_new_keys() -> None:
    """Pickled as its keys (a snapshot, a worker's copy): indexed again on first use."""
    import pickle

    bk = DocKey("bac-kan", "tinh-uy", "ke-hoach", "297-kh-tu", "2024")
    nt = DocKey("ninh-thuan", "tinh-uy", "ke-hoach", "297-kh-tu", "2024")
    cat = Catalogue([bk, nt])
    again = pickle.loads(pickle.dumps(cat))
    assert again.all_keys() == cat.all_keys()
    noplace = DocKey("x", "tinh-uy", "ke-hoach", "297-kh-tu", "x")
    assert again.resolve(noplace, "ninh-thuan.bac-ai") == nt
    fresh = pickle.loads(pickle.dumps(cat))
    other = bk.with_year("2020")
    fresh.add(other)  # before any lookup: the pickled keys are kept, not replaced
    assert fresh.all_keys() == sorted([bk, nt, other])
    twice = pickle.loads(pickle.dumps(pickle.loads(pickle.dumps(cat))))  # never indexed in between
    assert twice.all_keys() == cat.all_keys()


def test_two_communes_of_one_district_are_two_jurisdictions() -> None:
    from graph.identity import jurisdiction_of

    a = Issuer(
        name="Đảng ủy xã Hoành Mô",
        system="party",
        level="commune",
        province="Quảng Ninh",
        district="Bình Liêu",
        commune="Hoành Mô",
    )
    b = Issuer(
        name="Đảng ủy xã Đồng Văn",
        system="party",
        level="commune",
        province="Quảng Ninh",
        district="Bình Liêu",
        commune="Đồng Văn",
    )
    assert jurisdiction_of(a) == "quang-ninh.binh-lieu.hoanh-mo"
    assert jurisdiction_of(a) != jurisdiction_of(b)
