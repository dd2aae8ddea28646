"""Record -> RDF: documents, stubs, chains, links with evidence, provenance, SHACL."""

from __future__ import annotations

import dataclasses
import json

import pyshacl
from graph_fixtures import bac_kan_city_front, tu_son
from pyoxigraph import Literal, NamedNode
from rdflib import Graph

from graph.identity import iri_of
from graph.rdf import build, record_triples
from graph.sources import public_source
from graph.store import open_store
from graph.writing import scheme_graph
from ontology import ONTOLOGY_PATH, SHAPES_PATH
from ontology.ns import ELI, LIN, PROV, RDF, SKOS, XSD

CITY = "bac-kan.bac-kan.mttq.2024.ke-hoach."
P474 = "bac-kan.mttq.2024.ke-hoach.474-kh-mttq-btt"
P241 = "bac-kan.tinh-uy.2024.ke-hoach.241-kh-tu"
P224 = "bac-kan.bac-kan.thanh-uy.2024.ke-hoach.224-kh-tu"
KL70 = "central.bo-chinh-tri.2024.ket-luan.70-kl-tw"


def n(x) -> NamedNode:
    return NamedNode(str(x))


def _spo(triples):
    return {(t.subject.value, t.predicate.value, t.object) for t in triples}


def test_graph_iri_from_sha_and_no_machine_path():
    rec = bac_kan_city_front()
    g, triples = record_triples(rec)
    assert g == "https://w3id.org/vn-lineage/graph/" + rec.sha256
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, NamedNode):
                assert "seeds" not in term.value and "/work" not in term.value


def test_chain_of_references_gives_one_edge_per_step():
    rg = build(bac_kan_city_front())
    spo = _spo(rg.triples)
    impl = str(LIN.implements)
    city = rg.doc_id
    assert city.startswith(CITY)
    edges = {(s, o.value) for s, p, o in spo if p == impl}
    assert edges == {
        (iri_of(city), iri_of(P474)),
        (iri_of(city), iri_of(P224)),
        (iri_of(P474), iri_of(P241)),
        (iri_of(P241), iri_of(KL70)),
        (iri_of(P224), iri_of(KL70)),
    }
    based = {(s, o.value) for s, p, o in spo if p == str(ELI.based_on)}
    assert len(based) == 1


def test_document_facts_and_types():
    rg = build(bac_kan_city_front())
    spo = _spo(rg.triples)
    d = iri_of(rg.doc_id)
    assert (d, str(ELI.date_document), Literal("2024-05", datatype=n(XSD.gYearMonth))) in spo
    assert (d, str(LIN.symbol), Literal("KH-MTTQ-BTT")) in spo
    assert not any(s == d and p == str(ELI.id_local) for s, p, _ in spo)  # blank number
    kl = iri_of(KL70)
    assert (kl, str(ELI.date_document), Literal("2024-01-31", datatype=n(XSD.date))) in spo
    assert (kl, str(ELI.id_local), Literal("70-KL/TW")) in spo
    assert (kl, str(RDF.type), n(LIN.KetLuan)) in spo
    assert (iri_of(P474), str(ELI.id_local), Literal("474/KH-MTTQ-BTT")) in spo
    # stubs are never marked here: stub-ness is a fact about the whole store
    assert not any(p == str(LIN.stub) for _, p, _ in spo)
    # only the ingested document is derived from the source
    derived = {s for s, p, _ in spo if p == str(PROV.wasDerivedFrom) and s.startswith(iri_of(""))}
    assert derived == {d}


def test_record_json_is_kept_exactly():
    rec = bac_kan_city_front()
    rg = build(rec)
    blobs = [t.object for t in rg.triples if t.predicate.value == str(LIN.recordJson)]
    assert len(blobs) == 1
    assert blobs[0].datatype.value.endswith("#JSON")
    # the record as read, except its source: the file name, never a path of the ingesting machine
    assert json.loads(blobs[0].value) == rec.to_json() | {"source": public_source(rec.source)}


