"""Dereferenceable IRIs: ``GET /doc/...`` by content negotiation, the description it serves (bounded),
and rdflib's ``Graph().parse(iri)`` against a live server whose base IRI is the server itself."""

from __future__ import annotations

import pytest
from api_fixtures import TestClient
from browser_fixtures import free_socket, serve
from graph_fixtures import all_seed_records
from rdflib import RDFS, Graph, URIRef

from api import create_app
from api.routes.doc import negotiate
from graph.describe import MAX_LINKS
from graph.service import Lineage
from graph.store import open_store
from ingest.model import Evidence, Issuer, PlanRecord, Ref
from ontology.ns import ELI, LIN

FRONT = "bac-kan.bac-kan.mttq.2024.ke-hoach.n-39862931ee"  # seed 000, ingested (graph_fixtures)
P474 = "bac-kan.mttq.2024.ke-hoach.474-kh-mttq-btt"  # known only by reference
P241 = "bac-kan.tinh-uy.2024.ke-hoach.241-kh-tu"  # ingested


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),  # a browser
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples, */*;q=0.1", "application/n-triples"),
        ("application/rdf+xml;q=0.5, text/turtle;q=0.1", "application/rdf+xml"),
        ("text/*", "text/turtle"),
        ("text/turtle;q=0, */*", "text/html"),  # refused by name, whatever the wildcard says
        ("TEXT/Turtle ; q=0.7", "text/turtle"),
        ("image/png", None),
        ("application/json;q=oops", None),
    ],
)
def test_negotiation(accept: str | None, chosen: str | None) -> None:
    assert negotiate(accept) == chosen


@pytest.fixture(scope="module")
def seeds() -> tuple[Lineage, TestClient]:
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records(all_seed_records())
    return lin, TestClient(create_app(lin))


def _path(lin: Lineage, pid: str) -> str:
    return "/" + lin.summary(pid)["iri"].removeprefix(lin.base)


def _graph(body: bytes, fmt: str) -> Graph:
    return Graph().parse(data=body, format=fmt)


def test_html_goes_to_the_page(seeds: tuple[Lineage, TestClient]) -> None:
    lin, client = seeds
    r = client.get(_path(lin, P241), headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/view/plans/{P241}"
    assert r.headers["vary"] == "Accept"
    assert client.get(_path(lin, P241), headers={"Accept": "text/html"}).status_code == 200


@pytest.mark.parametrize(
    ("media", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ],
)
# rdflib's own JSON-LD parser still builds a ConjunctiveGraph, which rdflib itself deprecates.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_each_rdf_format_describes_the_document(
    seeds: tuple[Lineage, TestClient], media: str, fmt: str
) -> None:
    lin, client = seeds
    r = client.get(_path(lin, FRONT), headers={"Accept": media})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
    g = _graph(r.content, fmt)
    doc = URIRef(lin.summary(FRONT)["iri"])
    assert (doc, URIRef(str(ELI.title)), None) in g
    # its links with their evidence, and each link's direct triple beside its node
    links = list(g.subjects(URIRef(str(LIN.linkSource)), doc))
    assert links and all(g.value(link, URIRef(str(LIN.evidenceText))) for link in links)
    for link in links:
        assert (
            doc,
            g.value(link, URIRef(str(LIN.relation))),
            g.value(link, URIRef(str(LIN.linkTarget))),
        ) in g
    # the issuer's label comes along; the stored record JSON does not
    org = g.value(doc, URIRef(str(ELI.passed_by)))
    assert "MTTQ" in str(g.value(org, RDFS.label))
    assert not list(g.objects(None, URIRef(str(LIN.recordJson))))
    assert len(g) < 400


def test_a_stub_is_described_by_what_cites_it(seeds: tuple[Lineage, TestClient]) -> None:
    lin, client = seeds
    g = _graph(client.get(_path(lin, P474), headers={"Accept": "text/turtle"}).content, "turtle")
    stub = URIRef(lin.summary(P474)["iri"])
    assert (stub, URIRef(str(LIN.stub)), None) in g
    assert list(g.subjects(URIRef(str(LIN.linkTarget)), stub))  # the citing statements, with evidence


def test_unknown_and_unacceptable(seeds: tuple[Lineage, TestClient]) -> None:
    lin, client = seeds
    r = client.get("/doc/no/such/2024/ke-hoach/1-kh-tu", headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    r = client.get(_path(lin, P241), headers={"Accept": "image/png"})
    assert r.status_code == 406 and "text/turtle" in r.json()["detail"]
    assert "/doc/{path}" in client.get("/openapi.json").json()["paths"]


def test_the_description_is_bounded() -> None:
    """A plan implemented by more plans than the bound: at most MAX_LINKS link nodes about it."""
    bk = Issuer("Ban Thường vụ Tỉnh ủy Bắc Kạn", "party", "province", "Bắc Kạn", None, "Thái Nguyên")
    top = Ref(
        "ke_hoach", "1-KH/TU", "2024-04-02", None, bk, evidence=Evidence(1, 9, "test", 0.9, "explicit", "1")
    )
    n = MAX_LINKS + 40
    records = [
        PlanRecord(
            f"{i}.txt",
            "ke_hoach",
            f"{i}/KH-UBND",
            None,
            "2024-05-01",
            f"Kế hoạch {i}",
            Issuer(
                f"UBND xã {i}", "state", "commune", "Bắc Kạn", "Chợ Đồn", "Thái Nguyên", commune=f"Xã {i}"
            ),
            implements=(top,),
            sha256=f"{i:064d}",
        )
        for i in range(100, 100 + n)
    ]
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records(records)
    top_id = next(i for i in lin.index.nodes() if lin.summary(i)["number"] == "1-KH/TU")
    g = _graph(lin.describe(top_id, "nt"), "nt")
    assert len(set(g.subjects(URIRef(str(LIN.linkTarget)), URIRef(lin.summary(top_id)["iri"])))) == MAX_LINKS


def test_rdflib_parses_an_iri_from_a_live_server() -> None:
    """The IRIs are the server's own (LINEAGE_BASE pointing at it): rdflib dereferences them."""
    sock = free_socket()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    lin = Lineage.open(open_store("memory:"), base=base)
    lin.ingest_records(all_seed_records())
    with serve(create_app(lin), sock):
        for pid in (FRONT, P241, P474):  # ingested, ingested, a stub
            iri = lin.summary(pid)["iri"]
            assert iri.startswith(base + "doc/")
            g = Graph().parse(iri)
            assert (URIRef(iri), None, None) in g
            assert g.value(URIRef(iri), URIRef(str(ELI.id_local))) is not None or pid == FRONT
        # what a browser gets at the same address: the plan's page
        import urllib.request

        with urllib.request.urlopen(urllib.request.Request(iri, headers={"Accept": "text/html"})) as r:
            assert r.status == 200 and r.url.endswith(f"/view/plans/{P474}") and b"<html" in r.read()
