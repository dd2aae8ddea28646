"""Hand-built PlanRecords mirroring the seed documents (data/seeds/), for graph tests."""

from __future__ import annotations

import pytest

from graph.service import Lineage
from graph.store import OxigraphStore, open_store
from ingest.model import Evidence, Issuer, PlanRecord, Ref, Signer, Target

BK = "Bắc Kạn"
TN = "Thái Nguyên"

BO_CHINH_TRI = Issuer("Bộ Chính trị", "party", "central")
TINH_UY_BK = Issuer("Ban Thường vụ Tỉnh ủy Bắc Kạn", "party", "province", BK, None, TN)
MTTQ_BK = Issuer("Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn", "front", "province", BK, None, TN)
THANH_UY_BK = Issuer("Ban Thường vụ Thành ủy Bắc Kạn", "party", "district", BK, BK, TN)
MTTQ_TP_BK = Issuer("Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Bắc Kạn", "front", "district", BK, BK, TN)
UBND_TP_BK = Issuer("UBND thành phố Bắc Kạn", "state", "district", BK, BK, TN)
UBND_BN = Issuer("UBND tỉnh Bắc Ninh", "state", "province", "Bắc Ninh", None, "Bắc Ninh")
UBND_TU_SON = Issuer("UBND thành phố Từ Sơn", "state", "district", "Bắc Ninh", "Từ Sơn", "Bắc Ninh")
TINH_UY_NT = Issuer("Ban Thường vụ Tỉnh ủy Ninh Thuận", "party", "province", "Ninh Thuận", None, "Khánh Hòa")
HUYEN_UY_BA = Issuer(
    "Ban Thường vụ Huyện ủy Bác Ái", "party", "district", "Ninh Thuận", "Bác Ái", "Khánh Hòa"
)
TINH_UY_LS = Issuer("Ban Thường vụ Tỉnh ủy Lạng Sơn", "party", "province", "Lạng Sơn", None, "Lạng Sơn")

KL70_TITLE = "về phát triển thể dục, thể thao trong giai đoạn mới"


def ev(start: int, text: str = "", basis: str = "explicit") -> Evidence:
    return Evidence(start, start + max(1, len(text)), "rule:thuc-hien", 0.9, basis, text)  # type: ignore[arg-type]


def kl70(**kw) -> Ref:
    return Ref("ket_luan", "70-KL/TW", "2024-01-31", KL70_TITLE, BO_CHINH_TRI, **kw)


def bac_kan_city_front() -> PlanRecord:
    """Seed 000: the Bắc Kạn city Front plan (blank number, month-only date)."""
    r241 = Ref(
        "ke_hoach",
        "241-KH/TU",
        "2024-04-02",
        None,
        TINH_UY_BK,
        implements=(kl70(evidence=ev(300, "thực hiện Kết luận số 70-KL/TW")),),
        evidence=ev(200, "triển khai thực hiện Kế hoạch số 241-KH/TU"),
    )
    r474 = Ref(
        "ke_hoach",
        "474/KH-MTTQ-BTT",
        "2024-04-26",
        None,
        MTTQ_BK,
        implements=(r241,),
        evidence=ev(120, "Thực hiện Kế hoạch số 474 /KH-MTTQ-BTT"),
    )
    r224 = Ref(
        "ke_hoach",
        "224-KH/TU",
        "2024-04-12",
        None,
        THANH_UY_BK,
        implements=(Ref("ket_luan", "70-KL/TW", None, None, BO_CHINH_TRI, evidence=ev(520, "Kết luận 70")),),
        evidence=ev(480, "Kế hoạch số 224-KH/TU ngày 12/4/2024"),
    )
    return PlanRecord(
        source="data/seeds/000_5d5e4ef2eda93763.txt",
        doc_type="ke_hoach",
        number=None,
        symbol="KH-MTTQ-BTT",
        date="2024-05",
        title="Triển khai thực hiện Kết luận số 70-KL/TW, ngày 31/01/2024 của Bộ Chính trị " + KL70_TITLE,
        issuer=MTTQ_TP_BK,
        implements=(r474, r224),
        based_on=(
            Ref(
                "ke_hoach",
                "187/KH-UBND",
                "2022-09-12",
                "về phát triển phong trào thể dục thể thao quần chúng",
                UBND_TP_BK,
                evidence=ev(700, "Căn cứ Kế hoạch số 187/KH-UBND"),
            ),
        ),
        campaigns=(
            "Toàn dân rèn luyện thân thể theo gương Bác Hồ vĩ đại",
            "Toàn dân đoàn kết xây dựng đời sống văn hóa",
        ),
        signer=Signer("Lý Văn Chính", "Phó Chủ tịch"),
        recipients=("BTT Ủy ban MTTQ VN tỉnh",),
        targets=(Target("tỷ lệ người tập luyện thường xuyên", ">=", 43, "%", 2030, "đạt trên 43%"),),
        evidence={"/number": Evidence(0, 20, "rule:header")},
        sha256="0" * 63 + "a",
    )


