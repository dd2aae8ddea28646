"""The ontology, shapes and campaign scheme parse, and every term the code uses is declared."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from ingest.campaigns import match_campaign
from ingest.model import DOC_TYPES
from ingest.text import slugify
from ontology import CAMPAIGNS_PATH, ONTOLOGY_PATH, SHAPES_PATH, campaign_scheme, ns
from ontology.ns import ELI, LIN, LIN_NS, OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


def test_files_parse():
    for p in (ONTOLOGY_PATH, SHAPES_PATH, CAMPAIGNS_PATH):
        assert len(Graph().parse(p, format="turtle")) > 10


def _lin_terms() -> list[str]:
    return [t for t in LIN.__annotations__ if not t.startswith("_")]


def test_every_lin_term_is_declared_with_a_reason(onto):
    for t in _lin_terms():
        iri = URIRef(LIN_NS + t)
        assert (iri, RDF.type, None) in onto, f"lin:{t} not declared in lineage.ttl"
        assert (iri, RDFS.comment, None) in onto, f"lin:{t} has no rdfs:comment"


def test_every_declared_lin_term_is_in_the_namespace(onto):
    declared = {str(s)[len(LIN_NS) :] for s in onto.subjects(RDF.type, None) if str(s).startswith(LIN_NS)}
    assert declared == set(_lin_terms())


def test_code_uses_only_declared_terms():
    """Scan graph/ and ontology/ for NS.term usages; _fail makes unknown ones raise too."""
    pattern = re.compile(r"\b(LIN|ELI|ORG|PROV)\.([A-Za-z_]\w*)")
    used: set[tuple[str, str]] = set()
    for py in [*(ROOT / "graph").glob("*.py"), *(ROOT / "ontology").glob("*.py")]:
        used |= set(pattern.findall(py.read_text(encoding="utf-8")))
    assert used
    for nsname, term in used:
        if term.startswith("_"):
            continue
        namespace = getattr(ns, nsname)
        assert term in namespace.__annotations__, f"{nsname}.{term} is not declared"
    with pytest.raises(AttributeError):
        _ = LIN.implement  # a misspelt term fails loudly


def test_document_classes_cover_doc_types(onto):
    from graph.rdf import DOC_CLASS

    assert set(DOC_CLASS) == set(DOC_TYPES)
    for doc_type, cls in DOC_CLASS.items():
        assert (cls, RDFS.subClassOf, ELI.LegalResource) in onto
        assert (cls, SKOS.notation, None) in onto, doc_type


def test_lineage_properties(onto):
    assert (LIN.implements, RDFS.subPropertyOf, ELI.applies) in onto
    assert (LIN.parent, RDFS.subPropertyOf, LIN.implements) in onto
    assert (LIN.Link, RDF.type, OWL.Class) in onto


def test_campaign_scheme():
    camps = campaign_scheme()
    assert campaign_scheme() is camps  # parsed once
    labels = {c.pref_label for c in camps}
    assert {
        "Toàn dân rèn luyện thân thể theo gương Bác Hồ vĩ đại",
        "Toàn dân đoàn kết xây dựng đời sống văn hóa",
        "Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh",
        "Xây dựng cơ quan văn hóa",
        "Ngày chạy Olympic vì sức khỏe toàn dân",
        "Tháng hoạt động thể dục, thể thao cho mọi người",
    } <= labels
    assert not any("lập nghiệp" in c.pref_label for c in camps)  # a slogan, not a campaign
    for c in camps:
        assert c.id == slugify(c.pref_label)
    ren = match_campaign("Toàn dân rèn luyện thân thể theo gương Bắc Hồ vĩ đại")
    assert ren is not None and ren.pref_label.endswith("Bác Hồ vĩ đại")
    assert "Toàn dân rèn luyện thân thể theo gương Bắc Hồ vĩ đại" in ren.alt_labels
    vh = match_campaign("Toàn dân đoàn kết xây dựng đời sống văn hóa ở khu dân cư")
    assert vh is not None and vh.id == "toan-dan-doan-ket-xay-dung-doi-song-van-hoa"
    assert match_campaign("Khỏe để lập nghiệp và giữ nước") is None


def test_shapes_target_the_main_classes():
    shapes = Graph().parse(SHAPES_PATH, format="turtle")
    sh = URIRef("http://www.w3.org/ns/shacl#targetClass")
    targets = set(shapes.objects(None, sh))
    for cls in (ELI.LegalResource, ns.ORG.Organization, LIN.Link, LIN.Campaign):
        assert URIRef(str(cls)) in targets
