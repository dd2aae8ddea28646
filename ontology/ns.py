"""Typed namespaces: every term the code writes is declared here and in the Turtle.

Why DefinedNamespace with ``_fail = True``: a misspelt term
raises at import/run time instead of silently minting an IRI nobody declared;
``tests/test_ontology.py`` checks that each ``LIN`` term is defined in
``lineage.ttl`` (and the reverse). SKOS, DCTERMS, FOAF, RDF, RDFS, XSD come from rdflib.
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD, DefinedNamespace, Namespace

__all__ = [
    "DCTERMS",
    "ELI",
    "FOAF",
    "LIN",
    "LIN_NS",
    "ORG",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SH",
    "SKOS",
    "XSD",
    "CAMPAIGN_NS",
]

LIN_NS = "https://w3id.org/vn-lineage/ontology#"
# Campaign concepts are vocabulary (fixed IRIs, independent of the data base IRI).
CAMPAIGN_NS = "https://w3id.org/vn-lineage/campaign/"
SH = Namespace("http://www.w3.org/ns/shacl#")


class LIN(DefinedNamespace):
    """Our own terms (ontology/lineage.ttl): only where no standard term fits."""

    _fail = True
    _NS = Namespace(LIN_NS)

    # document classes, one per doc_type of ontology.vocab.DOC_TYPE_TABLE
    KeHoach: URIRef
    KetLuan: URIRef
    NghiQuyet: URIRef
    ChiThi: URIRef
    QuyetDinh: URIRef
    ChuongTrinh: URIRef
    DeAn: URIRef
    ChienLuoc: URIRef
    HuongDan: URIRef
    CongVan: URIRef
    ThongBao: URIRef
    ThongTu: URIRef
    NghiDinh: URIRef
    Luat: URIRef
    ToTrinh: URIRef
    BaoCao: URIRef
    OtherDocument: URIRef
    # other classes
    Link: URIRef
    AdministrativeUnit: URIRef
    Campaign: URIRef
    Target: URIRef
    SourceDocument: URIRef
    ExtractionActivity: URIRef
    # lineage
    implements: URIRef
    parent: URIRef
    stub: URIRef
    symbol: URIRef
    # places
    adminLevel: URIRef
    successor: URIRef
    # link evidence (n-ary pattern)
    linkSource: URIRef
    linkTarget: URIRef
    relation: URIRef
    evidenceText: URIRef
    evidenceStart: URIRef
    evidenceEnd: URIRef
    method: URIRef
    confidence: URIRef
    basis: URIRef
    reviewState: URIRef
    # signature, recipients, targets
    signedBy: URIRef
    signerTitle: URIRef
    recipient: URIRef
    hasTarget: URIRef
    indicator: URIRef
    comparator: URIRef
    targetValue: URIRef
    unit: URIRef
    targetYear: URIRef
    targetText: URIRef
    # provenance
    recordJson: URIRef
    # SKOS schemes and concepts
    SystemScheme: URIRef
    LevelScheme: URIRef
    campaigns: URIRef
    Party: URIRef
    State: URIRef
    Front: URIRef
    MassOrg: URIRef
    OtherSystem: URIRef
    Central: URIRef
    Province: URIRef
    District: URIRef
    Commune: URIRef
    OtherLevel: URIRef


class ELI(DefinedNamespace):
    """The ELI terms we use (http://data.europa.eu/eli/ontology#)."""

    _fail = True
    _NS = Namespace("http://data.europa.eu/eli/ontology#")

    LegalResource: URIRef
    applies: URIRef
    based_on: URIRef
    cites: URIRef
    passed_by: URIRef
    id_local: URIRef
    date_document: URIRef
    title: URIRef
    jurisdiction: URIRef
    is_about: URIRef


class ORG(DefinedNamespace):
    """The W3C ORG terms we use."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/org#")

    Organization: URIRef
    classification: URIRef


class PROV(DefinedNamespace):
    """The PROV-O terms we use."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/prov#")

    Entity: URIRef
    Activity: URIRef
    wasDerivedFrom: URIRef
    wasGeneratedBy: URIRef
    used: URIRef