def tinh_uy_241() -> PlanRecord:
    """The Bắc Kạn provincial Party plan 241-KH/TU itself."""
    return PlanRecord(
        source="241.txt",
        doc_type="ke_hoach",
        number="241-KH/TU",
        symbol="KH/TU",
        date="2024-04-02",
        title="Thực hiện Kết luận số 70-KL/TW " + KL70_TITLE,
        issuer=Issuer("Tỉnh ủy Bắc Kạn", "party", "province", BK, None, TN),
        implements=(kl70(evidence=ev(10, "Thực hiện Kết luận số 70-KL/TW")),),
        sha256="0" * 63 + "b",
    )


def lang_son_241() -> PlanRecord:
    """Another province's 241-KH/TU: a different document."""
    return PlanRecord(
        source="ls241.txt",
        doc_type="ke_hoach",
        number="241-KH/TU",
        date="2024-03-15",
        title="Kế hoạch về chuyển đổi số",
        issuer=TINH_UY_LS,
        sha256="0" * 63 + "c",
    )


def tu_son() -> PlanRecord:
    """Seed 001: Từ Sơn implements both KL70 and 154/KH-UBND (which implements KL70)."""
    r154 = Ref(
        "ke_hoach",
        "154/KH-UBND",
        "2024-06-11",
        "Kế hoạch triển khai thực hiện Kết luận số 70-KL/TW",
        UBND_BN,
        implements=(kl70(evidence=ev(400, "thực hiện Kết luận số 70-KL/TW")),),
        evidence=ev(300, "Kế hoạch số 154/KH-UBND ngày 11/6/2024"),
    )
    return PlanRecord(
        source="001.txt",
        doc_type="ke_hoach",
        number="210/KH-UBND",
        date="2024-07-01",
        title="Triển khai thực hiện Kết luận số 70-KL/TW trên địa bàn thành phố Từ Sơn",
        issuer=UBND_TU_SON,
        implements=(kl70(evidence=ev(100, "Thực hiện Kết luận số 70-KL/TW")), r154),
        campaigns=("Ngày chạy Olympic vì sức khỏe toàn dân",),
        sha256="0" * 63 + "d",
    )


def ninh_thuan_297() -> PlanRecord:
    return PlanRecord(
        source="297.txt",
        doc_type="ke_hoach",
        number="297-KH/TU",
        date="2024-04-10",
        title="Triển khai thực hiện Kết luận số 70-KL/TW",
        issuer=TINH_UY_NT,
        implements=(kl70(),),
        sha256="0" * 63 + "e",
    )


def bac_kan_297() -> PlanRecord:
    return PlanRecord(
        source="bk297.txt",
        doc_type="ke_hoach",
        number="297-KH/TU",
        date="2024-09-01",
        title="Kế hoạch khác của Bắc Kạn",
        issuer=TINH_UY_BK,
        sha256="0" * 63 + "f",
    )


def bac_ai() -> PlanRecord:
    """Seed 002: "Thực hiện Kế hoạch số 297-KH/TU ... của Ban Thường vụ Tỉnh ủy" (no place, no date)."""
    return PlanRecord(
        source="002.txt",
        doc_type="ke_hoach",
        number=None,
        symbol="KH/HU",
        date="2024-04",
        title="Thực hiện Kết luận số 70-KL/TW",
        issuer=HUYEN_UY_BA,
        implements=(
            Ref(
                "ke_hoach",
                "297-KH/TU",
                None,
                None,
                Issuer("Ban Thường vụ Tỉnh ủy"),
                implements=(kl70(),),
                evidence=ev(50, "Thực hiện Kế hoạch số 297-KH/TU", "context"),
            ),
        ),
        sha256="1" * 64,
    )


def all_seed_records() -> list[PlanRecord]:
    return [
        bac_kan_city_front(),
        tinh_uy_241(),
        lang_son_241(),
        tu_son(),
        ninh_thuan_297(),
        bac_kan_297(),
        bac_ai(),
    ]


@pytest.fixture(params=["memory", "disk"])
def store(request, tmp_path) -> OxigraphStore:
    s = open_store("memory:") if request.param == "memory" else open_store(tmp_path / "store")
    yield s
    s.close()


@pytest.fixture
def lineage(store) -> Lineage:
    lin = Lineage.open(store)
    lin.ingest_records(all_seed_records())
    return lin