def test_every_link_node_has_its_direct_triple():
    rg = build(bac_kan_city_front())
    spo = _spo(rg.triples)
    links = {s for s, p, o in spo if p == str(RDF.type) and o == n(LIN.Link)}
    assert len(links) == 6  # 5 implements + 1 based_on
    by = {}
    for s, p, o in spo:
        if s in links:
            by.setdefault(s, {})[p] = o
    for props in by.values():
        src, rel, tgt = props[str(LIN.linkSource)], props[str(LIN.relation)], props[str(LIN.linkTarget)]
        assert (src.value, rel.value, tgt) in spo
        assert props[str(LIN.method)].value == "rule:thuc-hien"
        assert props[str(LIN.reviewState)].value == "unreviewed"
        assert str(LIN.evidenceText) in props


def test_campaigns_signer_targets_places():
    rg = build(bac_kan_city_front())
    spo = _spo(rg.triples)
    d = iri_of(rg.doc_id)
    about = {o.value for s, p, o in spo if s == d and p == str(ELI.is_about)}
    assert (
        "https://w3id.org/vn-lineage/campaign/toan-dan-ren-luyen-than-the-theo-guong-bac-ho-vi-dai" in about
    )
    assert any(p == str(LIN.signerTitle) and o.value == "Phó Chủ tịch" for s, p, o in spo if s == d)
    assert any(p == str(LIN.hasTarget) for s, p, o in spo if s == d)
    succ = {(s, o.value) for s, p, o in spo if p == str(LIN.successor)}
    base = "https://w3id.org/vn-lineage/place/"
    assert (base + "bac-kan", base + "thai-nguyen") in succ


def test_graph_validates_against_shapes():
    """Record graphs with the campaign scheme's graph, as the service writes them."""
    store = open_store("memory:")
    store.replace_graph(*scheme_graph())
    for rec in (bac_kan_city_front(), tu_son()):
        g, triples = record_triples(rec)
        store.replace_graph(g, triples)
    data = Graph().parse(data=store.dump("nt"), format="nt")
    conforms, _, text = pyshacl.validate(
        data,
        shacl_graph=Graph().parse(SHAPES_PATH),
        ont_graph=Graph().parse(ONTOLOGY_PATH),
        advanced=True,
    )
    assert conforms, text


def test_broken_link_is_caught_by_shapes():
    """The shapes check that the n-ary node and the direct triple stay in step."""
    store = open_store("memory:")
    g, triples = record_triples(tu_son())
    kept = [t for t in triples if t.predicate.value != str(LIN.implements)]
    store.replace_graph(g, kept)
    data = Graph().parse(data=store.dump("nt"), format="nt")
    conforms, _, _ = pyshacl.validate(data, shacl_graph=Graph().parse(SHAPES_PATH), advanced=True)
    assert not conforms


def test_record_without_sha_hashes_its_json():
    import dataclasses

    rec = dataclasses.replace(tu_son(), sha256=None)
    g1, _ = record_triples(rec)
    g2, _ = record_triples(rec)
    assert g1 == g2 and g1.startswith("https://w3id.org/vn-lineage/graph/")


def test_known_campaigns_are_described_once_in_the_scheme_graph():
    """A plan's graph says it is about a known campaign; the labels live in the scheme's graph.
    A campaign the scheme does not know is still described where it is cited."""
    rec = dataclasses.replace(
        bac_kan_city_front(),
        campaigns=("Toàn dân rèn luyện thân thể theo tấm gương Bác Hồ vĩ đại", "Ngày hội bơi lội an toàn"),
    )
    spo = _spo(build(rec).triples)
    known = "https://w3id.org/vn-lineage/campaign/toan-dan-ren-luyen-than-the-theo-guong-bac-ho-vi-dai"
    other = "https://w3id.org/vn-lineage/campaign/ngay-hoi-boi-loi-an-toan"
    assert not [t for t in spo if t[0] == known]
    assert {(p, o.value) for s, p, o in spo if s == other} >= {
        (str(SKOS.prefLabel), "Ngày hội bơi lội an toàn"),
        (str(RDF.type), str(LIN.Campaign)),
    }
    g, scheme = scheme_graph()
    assert g == "https://w3id.org/vn-lineage/graph/campaigns"
    labels = {
        t.object.value for t in scheme if t.subject.value == known and t.predicate.value == str(SKOS.altLabel)
    }
    assert "Toàn dân rèn luyện thân thể theo tấm gương Bác Hồ vĩ đại" in labels
