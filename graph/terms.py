"""The terms a record's graph is written with: IRIs minted from a base, and vocabulary nodes.

Reads: the ontology's namespaces and vocabulary (:mod:`ontology.ns`,
:mod:`ontology.vocab`). Returns: pyoxigraph nodes and literals, the IRI of a
graph, source, organisation or place, and the maps between the ontology's
classes and concepts and the record's values (``doc_type``, ``system``, ``level``).

Why apart from :mod:`graph.rdf`: the writer (record -> triples) and the readers
(:mod:`graph.readmodel`, the queries) share these names; only the writer needs
the writing.
"""

from __future__ import annotations

import re

from pyoxigraph import Literal, NamedNode

from graph.identity import DEFAULT_BASE, DocKey
from ontology.ns import ELI, LIN, RDF, XSD
from ontology.vocab import DOC_TYPE_TABLE, LEVEL_CONCEPTS, SYSTEM_CONCEPTS

__all__ = [
    "CLASS_DOC_TYPE",
    "CONCEPT_VALUE",
    "DOC_CLASS",
    "LEVEL_CONCEPT",
    "N",
    "Nodes",
    "RDF_JSON",
    "RELATIONS",
    "RELATION_NAME",
    "SYSTEM_CONCEPT",
    "date_literal",
    "graph_iri",
    "org_iri",
    "place_iri",
    "source_iri",
]

_NODES: dict[str, NamedNode] = {}


_MAX_NODES = 100_000


def N(iri: object) -> NamedNode:
    """A (cached) pyoxigraph IRI node for an rdflib term or a string. The cache is
    bounded: most IRIs a record mints (its links, targets, source) never come back."""
    s = str(iri)
    node = _NODES.get(s)
    if node is None:
        if len(_NODES) >= _MAX_NODES:
            _NODES.clear()
        node = _NODES[s] = NamedNode(s)
    return node


DOC_CLASS: dict[str, object] = {t.slug: getattr(LIN, t.cls) for t in DOC_TYPE_TABLE}
CLASS_DOC_TYPE: dict[str, str] = {str(v): k for k, v in DOC_CLASS.items()}
SYSTEM_CONCEPT: dict[str, object] = {k: getattr(LIN, v) for k, v in SYSTEM_CONCEPTS.items()}
LEVEL_CONCEPT: dict[str, object] = {k: getattr(LIN, v) for k, v in LEVEL_CONCEPTS.items()}
CONCEPT_VALUE: dict[str, str] = {str(v): k for d in (SYSTEM_CONCEPT, LEVEL_CONCEPT) for k, v in d.items()}
RELATIONS: dict[str, object] = {"implements": LIN.implements, "based_on": ELI.based_on, "cites": ELI.cites}
RELATION_NAME: dict[str, str] = {str(v): k for k, v in RELATIONS.items()}

_XSD_DATE = {10: N(XSD.date), 7: N(XSD.gYearMonth), 4: N(XSD.gYear)}
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
RDF_JSON = N(str(RDF) + "JSON")


def graph_iri(sha: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}graph/{sha}"


def source_iri(sha: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}source/{sha}"


def org_iri(key: DocKey, base: str = DEFAULT_BASE) -> str:
    return f"{base}org/{key.jurisdiction.replace('.', '/')}/{key.body}"


def place_iri(jurisdiction: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}place/{jurisdiction.replace('.', '/')}"


def date_literal(date: str | None) -> Literal | None:
    """``eli:date_document`` typed by precision: xsd:date, xsd:gYearMonth or xsd:gYear."""
    if not date or not _DATE_RE.match(date):
        return None
    return Literal(date, datatype=_XSD_DATE[len(date)])


class Nodes:
    """A vocabulary's terms as pyoxigraph nodes, each made once: the writer names
    a term some 150 times per record, and rdflib's namespace lookup is not free."""

    def __init__(self, ns: object) -> None:
        self._base = str(ns)

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        node = NamedNode(self._base + name)
        setattr(self, name, node)
        return node
