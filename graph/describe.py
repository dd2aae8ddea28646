"""One document's description in RDF: what ``GET`` on its IRI answers with (Linked Data).

Reads: the store (the union of the named graphs) and the document's IRI.
Returns: :func:`describe`, the triples about the document, bounded, and
:func:`serialize`, those triples in Turtle, N-Triples, JSON-LD or RDF/XML.

What a description holds: every triple whose subject is the document (its
types, number, date, titles, issuer, jurisdiction, what it implements, cites and
is based on, its source, ``lin:parent`` and ``lin:stub`` from the derived graph),
the ``lin:Link`` nodes that carry the evidence of its links, from it (those its
own source states first) and to it, each with its direct triple, and the
descriptions of its issuing body and place. A stub is described by what the
documents citing it say. The record's JSON (stored with
each source) is left out: ``GET /api/plans/{id}`` serves it.

Why bounded: a provincial plan's chain is restated by every plan below it, so at
national scale it is the source of thousands of link nodes, and a much-cited
stub collects many spellings of its title; at most :data:`MAX_LINKS` link
nodes each way and :data:`MAX_TRIPLES` triples of each other part are returned.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import NamedNode, QueryTriples, Triple, serialize

from graph.formats import RDF_FORMAT_NAMES
from graph.sparql import PREFIXES
from graph.storage import Store
from ontology.ns import DCTERMS, ELI, FOAF, LIN, ORG, PROV, RDF, RDFS, SKOS, XSD

__all__ = ["FORMATS", "MAX_LINKS", "MAX_TRIPLES", "describe", "serialize_triples"]

MAX_LINKS = 200
MAX_TRIPLES = 2000
FORMATS = ("ttl", "nt", "jsonld", "rdfxml")
_PREFIXES = {
    "eli": str(ELI._NS),
    "lin": str(LIN._NS),
    "org": str(ORG._NS),
    "prov": str(PROV._NS),
    "skos": str(SKOS),
    "rdfs": str(RDFS),
    "rdf": str(RDF),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "xsd": str(XSD),
}
_RECORD_JSON = str(LIN.recordJson)


def _construct(store: Store, query: str) -> list[Triple]:
    result = store.query(PREFIXES + query)
    if not isinstance(result, QueryTriples):  # a CONSTRUCT always answers triples
        return []
    return [t for t in result if t.predicate.value != _RECORD_JSON]


def _ids(store: Store, query: str) -> list[str]:
    return [row[0].value for row in store.query(PREFIXES + query)]


def _links(store: Store, d: NamedNode, own: set[str]) -> list[str]:
    """The link nodes to describe: those from ``d`` (stated by its own sources first), then
    those to it, at most :data:`MAX_LINKS` of each, in a stable order."""
    limit = f"ORDER BY ?l LIMIT {MAX_LINKS}"
    mine: list[str] = []
    if own:
        values = " ".join(f"<{s}>" for s in sorted(own))
        mine = _ids(
            store,
            f"SELECT DISTINCT ?l WHERE {{ VALUES ?s {{ {values} }} ?l lin:linkSource {d} ; "
            f"prov:wasDerivedFrom ?s }} {limit}",
        )
    out = mine + _ids(store, f"SELECT DISTINCT ?l WHERE {{ ?l lin:linkSource {d} }} {limit}")
    out = list(dict.fromkeys(out))[:MAX_LINKS]
    return out + _ids(store, f"SELECT DISTINCT ?l WHERE {{ ?l lin:linkTarget {d} }} {limit}")


def describe(store: Store, iri: str) -> list[Triple]:
    """The triples describing the document ``iri`` (see the module docstring), sorted, no repeats."""
    d = NamedNode(iri)
    own = _construct(store, f"CONSTRUCT {{ {d} ?p ?o }} WHERE {{ {d} ?p ?o }} LIMIT {MAX_TRIPLES}")
    sources = {t.object.value for t in own if t.predicate.value == str(PROV.wasDerivedFrom)}
    out = set(own)
    links = sorted(set(_links(store, d, sources)))
    if links:
        values = " ".join(f"<{link}>" for link in links)
        found = _construct(store, f"CONSTRUCT {{ ?l ?p ?o }} WHERE {{ VALUES ?l {{ {values} }} ?l ?p ?o }}")
        out.update(found)
        # each link node's direct triple, as the store always holds it beside the node
        parts: dict[str, dict[str, object]] = {}
        for t in found:
            parts.setdefault(t.subject.value, {})[t.predicate.value] = t.object
        for p in parts.values():
            s, r, o = p.get(str(LIN.linkSource)), p.get(str(LIN.relation)), p.get(str(LIN.linkTarget))
            if isinstance(s, NamedNode) and isinstance(r, NamedNode) and isinstance(o, NamedNode):
                out.add(Triple(s, r, o))
    whose = (str(ELI.passed_by), str(ELI.jurisdiction))
    about = {t.object.value for t in own if t.predicate.value in whose and isinstance(t.object, NamedNode)}
    if about:
        values = " ".join(f"<{x}>" for x in sorted(about))
        q = f"CONSTRUCT {{ ?x ?p ?o }} WHERE {{ VALUES ?x {{ {values} }} ?x ?p ?o }} LIMIT {MAX_TRIPLES}"
        out.update(_construct(store, q))
    return sorted(out, key=str)


def serialize_triples(triples: Iterable[Triple], fmt: str) -> bytes:
    """``triples`` in ``fmt`` (one of :data:`FORMATS`), with the project's prefixes where the
    format has them."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    rdf_format = RDF_FORMAT_NAMES[fmt]
    if fmt in ("ttl", "rdfxml"):
        return serialize(triples, format=rdf_format, prefixes=_PREFIXES)
    return serialize(triples, format=rdf_format)
