"""The change feed: the ingest log's times (graph.ingestlog), ``GET /feeds/plans/{id}.atom`` read by a
real feed reader (feedparser, also from a live server), the elements Atom requires, escaping of
document strings, and its ETag."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from urllib.parse import urlparse
from xml.etree import ElementTree as ET

import feedparser
import pytest
from api_fixtures import TestClient
from browser_fixtures import serve

from api import create_app
from graph.ingestlog import first_ingested, log_graph, stamp
from graph.service import Lineage
from graph.sparql import select
from graph.store import open_store
from ingest.model import Evidence, Issuer, PlanRecord, Ref

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
HOSTILE = 'Kế hoạch <script>alert("x")</script> & <b>đậm</b> \x0c\x01 ]]> "quoted"'
T1, T2, T3 = 1_717_200_000, 1_717_300_000, 1_717_400_000  # three ingests, a day or so apart

BK = "Bắc Kạn"
BCT = Issuer("Bộ Chính trị", "party", "central")
TINH_UY = Issuer("Ban Thường vụ Tỉnh ủy Bắc Kạn", "party", "province", BK, None, "Thái Nguyên")


def huyen(name: str) -> Issuer:
    return Issuer(f"Ban Thường vụ Huyện ủy {name}", "party", "district", BK, name, "Thái Nguyên")


def ref(number: str, date: str, issuer: Issuer, doc_type: str = "ke_hoach") -> Ref:
    return Ref(
        doc_type, number, date, None, issuer, evidence=Evidence(5, 30, "test", 0.9, "explicit", number)
    )


def rec(
    number: str, date: str, issuer: Issuer, parent: Ref, title: str = "Thực hiện Kết luận 70"
) -> PlanRecord:
    sha = number.encode().hex()[:64].ljust(64, "0")
    return PlanRecord(
        f"{number}.txt", "ke_hoach", number, None, date, title, issuer, implements=(parent,), sha256=sha
    )


KL70 = ref("70-KL/TW", "2024-01-31", BCT, "ket_luan")
A = ref("1-KH/TU", "2024-04-02", TINH_UY)
B = ref("2-KH/HU", "2024-04-20", huyen("Chợ Đồn"))
BATCHES = (
    (T1, [rec("1-KH/TU", "2024-04-02", TINH_UY, KL70)]),
    (
        T2,
        [rec("2-KH/HU", "2024-04-20", huyen("Chợ Đồn"), A), rec("3-KH/HU", "2024-04-25", huyen("Ba Bể"), A)],
    ),
    (
        T3,
        [
            rec("4-KH/ĐU", "2024-05-02", huyen("Na Rì"), B),
            rec("5-KH/HU", "2024-05-01", huyen("Pác Nặm"), A, HOSTILE),
        ],
    ),
)


@pytest.fixture(scope="module")
def lin() -> Lineage:
    lin = Lineage.open(open_store("memory:"))
    mp = pytest.MonkeyPatch()
    try:
        for when, batch in BATCHES:
            mp.setenv("SOURCE_DATE_EPOCH", str(when))
            assert lin.ingest_records(batch).ingested == len(batch)
        mp.setenv("SOURCE_DATE_EPOCH", str(T3 + 99_999))
        again = lin.ingest_records([r for _, batch in BATCHES for r in batch])  # nothing new: no new time
        assert again.ingested == 0
    finally:
        mp.undo()
    return lin


@pytest.fixture(scope="module")
def client(lin: Lineage) -> TestClient:
    return TestClient(create_app(lin))


def _id(lin: Lineage, number: str) -> str:
    return next(i for i in lin.index.nodes() if lin.summary(i)["number"] == number)


def test_the_log_keeps_when_each_document_was_first_ingested(lin: Lineage) -> None:
    times = first_ingested(lambda q: select(lin.store, q), lin.base)
    at = {lin.summary(i)["number"]: t for i, t in times.items()}
    utc = {n: datetime.fromtimestamp(t, UTC) for n, t in (("1", T1), ("2", T2), ("4", T3))}
    assert at["1-KH/TU"] == utc["1"] and at["2-KH/HU"] == at["3-KH/HU"] == utc["2"]
    assert at["4-KH/ĐU"] == at["5-KH/HU"] == utc["4"]
    assert "70-KL/TW" not in at  # a stub was never ingested
    # one triple per source graph, in the log's own graph: the re-ingest added none
    rows = select(lin.store, f"SELECT ?g ?t WHERE {{ GRAPH <{log_graph(lin.base)}> {{ ?g ?p ?t }} }}")
    assert len(rows) == 5


def test_a_graph_stamped_twice_keeps_its_first_time() -> None:
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records([BATCHES[0][1][0]])
    graph = next(
        g
        for g in lin.store.graphs()
        if "/graph/" in g and not g.endswith(("derived", "campaigns", "ingested"))
    )
    stamp(lin.store, lin.base, [graph], datetime(2030, 1, 1, tzinfo=UTC))
    (t,) = first_ingested(lambda q: select(lin.store, q), lin.base).values()
    assert t == datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), UTC)  # not 2030


def test_feedparser_reads_it_newest_first(lin: Lineage, client: TestClient) -> None:
    r = client.get(f"/feeds/plans/{_id(lin, '70-KL/TW')}.atom")
    assert r.status_code == 200 and r.headers["content-type"] == "application/atom+xml; charset=utf-8"
    f = feedparser.parse(r.content)
    assert not f.bozo, f.bozo_exception
    assert f.version == "atom10"
    assert f.feed.title.startswith("Newly ingested below 70-KL/TW")
    numbers = [e.title.split(":")[0] for e in f.entries]
    # newest ingest first; within one ingest the later document date first
    assert numbers == ["4-KH/ĐU", "5-KH/HU", "3-KH/HU", "2-KH/HU", "1-KH/TU"]
    assert [e.updated_parsed[:6] for e in f.entries] == sorted(
        (e.updated_parsed[:6] for e in f.entries), reverse=True
    )
    assert f.feed.updated_parsed == f.entries[0].updated_parsed
    assert f.entries[0].link == f"http://testserver/view/plans/{_id(lin, '4-KH/ĐU')}"
    assert f.entries[0].id == lin.summary(_id(lin, "4-KH/ĐU"))["iri"]
    # below 2-KH/HU: only 4-KH/ĐU; below a plan with nothing below: no entry, still a valid feed
    below_b = feedparser.parse(client.get(f"/feeds/plans/{_id(lin, '2-KH/HU')}.atom").content)
    assert [e.title.split(":")[0] for e in below_b.entries] == ["4-KH/ĐU"]
    empty = feedparser.parse(client.get(f"/feeds/plans/{_id(lin, '4-KH/ĐU')}.atom").content)
    assert not empty.bozo and empty.entries == [] and empty.feed.updated == "2024-06-03T07:33:20Z"
    limited = feedparser.parse(client.get(f"/feeds/plans/{_id(lin, '1-KH/TU')}.atom?limit=2").content)
    assert len(limited.entries) == 2


def test_the_elements_atom_requires(lin: Lineage, client: TestClient) -> None:
    body = client.get(f"/feeds/plans/{_id(lin, '70-KL/TW')}.atom").content
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(body)
    assert root.tag == f"{ATOM}feed"

    def one(el: ET.Element, tag: str) -> ET.Element:
        found = el.findall(f"{ATOM}{tag}")
        assert len(found) == 1, (tag, found)
        return found[0]

    for tag in ("id", "title", "updated"):
        assert (one(root, tag).text or "").strip()
    assert urlparse(one(root, "id").text or "").scheme in ("http", "https")
    assert RFC3339.match(one(root, "updated").text or "")
    assert one(one(root, "author"), "name").text  # the feed has an author, so every entry has one
    rels = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert rels["self"].endswith(".atom") and rels["alternate"].startswith("http://testserver/view/plans/")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 5
    ids = [one(e, "id").text for e in entries]
    assert len(set(ids)) == len(ids) and all(urlparse(i or "").scheme == "https" for i in ids)
    for e in entries:
        assert (one(e, "title").text or "").strip() and RFC3339.match(one(e, "updated").text or "")
        link = one(e, "link")
        assert link.get("rel") == "alternate" and (link.get("href") or "").startswith(
            "http://testserver/view/plans/"
        )


def test_document_strings_are_escaped(lin: Lineage, client: TestClient) -> None:
    body = client.get(f"/feeds/plans/{_id(lin, '1-KH/TU')}.atom").content
    text = body.decode("utf-8")
    assert "<script>" not in text and "<b>" not in text and "\x0c" not in text and "\x01" not in text
    assert "&lt;script&gt;" in text and "&amp;" in text
    entry = next(e for e in feedparser.parse(body).entries if e.title.startswith("5-KH/HU"))
    assert 'Kế hoạch <script>alert("x")</script> & <b>đậm</b>' in entry.title  # text, as written
    assert ET.fromstring(body) is not None


def test_etag_and_errors(lin: Lineage, client: TestClient) -> None:
    url = f"/feeds/plans/{_id(lin, '70-KL/TW')}.atom"
    r = client.get(url)
    etag = r.headers["etag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    missing = client.get("/feeds/plans/no.such.plan.id.here.atom")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert client.get(url + "?limit=0").status_code == 422
    assert "/feeds/plans/{id}.atom" in client.get("/openapi.json").json()["paths"]


def test_a_feed_reader_subscribes_over_http(lin: Lineage) -> None:
    """feedparser fetches the feed itself from a live server, as a reader does."""
    with serve(create_app(lin)) as base:
        f = feedparser.parse(f"{base}/feeds/plans/{_id(lin, '70-KL/TW')}.atom")
        assert f.status == 200 and not f.bozo and len(f.entries) == 5
        again = feedparser.parse(f"{base}/feeds/plans/{_id(lin, '70-KL/TW')}.atom", etag=f.etag)
        assert again.status == 304


def test_a_large_cascade_reads_every_time_once(lin: Lineage, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past FEED_ASK documents below, the times of the whole store are read once and kept:
    the same entries as when a small cascade asks for its documents' times alone."""
    import graph.analytics.service as service
    from graph.analytics import Analytics

    root = _id(lin, "70-KL/TW")
    small = Analytics(lin).feed(root)
    monkeypatch.setattr(service, "FEED_ASK", 0)
    a = Analytics(lin)
    assert a.feed(root) == small
    assert a.kept(("feed", "times"), dict)  # kept, not made again
    assert a.feed(_id(lin, "2-KH/HU"))["entries"][0]["number"] == "4-KH/ĐU"
