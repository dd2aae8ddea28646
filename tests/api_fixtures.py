"""Hand-built records of a small Kết luận 70 cascade, shared by the API and view tests.

70-KL/TW (Bộ Chính trị; stub: only referenced)
  └── 241-KH/TU Tỉnh ủy Bắc Kạn
        ├── 474/KH-MTTQ-BTT  Ủy ban MTTQ tỉnh Bắc Kạn
        │     └── 15-KH/HU  Huyện ủy Chợ Đồn (implements 474 and 241)
        └── (15-KH/HU)
  └── 99-KH/TU  a plan whose title carries markup, for the escaping tests
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from starlette.exceptions import StarletteDeprecationWarning

from api import create_app
from graph.service import Lineage
from graph.store import open_store
from ingest.model import Evidence, Issuer, PlanRecord, Ref

with warnings.catch_warnings():
    # Starlette >= 1.x prefers httpx2 for its TestClient and warns when it finds
    # only httpx; the client works the same either way.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

__all__ = ["TestClient", "XSS", "id_of", "make_app", "make_lineage", "records"]

XSS = "<script>alert(1)</script>"

BO_CHINH_TRI = Issuer(name="Bộ Chính trị", system="party", level="central")
TINH_UY = Issuer(name="Ban Thường vụ Tỉnh ủy Bắc Kạn", system="party", level="province", province="Bắc Kạn")
MTTQ = Issuer(
    name="Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn",
    system="front",
    level="province",
    province="Bắc Kạn",
)
HUYEN_UY = Issuer(
    name="Ban Thường vụ Huyện ủy Chợ Đồn",
    system="party",
    level="district",
    province="Bắc Kạn",
    district="Chợ Đồn",
)

KL70_SENTENCE = (
    "Thực hiện Kết luận số 70-KL/TW ngày 31/01/2024 của Bộ Chính trị về phát triển thể dục, thể thao"
)


def _ev(text: str, start: int = 100) -> Evidence:
    return Evidence(start=start, end=start + len(text), method="test", text=text)


def kl70(evidence: str = KL70_SENTENCE) -> Ref:
    return Ref(
        doc_type="ket_luan",
        number="70-KL/TW",
        date="2024-01-31",
        title="về phát triển thể dục, thể thao trong giai đoạn mới",
        issuer=BO_CHINH_TRI,
        evidence=_ev(evidence),
    )


def kh241(evidence: str) -> Ref:
    return Ref(
        doc_type="ke_hoach",
        number="241-KH/TU",
        date="2024-04-02",
        issuer=TINH_UY,
        implements=(kl70(),),
        evidence=_ev(evidence),
    )


def records() -> list[PlanRecord]:
    """The four plans of the cascade plus the markup-titled plan."""
    return [
        PlanRecord(
            source="241-KH-TU.txt",
            doc_type="ke_hoach",
            number="241-KH/TU",
            symbol="KH/TU",
            date="2024-04-02",
            title="Triển khai thực hiện Kết luận số 70-KL/TW của Bộ Chính trị",
            issuer=TINH_UY,
            implements=(kl70(),),
            campaigns=("Toàn dân rèn luyện thân thể theo gương Bác Hồ vĩ đại",),
            sha256="a" * 64,
        ),
        PlanRecord(
            source="474-KH-MTTQ.txt",
            doc_type="ke_hoach",
            number="474/KH-MTTQ-BTT",
            symbol="KH-MTTQ-BTT",
            date="2024-04-26",
            title="Triển khai thực hiện Kế hoạch số 241-KH/TU của Ban Thường vụ Tỉnh ủy",
            issuer=MTTQ,
            implements=(kh241("Thực hiện Kế hoạch số 241-KH/TU ngày 02/4/2024 của Ban Thường vụ Tỉnh ủy"),),
            sha256="b" * 64,
        ),
        PlanRecord(
            source="15-KH-HU.txt",
            doc_type="ke_hoach",
            number="15-KH/HU",
            symbol="KH/HU",
            date="2024-05-10",
            title="Thực hiện Kết luận 70 trên địa bàn huyện Chợ Đồn",
            issuer=HUYEN_UY,
            implements=(
                kh241("Thực hiện Kế hoạch số 241-KH/TU ngày 02/4/2024 của Ban Thường vụ Tỉnh ủy Bắc Kạn"),
                Ref(
                    doc_type="ke_hoach",
                    number="474/KH-MTTQ-BTT",
                    date="2024-04-26",
                    issuer=MTTQ,
                    evidence=_ev("Kế hoạch số 474/KH-MTTQ-BTT ngày 26/4/2024 của Ban Thường trực"),
                ),
            ),
            sha256="c" * 64,
        ),
        PlanRecord(
            source="99-KH-TU.txt",
            doc_type="ke_hoach",
            number="99-KH/TU",
            symbol="KH/TU",
            date="2024-06-01",
            title=f"{XSS} Kế hoạch & thử <b>đậm</b>",
            issuer=TINH_UY,
            implements=(kl70(f"Thực hiện {XSS} Kết luận 70"),),
            sha256="d" * 64,
        ),
    ]


def make_lineage() -> Lineage:
    """A real Lineage over an in-memory store holding :func:`records`."""
    # LINEAGE_TRAVERSAL=sparql runs every API and view test with property paths on the store.
    lin = Lineage.open(open_store("memory:"), traversal=os.environ.get("LINEAGE_TRAVERSAL") or "index")
    lin.ingest_records(records())
    return lin


def make_app() -> tuple[FastAPI, Lineage]:
    lin = make_lineage()
    return create_app(lin), lin


def id_of(lin: Lineage, number: str) -> str:
    """The plan id of the document printed with ``number`` (ids are the service's to mint)."""
    total, items = lin.search(q=number, limit=50)
    for item in items:
        if item["number"] == number:
            return str(item["id"])
    raise AssertionError(f"{number} not in the graph: {items}")


# Shared by the API and the view tests (import them by name).
@pytest.fixture(scope="module")
def built() -> tuple[FastAPI, Lineage]:
    return make_app()


@pytest.fixture(scope="module")
def client(built: tuple[FastAPI, Lineage]) -> Iterator[TestClient]:
    with TestClient(built[0]) as c:
        yield c


@pytest.fixture(scope="module")
def lin(built: tuple[FastAPI, Lineage]) -> Lineage:
    return built[1]
