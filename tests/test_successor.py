"""``lin:successor``: a province that stayed itself in 2025 has none (no self-loop), and the read
model still names it as its own current province; the shapes refuse a self-loop."""

from __future__ import annotations

import pyshacl
from graph_fixtures import UBND_TU_SON, bac_kan_city_front, tu_son
from pyoxigraph import NamedNode, Triple
from rdflib import Graph

from graph.rdf import build, record_triples
from graph.service import Lineage
from graph.store import open_store
from graph.writing import scheme_graph
from ontology import ONTOLOGY_PATH, SHAPES_PATH
from ontology.ns import LIN

PLACE = "https://w3id.org/vn-lineage/place/"


def _successors(triples) -> set[tuple[str, str]]:
    return {(t.subject.value, t.object.value) for t in triples if t.predicate.value == str(LIN.successor)}


def test_a_province_that_stayed_itself_has_no_successor() -> None:
    # Bắc Ninh is its own province after 2025 (it took Bắc Giang in): no "Bắc Ninh succeeded by Bắc Ninh".
    assert UBND_TU_SON.province_current == UBND_TU_SON.province == "Bắc Ninh"
    assert _successors(build(tu_son()).triples) == set()
    # A merged province still points to the one it became.
    assert _successors(build(bac_kan_city_front()).triples) == {(PLACE + "bac-kan", PLACE + "thai-nguyen")}


def test_the_read_model_names_an_unmerged_province_as_its_own_current_one() -> None:
    lin = Lineage.open(open_store("memory:"))
    lin.ingest_records([tu_son(), bac_kan_city_front()])
    issuers = {
        lin.summary(pid)["issuer"]["province"]: lin.summary(pid)["issuer"] for pid in lin.index.nodes()
    }
    assert issuers["Bắc Ninh"]["province_current"] == "Bắc Ninh"
    assert issuers["Bắc Kạn"]["province_current"] == "Thái Nguyên"
    assert not lin.sparql("ASK { ?u <https://w3id.org/vn-lineage/ontology#successor> ?u }")


def _conforms(triples) -> tuple[bool, str]:
    store = open_store("memory:")
    store.replace_graph(*scheme_graph())  # the campaigns a plan is about are described there
    g, _ = record_triples(tu_son())
    store.replace_graph(g, triples)
    data = Graph().parse(data=store.dump("nt"), format="nt")
    ok, _, text = pyshacl.validate(
        data, shacl_graph=Graph().parse(SHAPES_PATH), ont_graph=Graph().parse(ONTOLOGY_PATH), advanced=True
    )
    return bool(ok), str(text)


def test_the_shapes_refuse_a_self_loop() -> None:
    _, triples = record_triples(tu_son())
    ok, text = _conforms(triples)
    assert ok, text
    loop = NamedNode(PLACE + "bac-ninh")
    ok, text = _conforms([*triples, Triple(loop, NamedNode(str(LIN.successor)), loop)])
    assert not ok and "never its own successor" in text
