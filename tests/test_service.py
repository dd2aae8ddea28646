"""The Lineage facade over real stores: ingest, merge, resolve, traverse, search, SPARQL, export."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pyoxigraph
import pytest
from graph_fixtures import (  # noqa: F401  (fixtures)
    all_seed_records,
    bac_ai,
    bac_kan_297,
    bac_kan_city_front,
    kl70,
    lineage,
    ninh_thuan_297,
    tinh_uy_241,
    tu_son,
)
from oxigraph_server import oxigraph_spec, remote_store  # noqa: F401  (fixtures)
from rdflib import Graph
from rdflib.compare import isomorphic

from api.routes.sparql import negotiate
from graph.errors import NotFound, QueryError
from graph.service import IngestReport, Lineage
from graph.store import open_store
from ingest.model import Issuer, PlanRecord, Ref

P474 = "bac-kan.mttq.2024.ke-hoach.474-kh-mttq-btt"
P241 = "bac-kan.tinh-uy.2024.ke-hoach.241-kh-tu"
LS241 = "lang-son.tinh-uy.2024.ke-hoach.241-kh-tu"
P224 = "bac-kan.bac-kan.thanh-uy.2024.ke-hoach.224-kh-tu"
KL70 = "central.bo-chinh-tri.2024.ket-luan.70-kl-tw"
P154 = "bac-ninh.ubnd.2024.ke-hoach.154-kh-ubnd"
TUSON = "bac-ninh.tu-son.ubnd.2024.ke-hoach.210-kh-ubnd"
NT297 = "ninh-thuan.tinh-uy.2024.ke-hoach.297-kh-tu"
BK297 = "bac-kan.tinh-uy.2024.ke-hoach.297-kh-tu"


@pytest.fixture(params=["memory", "disk", "oxigraph-server"])
def store(request, tmp_path):
    """Every store the service must answer the same on: embedded (memory, disk) and a real
    Oxigraph server over the SPARQL protocol (one server per module, emptied per test)."""
    if request.param == "oxigraph-server":
        yield request.getfixturevalue("remote_store")
        return
    s = open_store("memory:") if request.param == "memory" else open_store(tmp_path / "store")
    yield s
    s.close()


def city_id(lin: Lineage) -> str:
    return next(i for i in lin.index.nodes() if i.startswith("bac-kan.bac-kan.mttq.2024.ke-hoach.n-"))


def bac_ai_id(lin: Lineage) -> str:
    return next(i for i in lin.index.nodes() if i.startswith("ninh-thuan.bac-ai.huyen-uy."))


def test_parents_children_roots(lineage):  # noqa: F811
    city = city_id(lineage)
    p = lineage.plan(city)
    assert p["parents"] == [P224, P474]
    assert p["root"] == [KL70]
    assert p["stub"] is False
    assert p["id"] == city and p["iri"].endswith(city.replace(".", "/"))
    assert p["doc_type"] == "ke_hoach" and p["number"] is None and p["symbol"] == "KH-MTTQ-BTT"
    assert p["date"] == "2024-05" and p["evidence"]["/number"]["method"] == "rule:header"
    # Từ Sơn implements KL70 and 154 (which implements KL70): parent 154 only
    assert lineage.plan(TUSON)["parents"] == [P154]
    assert lineage.plan(TUSON)["root"] == [KL70]
    assert [c["id"] for c in lineage.children(P474)] == [city]
    assert {c["id"] for c in lineage.children(KL70)} == {P154, P224, P241, NT297}


def test_plan_links_carry_evidence(lineage):  # noqa: F811
    city = city_id(lineage)
    links = lineage.plan(city)["links"]
    impl = [lk for lk in links if lk["relation"] == "implements"]
    assert {lk["target"] for lk in impl} == {P474, P224}
    lk = next(lk for lk in impl if lk["target"] == P474)
    assert lk["source"] == city and lk["stated_by"] == city
    assert lk["evidence"]["text"].startswith("Thực hiện Kế hoạch số 474")
    assert lk["evidence"]["basis"] == "explicit" and lk["evidence"]["confidence"] == pytest.approx(0.9)
    assert isinstance(lk["evidence"]["start"], int) and lk["evidence"]["end"] > lk["evidence"]["start"]
    assert any(lk["relation"] == "based_on" for lk in links)
    # 474 -> 241 is stated by the city plan's text
    l474 = lineage.plan(P474)["links"]
    assert [(x["target"], x["stated_by"]) for x in l474] == [(P241, city)]


def test_stub_plan_is_record_shaped(lineage):  # noqa: F811
    p = lineage.plan(P474)
    assert p["stub"] is True
    assert p["number"] == "474/KH-MTTQ-BTT" and p["date"] == "2024-04-26"
    assert p["issuer"]["name"] == "Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn"
    assert p["issuer"]["system"] == "front" and p["issuer"]["level"] == "province"
    assert p["issuer"]["province_current"] == "Thái Nguyên"
    assert [r["number"] for r in p["implements"]] == ["241-KH/TU"]
    for key in ("source", "signer"):
        assert p[key] is None
    for key in ("based_on", "cites", "campaigns", "recipients", "targets"):
        assert p[key] == []
    assert lineage.plan("no.such.2024.ke-hoach.1") is None


def test_same_document_cited_by_two_plans_is_one_node(lineage):  # noqa: F811
    # KL70 is cited by every plan (dated and undated) and is one node
    kl = [i for i in lineage.index.nodes() if i.endswith("ket-luan.70-kl-tw")]
    assert kl == [KL70]
    assert lineage.summary(KL70)["stub"] is True
    assert lineage.summary(KL70)["issuer"]["name"] == "Bộ Chính trị"


def test_same_number_in_two_provinces(lineage):  # noqa: F811
    assert P241 in lineage.index and LS241 in lineage.index
    assert lineage.summary(P241)["issuer"]["province"] == "Bắc Kạn"
    assert lineage.summary(LS241)["issuer"]["province"] == "Lạng Sơn"
    assert lineage.children(LS241) == []


def test_reference_without_place_resolves_in_the_citing_province(lineage):  # noqa: F811
    ba = bac_ai_id(lineage)
    assert lineage.plan(ba)["parents"] == [NT297]
    assert lineage.plan(BK297)["children"] == []
    assert not any(i.startswith("ninh-thuan.tinh-uy.x.") for i in lineage.index.nodes())


def test_order_of_ingest_does_not_matter():
    """The undated, placeless reference comes first; the document arrives later and merges."""
    a = Lineage.open(open_store("memory:"))
    a.ingest_records([bac_ai()])
    assert any(i.startswith("ninh-thuan.tinh-uy.x.ke-hoach.297-kh-tu") for i in a.index.nodes())
    a.ingest_records([ninh_thuan_297(), bac_kan_297()])
    assert a.plan(bac_ai_id(a))["parents"] == [NT297]
    assert not any(".x." in i for i in a.index.nodes())
    b = Lineage.open(open_store("memory:"))
    b.ingest_records([ninh_thuan_297(), bac_kan_297(), bac_ai()])
    assert sorted(a.store.dump("nq").splitlines()) == sorted(b.store.dump("nq").splitlines())
    assert isomorphic(_union(a), _union(b))


def test_stub_merges_when_the_document_is_ingested(store):  # noqa: F811
    lin = Lineage.open(store)
    lin.ingest_records([bac_kan_city_front()])
    before = lin.summary(P241)
    assert before["stub"] is True
    report = lin.ingest_records([tinh_uy_241()])
    assert report == IngestReport(ingested=1, unchanged=0)
    after = lin.summary(P241)
    assert after["id"] == before["id"] and after["stub"] is False
    assert [i for i in lin.index.nodes() if i.endswith("241-kh-tu")] == [P241]
    assert lin.plan(P241)["title"].startswith("Thực hiện Kết luận số 70-KL/TW")
    # stub-ness in SPARQL: the derived graph marks only the remaining stubs
    body, _ = negotiate(
        lin.sparql(
            "PREFIX lin: <https://w3id.org/vn-lineage/ontology#> SELECT ?d WHERE { ?d lin:stub true }"
        ),
        None,
    )
    stubs = {b["d"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert lin.summary(P241)["iri"] not in stubs and lin.summary(P474)["iri"] in stubs


def _union(lin: Lineage) -> Graph:
    return Graph().parse(data=lin.store.dump("nt"), format="nt")


def test_reingest_changes_nothing(lineage):  # noqa: F811
    before = lineage.store.dump("nq")
    before_union = _union(lineage)
    graphs = lineage.store.graphs()
    report = lineage.ingest_records(all_seed_records())
    assert report == IngestReport(ingested=0, unchanged=len(all_seed_records()))
    assert lineage.store.graphs() == graphs
    assert isomorphic(before_union, _union(lineage))
    assert sorted(before.splitlines()) == sorted(lineage.store.dump("nq").splitlines())


def test_reingest_on_disk_across_reopen(tmp_path):
    s = open_store(tmp_path / "s")
    Lineage.open(s).ingest_records(all_seed_records())
    before = s.dump("nt")
    s.close()
    s2 = open_store(tmp_path / "s")
    lin = Lineage.open(s2)
    assert lin.ingest_records(all_seed_records()).ingested == 0
    assert isomorphic(Graph().parse(data=before, format="nt"), _union(lin))
    s2.close()


class _Watched:
    """A real store that records which of its methods are called."""

    def __init__(self, store) -> None:
        self.store = store
        self.calls: list[str] = []

    def __getattr__(self, name):
        self.calls.append(name)
        return getattr(self.store, name)


def test_construction_does_no_io_and_open_loads(lineage):  # noqa: F811
    watched = _Watched(lineage.store)
    bare = Lineage(watched)  # type: ignore[arg-type]
    assert watched.calls == [] and bare.stats()["plans"] == 0 and not bare.knows(P241)
    opened = Lineage.open(watched)  # type: ignore[arg-type]
    assert "query" in watched.calls and opened.stats() == lineage.stats()
    generation = opened.generation
    opened.refresh()
    assert opened.generation != generation  # a new read model, a new token
    assert opened.summary(P241) == lineage.summary(P241)


def test_subgraph_members_and_edges(lineage):  # noqa: F811
    sub = lineage.subgraph(P474)
    cascade = lineage.cascade(P474)
    assert sub.depth == {n["id"]: n["depth"] for n in cascade["nodes"]}
    assert sorted(sub.edges) == [(e["source"], e["target"]) for e in cascade["edges"]]
    assert sub.depth[P474] == 0 and sub.depth[KL70] == -2
    with pytest.raises(NotFound):
        lineage.subgraph("nope")


def test_descendants_and_ancestors_carry_depth(lineage):  # noqa: F811
    city = city_id(lineage)
    d = {x["id"]: x["depth"] for x in lineage.descendants(KL70)}
    assert d[P241] == 1 and d[P474] == 2 and d[P224] == 1 and d[city] == 2 and d[TUSON] == 2
    assert all(x["depth"] == 1 for x in lineage.descendants(KL70, max_depth=1))
    a = {x["id"]: x["depth"] for x in lineage.ancestors(city)}
    assert a == {P474: 1, P224: 1, P241: 2, KL70: 2}
    for fn in (lineage.children, lineage.descendants, lineage.ancestors, lineage.summary):
        with pytest.raises(NotFound):
            fn("nope")


def test_cascade(lineage):  # noqa: F811
    c = lineage.cascade(P474)
    depth = {n["id"]: n["depth"] for n in c["nodes"]}
    assert depth[P474] == 0 and depth[P241] == -1 and depth[KL70] == -2 and depth[city_id(lineage)] == 1
    assert all("level" in n for n in c["nodes"])
    assert {"source": P474, "target": P241, "relation": "parent"} in c["edges"]


def test_roots_stats(lineage):  # noqa: F811
    assert [r["id"] for r in lineage.roots()] == [KL70]
    s = lineage.stats()
    assert s["plans"] == 7 and s["stubs"] == 5
    assert s["edges"] == len(lineage.index.edges()) == 9
    assert s["campaigns"] == 3 and s["provinces"] == 4 and s["bodies"] >= 9


def test_search(lineage):  # noqa: F811
    total, hits = lineage.search(q="241-KH/TU")
    assert total == 2 and {h["id"] for h in hits} == {P241, LS241}
    total, hits = lineage.search(q="bac kan", province="Bắc Kạn")
    assert total > 0 and all(h["issuer"]["province"] == "Bắc Kạn" for h in hits)
    # today's province matches too: Bắc Kạn is part of Thái Nguyên since 2025
    total_tn, _ = lineage.search(province="Thái Nguyên")
    total_bk, _ = lineage.search(province="Bắc Kạn")
    assert total_tn == total_bk > 0
    total, hits = lineage.search(level="central")
    assert [h["id"] for h in hits] == [KL70]
    total, hits = lineage.search(system="state", year=2024)
    assert {h["id"] for h in hits} == {P154, TUSON}
    total, page = lineage.search(limit=2, offset=1)
    assert total == 12 and len(page) == 2
    # exact-tone matches first: "Thể" vs folded "the"
    total, hits = lineage.search(q="thể thao")
    assert total >= 1
    exact = [h for h in hits if "thể thao" in (h["title"] or "").lower()]
    assert hits[: len(exact)] == exact


def test_resolve(lineage):  # noqa: F811
    assert lineage.resolve("241-KH/TU Bắc Kạn")[0] == P241
    assert lineage.resolve("241-KH/TU Lạng Sơn")[0] == LS241
    assert lineage.resolve("Kế hoạch 241-KH/TU ngày 02/4/2024 của Tỉnh ủy Bắc Kạn")[0] == P241
    assert lineage.resolve("70-KL/TW") == [KL70]
    assert lineage.resolve("Kết luận 70")[0] == KL70
    assert lineage.resolve("Kết luận số 70- KL/TW")[0] == KL70
    assert lineage.resolve(P241) == [P241]
    assert lineage.resolve("999-KH/TU") == []
    assert lineage.resolve("") == []


def test_campaigns_and_bodies(lineage):  # noqa: F811
    camps = {c["id"]: c for c in lineage.campaigns()}
    ren = camps["toan-dan-ren-luyen-than-the-theo-guong-bac-ho-vi-dai"]
    assert ren["plan_count"] == 1 and ren["label"].endswith("Bác Hồ vĩ đại") and ren["alt_labels"]
    assert [p["id"] for p in lineage.campaign_plans(ren["id"])] == [city_id(lineage)]
    assert camps["xay-dung-co-quan-van-hoa"]["plan_count"] == 0
    # the store answers the same across graphs: plans in theirs, labels in the scheme's
    rows = lineage.store.query(
        "SELECT ?d WHERE { GRAPH ?g { ?d <http://data.europa.eu/eli/ontology#is_about> ?c } "
        "GRAPH ?s { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } "
        'FILTER(STRENDS(?l, "Bác Hồ vĩ đại")) }'
    )
    assert [r["d"].value for r in rows] == [lineage.plan(city_id(lineage))["iri"]]
    with pytest.raises(NotFound):
        lineage.campaign_plans("khoe-de-lap-nghiep-va-giu-nuoc")
    bodies = {b["id"]: b for b in lineage.bodies()}
    tu = bodies["bac-kan.tinh-uy"]
    assert tu["name"] == "Ban Thường vụ Tỉnh ủy Bắc Kạn"  # board and committee: one body
    assert tu["system"] == "party" and tu["level"] == "province" and tu["province"] == "Bắc Kạn"
    assert tu["plan_count"] == 2
    assert {p["id"] for p in lineage.body_plans("bac-kan.tinh-uy")} == {P241, BK297}
    assert bodies["bac-kan.bac-kan.thanh-uy"]["district"] == "Bắc Kạn"
    with pytest.raises(NotFound):
        lineage.body_plans("nowhere.body")


def test_sparql(lineage):  # noqa: F811
    q = "PREFIX eli: <http://data.europa.eu/eli/ontology#> SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a eli:LegalResource }"
    body, mt = negotiate(lineage.sparql(q), None)
    assert mt == "application/sparql-results+json"
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "12"
    body, mt = negotiate(lineage.sparql("ASK { ?s ?p ?o }"), "text/csv")
    assert mt == "text/csv"
    body, mt = negotiate(lineage.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"), None)
    assert mt == "text/turtle" and len(Graph().parse(data=body, format="turtle")) == 3
    body, mt = negotiate(lineage.sparql("DESCRIBE <http://x/y>"), "application/n-triples, text/turtle;q=0.5")
    assert mt == "application/n-triples"
    # the lineage is queryable with property paths over the derived lin:parent
    q = f"""PREFIX lin: <https://w3id.org/vn-lineage/ontology#>
        SELECT ?a WHERE {{ <{lineage.summary(city_id(lineage))["iri"]}> lin:parent+ ?a }}"""
    got = {b["a"]["value"] for b in json.loads(negotiate(lineage.sparql(q), None)[0])["results"]["bindings"]}
    assert lineage.summary(KL70)["iri"] in got


@pytest.mark.parametrize(
    "q",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }",
        "# comment\nDROP ALL",
        "CLEAR DEFAULT",
        "LOAD <http://example.org/x.ttl>",
        "SELECT WHERE nonsense",
        "",
    ],
)
def test_sparql_refuses_updates_and_bad_syntax(lineage, q):  # noqa: F811
    before = len(lineage.store.dump("nq"))
    with pytest.raises(QueryError):
        lineage.sparql(q)
    assert len(lineage.store.dump("nq")) == before


def test_export(lineage):  # noqa: F811
    assert len(Graph().parse(data=lineage.export("ttl"), format="turtle")) > 100
    assert len(Graph().parse(data=lineage.export("nt"), format="nt")) > 100
    assert len(list(pyoxigraph.parse(lineage.export("jsonld"), format=pyoxigraph.RdfFormat.JSON_LD))) > 100
    gml = lineage.export("graphml")
    assert b"<graphml" in gml and KL70.encode() in gml
    rows = list(csv.DictReader(io.StringIO(lineage.export("csv").decode())))
    assert len(rows) == 9
    r = next(r for r in rows if r["child_id"] == TUSON)
    assert r["parent_id"] == P154 and r["parent_number"] == "154/KH-UBND"
    assert r["parent_issuer"] == "UBND tỉnh Bắc Ninh"
    with pytest.raises(ValueError):
        lineage.export("xls")


def test_validate_clean(lineage):  # noqa: F811
    ok, text = lineage.validate()
    assert ok, text


def test_validate_empty_store():
    ok, _ = Lineage.open(open_store("memory:")).validate()
    assert ok


def test_partial_issuer_ref_uses_number_and_province_context():
    """A ref naming no issuer at all ("Kế hoạch số 297-KH/TU") resolves via number + province."""
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records([ninh_thuan_297(), bac_kan_297()])
    rec = dataclasses.replace(
        bac_ai(),
        implements=(Ref("ke_hoach", "297-KH/TU", None, None, None),),
        sha256="2" * 64,
    )
    lin.ingest_records([rec])
    child = next(i for i in lin.index.nodes() if i.startswith("ninh-thuan.bac-ai"))
    assert lin.plan(child)["parents"] == [NT297]


def test_dateless_ref_merges_with_dated_document():
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records([tinh_uy_241()])
    rec = PlanRecord(
        source="x.txt",
        doc_type="ke_hoach",
        number="5-KH/TU",
        date="2024-06-01",
        issuer=Issuer("Ban Thường vụ Huyện ủy Ba Bể", "party", "district", "Bắc Kạn", "Ba Bể", "Thái Nguyên"),
        implements=(
            Ref(
                "ke_hoach", "241-KH/TU", None, None, Issuer("Tỉnh ủy Bắc Kạn", "party", "province", "Bắc Kạn")
            ),
        ),
        sha256="3" * 64,
    )
    lin.ingest_records([rec])
    assert lin.children(P241)[0]["number"] == "5-KH/TU"
    assert kl70().number == "70-KL/TW"
